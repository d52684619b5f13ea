{#-
    Within every row, the listed columns never increase from one to the next (a funnel's
    step counts). Returns the rows where a later column exceeds the one before it.
-#}
{% test non_increasing_columns(model, columns) %}

select *
from {{ model }}
where
    1 = 0
    {%- for column in columns[1:] %}
    or {{ column }} > {{ columns[loop.index0] }}
    {%- endfor %}

{% endtest %}
