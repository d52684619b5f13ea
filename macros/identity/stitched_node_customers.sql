{#
    int_source_records_stitched: the customer of every node as this run used it,
    kept in `<model>__node_customers` (post-hook) so that the next incremental
    run maps again the records of the nodes whose customer changed since. A
    node's customer is its component's customer when the component holds an
    identifier (not only references). Spark rebuilds the model in full and
    keeps nothing.
#}
{% macro stitched_node_customers_snapshot() %}
    {{ return(adapter.dispatch('stitched_node_customers_snapshot', 'omnichannel')()) }}
{% endmacro %}

{% macro default__stitched_node_customers_snapshot() %}
    {{ return('') }}
{% endmacro %}

{% macro duckdb__stitched_node_customers_snapshot() %}
    create or replace table {{ stitched_node_customers_relation() }} as
    {{ identity_node_customers() }}
{% endmacro %}

{% macro stitched_node_customers_relation() %}
    {{ return(api.Relation.create(database=this.database, schema=this.schema, identifier=this.identifier ~ '__node_customers', type='table')) }}
{% endmacro %}

{% macro stitched_node_customers_exist() %}
    {%- set relation = adapter.get_relation(database=this.database, schema=this.schema, identifier=this.identifier ~ '__node_customers') -%}
    {{ return(relation is not none) }}
{% endmacro %}

