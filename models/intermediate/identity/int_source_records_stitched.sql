-- Every staged record that carries a person, mapped to its unified customer.
-- customer_id is null when none of the record's nodes reaches an identifier: all its
-- identifiers are blocked as junk and the records it names or that name it (references,
-- `ref:` nodes) carry none either.

with

edges as (
    select source_system, source_table, source_record_id, node_a, node_b from {{ ref('int_identity_edges') }}
),

resolved as (
    select node_id, identifier_type, component_id, customer_id from {{ ref('int_identity_components_resolved') }}
),

components_with_identifier as (

    -- a component of references only (an anonymous order named by a ticket from a junk
    -- address) holds no person
    select component_id
    from resolved
    where identifier_type != 'ref'
    group by component_id

),

customers as (
    select
        resolved.node_id,
        resolved.customer_id
    from resolved
    inner join components_with_identifier
        on resolved.component_id = components_with_identifier.component_id
),

record_nodes as (
    select source_system, source_table, source_record_id, node_a as node_id from edges
    union all
    select source_system, source_table, source_record_id, node_b as node_id from edges
),

stitched as (

    select
        record_nodes.source_system,
        record_nodes.source_table,
        record_nodes.source_record_id,
        min(customers.customer_id) as customer_id,
        count(distinct customers.customer_id) as customer_count
    from record_nodes
    left join customers
        on record_nodes.node_id = customers.node_id
    group by 1, 2, 3

)

select
    {{ dbt.concat(["source_system", "'.'", "source_table", "':'", "source_record_id"]) }} as source_record_key,
    source_system,
    source_table,
    source_record_id,
    customer_id,
    customer_count
from stitched
