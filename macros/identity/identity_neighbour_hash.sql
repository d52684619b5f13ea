{#
    A 60-bit number hashed from a node id (the first 15 hex digits of its dbt.hash, an md5), as
    decimal(38,0) so that a sum of many of them cannot overflow: the neighbours'
    hash sum in a node's edge signature (int_identity_components_resolved). The
    same number on every engine, so the column compares equal across engines.
#}
{% macro identity_neighbour_hash(expression) %}
    {{ return(adapter.dispatch('identity_neighbour_hash', 'omnichannel')(expression)) }}
{% endmacro %}

{% macro default__identity_neighbour_hash(expression) -%}
    cast(cast(conv(substr({{ dbt.hash(expression) }}, 1, 15), 16, 10) as bigint) as decimal(38, 0))
{%- endmacro %}

{% macro duckdb__identity_neighbour_hash(expression) -%}
    cast(cast(concat('0x', substr({{ dbt.hash(expression) }}, 1, 15)) as bigint) as decimal(38, 0))
{%- endmacro %}
