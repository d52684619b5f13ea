{#-
    A published ratio equals its published numerator / denominator (to 1e-9, relative), and is
    null exactly when the denominator is zero or null. Returns the rows where it does not.
-#}
{% test ratio_recomputes(model, column_name, numerator, denominator) %}

select
    {{ column_name }} as published_ratio,
    {{ numerator }} as published_numerator,
    {{ denominator }} as published_denominator
from {{ model }}
where
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then {{ column_name }} is not null
        when {{ column_name }} is null or {{ numerator }} is null then true
        else
            abs({{ column_name }} - cast({{ numerator }} as double) / cast({{ denominator }} as double))
            > 1e-9 * greatest(1.0, abs(cast({{ numerator }} as double) / cast({{ denominator }} as double)))
    end

{% endtest %}
