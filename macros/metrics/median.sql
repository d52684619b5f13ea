{#-
    The median of an expression as an aggregate (continuous: the mean of the two middle
    values for an even count). DuckDB and Spark (3.4+) both spell it median(); other
    engines get the ANSI ordered-set aggregate.
-#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro spark__median(expression) -%}
    median({{ expression }})
{%- endmacro %}
