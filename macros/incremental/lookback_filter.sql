{#
    The rows an incremental model re-reads: on an incremental run, those whose
    `date_column` is within var('lookback_days') of the newest date already
    loaded (so late-arriving days are picked up and replaced by delete+insert);
    on a full refresh, every row (`1 = 1`).
#}
{% macro lookback_filter(date_column) -%}
    {%- if is_incremental() -%}
        {{ date_column }} >= (
            select {{ dbt.dateadd('day', -var('lookback_days'), 'max(' ~ date_column ~ ')') }} from {{ this }}
        )
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}
