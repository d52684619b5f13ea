{#-
    `cast(expression as type)`, null when the value does not convert (where a
    plain cast would fail the query). DuckDB spells it try_cast; Spark's cast
    already gives null outside ANSI mode, which dbt-spark switches off (the
    default here, as dbt's own safe_cast).
-#}
{% macro cast_or_null(expression, type) %}
    {{ return(adapter.dispatch('cast_or_null', 'omnichannel')(expression, type)) }}
{% endmacro %}

{% macro duckdb__cast_or_null(expression, type) -%}
    try_cast({{ expression }} as {{ type }})
{%- endmacro %}

{% macro default__cast_or_null(expression, type) -%}
    cast({{ expression }} as {{ type }})
{%- endmacro %}
