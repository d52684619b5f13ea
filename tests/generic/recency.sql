{#
    The newest `field` is no older than `interval` `datepart`s before a
    reference: the newest value of `reference_field` in the same model (for
    historical extracts: the newest partition must hold events of its own
    day, not old ones re-sent), or the current time when no reference field
    is given.
#}
{% test recency(model, field, datepart, interval, reference_field=none) %}

with

newest as (
    select
        max({{ field }}) as newest_value,
        {% if reference_field is not none -%}
            max(cast({{ reference_field }} as timestamp)) as reference_value
        {%- else -%}
            {{ dbt.current_timestamp() }} as reference_value
        {%- endif %}
    from {{ model }}
)

select newest_value, reference_value
from newest
where
    newest_value is null
    or newest_value < {{ dbt.dateadd(datepart, -interval, 'reference_value') }}

{% endtest %}
