{#
    A 60-bit number hashed from a node id (the first 15 hex digits of its dbt.hash, an md5), as
    decimal(38,0) so that a sum of many of them cannot overflow: the neighbours'
    hash sum in a node's edge signature (int_identity_components_resolved). The
    same number on every engine, so the column compares equal across engines.
#}
{% macro identity_neighbour_hash(expression) -%}
    {{ identity_hash_number(dbt.hash(expression)) }}
{%- endmacro %}


{#
    The 60-bit number (decimal(38,0)) of a hash already worked out (an md5 in hex): its first
    15 hex digits. identity_neighbour_hash applies it to a node id's md5;
    int_source_records_stitched sums it over a record's identity_edge_id values: the signature
    of its edges.
#}
{% macro identity_hash_number(hash_expression) %}
    {{ return(adapter.dispatch('identity_hash_number', 'omnichannel')(hash_expression)) }}
{% endmacro %}

{% macro default__identity_hash_number(hash_expression) -%}
    cast(cast(conv(substr({{ hash_expression }}, 1, 15), 16, 10) as bigint) as decimal(38, 0))
{%- endmacro %}

{% macro duckdb__identity_hash_number(hash_expression) -%}
    {#- `||`, not concat(): a null hash gives null, not '0x' -#}
    cast(cast('0x' || substr({{ hash_expression }}, 1, 15) as bigint) as decimal(38, 0))
{%- endmacro %}


{#
    A number hashed from one edge (its two nodes), summed per record by int_identity_edges to
    compare a record's extracted edges with its stored ones (a multiset: any edge gained or
    lost changes the sum but for a 64-bit collision). Both sides are hashed in the same run,
    so the number need not be stable across engines or versions: DuckDB's native hash (fast);
    elsewhere the md5-based identity_neighbour_hash (only DuckDB runs the model incrementally).
#}
{% macro identity_edge_set_hash(node_a, node_b) %}
    {{ return(adapter.dispatch('identity_edge_set_hash', 'omnichannel')(node_a, node_b)) }}
{% endmacro %}

{% macro default__identity_edge_set_hash(node_a, node_b) -%}
    {{ identity_neighbour_hash(dbt.concat([node_a, "'|'", node_b])) }}
{%- endmacro %}

{% macro duckdb__identity_edge_set_hash(node_a, node_b) -%}
    cast(hash({{ node_a }}, {{ node_b }}) as hugeint)
{%- endmacro %}

