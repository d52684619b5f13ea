{#-
    The median of an expression within a group (an aggregate). DuckDB and most engines
    take the SQL standard ordered-set form; Spark spells it percentile(expr, 0.5).
    Both interpolate between the two middle values of an even count.
-#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'omnichannel')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }} nulls last)
{%- endmacro %}

{% macro spark__median(expression) -%}
    percentile({{ expression }}, 0.5)
{%- endmacro %}
