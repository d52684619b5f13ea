-- The identity graph's edges minus every edge that touches a blocked identifier.
-- A blocked identifier's records keep their other identifiers; a record whose only
-- identifier is blocked stays unstitched.

with

edges as (
    select node_a, node_b from {{ ref('int_identity_edges') }}
),

blocked as (
    select node_id from {{ ref('int_identity_junk_identifiers_flagged') }}
),

trusted as (

    select distinct
        edges.node_a,
        edges.node_b
    from edges
    left join blocked as blocked_a
        on edges.node_a = blocked_a.node_id
    left join blocked as blocked_b
        on edges.node_b = blocked_b.node_id
    where
        blocked_a.node_id is null
        and blocked_b.node_id is null

)

select
    {{ dbt.hash(dbt.concat(["node_a", "'|'", "node_b"])) }} as trusted_edge_id,
    node_a,
    node_b
from trusted
