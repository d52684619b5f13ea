-- Every staged record that carries a person, mapped to its unified customer.
-- customer_id is null when all of the record's identifiers are blocked as junk.

with

edges as (
    select source_system, source_table, source_record_id, node_a, node_b from {{ ref('int_identity_edges') }}
),

resolved as (
    select node_id, customer_id from {{ ref('int_identity_components_resolved') }}
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
        min(resolved.customer_id) as customer_id,
        count(distinct resolved.customer_id) as customer_count
    from record_nodes
    left join resolved
        on record_nodes.node_id = resolved.node_id
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
