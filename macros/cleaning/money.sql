{#- ISO currency code as the rate seed spells it: trimmed, upper-case. -#}
{% macro normalize_currency(expression) -%}
    nullif(upper(trim({{ expression }})), '')
{%- endmacro %}


{#-
    An amount in EUR, booked once: amount x the day's EUR rate, rounded to the
    cent at this step and never again, as decimal(18,2).

    The rounding is spelled out (half away from zero on the double product,
    as the generator's truth does it) instead of `round(x, 2)`: engines round
    a double differently (Spark rounds the shortest decimal text of 1.005 up
    to 1.01, DuckDB the binary value down to 1.00), and every cent must be
    the same on DuckDB and Spark.
-#}
{% macro to_eur(amount_expression, rate_expression) -%}
    {%- set product = "cast(" ~ amount_expression ~ " as double) * cast(" ~ rate_expression ~ " as double)" -%}
    cast(sign({{ product }}) * floor(abs({{ product }}) * 100 + 0.5) / 100 as decimal(18, 2))
{%- endmacro %}
