{#
    The customer of every identity node: its component's customer, for the components that
    hold an identifier (a component of references only, e.g. an anonymous order named by a
    ticket from a junk address, holds no person). One definition for the stitched map and
    the snapshot of node customers its post-hook keeps (stitched_node_customers_snapshot).
#}
{% macro identity_node_customers() %}
    select
        resolved.node_id,
        resolved.customer_id
    from {{ ref('int_identity_components_resolved') }} as resolved
    inner join (
        select component_id
        from {{ ref('int_identity_components_resolved') }}
        where identifier_type != 'ref'
        group by component_id
    ) as components_with_identifier
        on resolved.component_id = components_with_identifier.component_id
{% endmacro %}
