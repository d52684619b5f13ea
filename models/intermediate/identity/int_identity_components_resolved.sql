-- Every trusted identifier with the unified customer it belongs to: connected components of
-- the trusted graph (iterated min-label propagation with pointer jumping, unrolled in the
-- connected_components macro), rebuilt in full on every run.

with

components as (

    {{ connected_components(ref('int_identity_edges_trusted'), rounds=var('identity_rounds'), jumps=var('identity_jumps')) }}

)

select
    node_id,
    {{ dbt.split_part('node_id', "':'", 1) }} as identifier_type,
    component_id,
    component_id_after_extra_round,
    {{ dbt.hash('component_id') }} as customer_id
from components
