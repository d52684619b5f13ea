{#-
    The last non-null value of `expr` in a window frame (the frame and window
    follow the call: `{{ last_value_ignore_nulls('x') }} over (...)`).
    DuckDB: last_value(x ignore nulls); Spark: last(x, true).
-#}
{% macro last_value_ignore_nulls(expr) -%}
    {{ return(adapter.dispatch('last_value_ignore_nulls', 'omnichannel')(expr)) }}
{%- endmacro %}

{% macro default__last_value_ignore_nulls(expr) -%}
    last_value({{ expr }} ignore nulls)
{%- endmacro %}

{% macro spark__last_value_ignore_nulls(expr) -%}
    last({{ expr }}, true)
{%- endmacro %}
