{#- ISO currency code as the rate seed spells it: trimmed, upper-case. -#}
{% macro normalize_currency(expression) -%}
    nullif(upper(trim({{ expression }})), '')
{%- endmacro %}


{#-
    An amount in EUR, booked once: amount x the day's EUR rate, rounded to the
    cent at this step and never again, as decimal(18,2).
-#}
{% macro to_eur(amount_expression, rate_expression) -%}
    cast(round(cast({{ amount_expression }} as double) * cast({{ rate_expression }} as double), 2) as decimal(18, 2))
{%- endmacro %}
