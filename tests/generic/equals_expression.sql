{#
    A column computes its formula: on every row, the column equals the SQL
    expression (null-safe: both null passes, one null fails). Returns the rows
    where it does not, with both values.
#}
{% test equals_expression(model, column_name, expression) %}

with

checked as (
    select
        {{ column_name }} as actual_value,
        {{ expression }} as expected_value
    from {{ model }}
)

select actual_value, expected_value
from checked
where
    actual_value <> expected_value
    or (actual_value is null and expected_value is not null)
    or (actual_value is not null and expected_value is null)

{% endtest %}
