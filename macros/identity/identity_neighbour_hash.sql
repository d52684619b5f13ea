{#
    A 64-bit number hashed from a node id, as decimal(38,0) so that a sum of
    many of them cannot overflow: the neighbours' hash sum in a node's edge
    signature (int_identity_components_resolved). Only compared with sums
    made on the same engine.
#}
{% macro identity_neighbour_hash(expression) %}
    {{ return(adapter.dispatch('identity_neighbour_hash', 'omnichannel')(expression)) }}
{% endmacro %}

{% macro default__identity_neighbour_hash(expression) -%}
    cast(xxhash64({{ expression }}) as decimal(38, 0))
{%- endmacro %}

{% macro duckdb__identity_neighbour_hash(expression) -%}
    cast(hash({{ expression }}) as decimal(38, 0))
{%- endmacro %}
