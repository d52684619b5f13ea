{#-
    A ratio as metrics.md publishes it: numerator / denominator as a double,
    null (not zero) when the denominator is zero or null.
-#}
{% macro ratio_or_null(numerator, denominator) -%}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then cast(null as double)
        else cast({{ numerator }} as double) / cast({{ denominator }} as double)
    end
{%- endmacro %}
