{#- No value below zero (nulls allowed). -#}
{% test not_negative(model, column_name) %}

select {{ column_name }} as negative_value
from {{ model }}
where {{ column_name }} < 0

{% endtest %}
