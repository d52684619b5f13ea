{#-
    A bucket number 0 .. buckets - 1 from a hash of `expr` (a non-null value): the same value
    always lands in the same bucket of one engine, so a model can split its rows by it (the
    bucket numbers differ between engines, which is fine for a split that is unioned again).
    DuckDB: hash() is an unsigned 64-bit integer; Spark: hash() is a signed 32-bit one (pmod).
-#}
{% macro hash_bucket(expr, buckets) -%}
    {{ return(adapter.dispatch('hash_bucket', 'omnichannel')(expr, buckets)) }}
{%- endmacro %}

{% macro default__hash_bucket(expr, buckets) -%}
    {{ exceptions.raise_compiler_error('hash_bucket has no version for adapter ' ~ adapter.type()) }}
{%- endmacro %}

{% macro duckdb__hash_bucket(expr, buckets) -%}
    hash({{ expr }}) % {{ buckets }}
{%- endmacro %}

{% macro spark__hash_bucket(expr, buckets) -%}
    pmod(hash({{ expr }}), {{ buckets }})
{%- endmacro %}
