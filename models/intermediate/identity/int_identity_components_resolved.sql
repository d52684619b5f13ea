-- Every trusted identifier with the unified customer it belongs to: connected components of
-- the trusted graph (iterated min-label propagation with pointer jumping, unrolled in the
-- connected_components macro).
-- Incremental (DuckDB): every node keeps the signature of its trusted edges (how many edge ends
-- it has, a self-edge counted once, and the sum of the hashes of the nodes at their other end:
-- a multiset of neighbours, so any edge gained or lost changes it but for a 60-bit hash
-- collision). A node whose signature differs from the stored one gained or lost an edge; a
-- node that is new or gone is changed too. The components of the changed nodes are affected:
-- their nodes and the new ones form a closed subgraph (an edge of an affected node either
-- existed, so both ends were in one stored component, or is new, so both ends changed), whose
-- components are worked out again and replace the affected nodes' rows; gone nodes are removed
-- (strategy replace_or_remove).
-- Components are computed independently of each other, so the rows equal a full refresh's.
-- Spark rebuilds it in full (replace_or_remove_config).
{{ config(**replace_or_remove_config('node_id')) }}

{%- if execute and is_incremental() and 'neighbour_hash_sum' not in (adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) -%}
    {{ exceptions.raise_compiler_error(this ~ " was built before it kept its nodes' edge signatures: rebuild it once with --full-refresh") }}
{%- endif %}

with

neighbours as (

    -- every end of every trusted edge (a self-edge once); int_identity_edges_trusted is read
    -- where it is needed, not through one CTE (a CTE read several times is materialised whole)
    select node_a as node_id, node_b as neighbour_id from {{ ref('int_identity_edges_trusted') }}
    union all
    select node_b as node_id, node_a as neighbour_id from {{ ref('int_identity_edges_trusted') }}
    where node_a != node_b

),

signatures as {{ cte_materialized() if is_incremental() }} (

    select
        node_id,
        count(*) as neighbour_count,
        sum({{ identity_neighbour_hash('neighbour_id') }}) as neighbour_hash_sum
    from neighbours
    group by node_id

),

{% if is_incremental() %}

stored as (
    select node_id, component_id, neighbour_count, neighbour_hash_sum from {{ this }}
),

changed_nodes as {{ cte_materialized() if is_incremental() }} (

    select
        coalesce(signatures.node_id, stored.node_id) as node_id,
        stored.component_id as stored_component_id,
        signatures.node_id is not null as is_current
    from signatures
    full outer join stored
        on signatures.node_id = stored.node_id
    where
        signatures.node_id is null
        or stored.node_id is null
        or signatures.neighbour_count != stored.neighbour_count
        or signatures.neighbour_hash_sum != stored.neighbour_hash_sum

),

affected_components as (
    select distinct stored_component_id as component_id
    from changed_nodes
    where stored_component_id is not null
),

affected_nodes as {{ cte_materialized() if is_incremental() }} (

    select stored.node_id
    from stored
    inner join affected_components
        on stored.component_id = affected_components.component_id

    union

    select node_id
    from changed_nodes
    where is_current

),

subgraph_edges as {{ cte_materialized() if is_incremental() }} (

    select trusted_edges.node_a, trusted_edges.node_b
    from {{ ref('int_identity_edges_trusted') }} as trusted_edges
    inner join affected_nodes
        on trusted_edges.node_a = affected_nodes.node_id

),

components as (

    {{ connected_components('subgraph_edges', rounds=var('identity_rounds'), jumps=var('identity_jumps')) }}

),

removed as (

    -- nodes of affected components that no trusted edge touches any more
    select affected_nodes.node_id
    from affected_nodes
    left join signatures
        on affected_nodes.node_id = signatures.node_id
    where signatures.node_id is null

),

{% else %}

components as (

    {{ connected_components(ref('int_identity_edges_trusted'), rounds=var('identity_rounds'), jumps=var('identity_jumps')) }}

),

{% endif %}

resolved as (

    select
        components.node_id,
        {{ dbt.split_part('components.node_id', "':'", 1) }} as identifier_type,
        components.component_id,
        components.component_id_after_extra_round,
        {{ dbt.hash('components.component_id') }} as customer_id,
        signatures.neighbour_count,
        signatures.neighbour_hash_sum
    from components
    inner join signatures
        on components.node_id = signatures.node_id

)

select
    node_id,
    identifier_type,
    component_id,
    component_id_after_extra_round,
    customer_id,
    neighbour_count,
    neighbour_hash_sum{% if is_incremental() %},
    false as is_removed{% endif %}
from resolved
{% if is_incremental() %}

union all

select
    node_id,
    cast(null as {{ dbt.type_string() }}) as identifier_type,
    cast(null as {{ dbt.type_string() }}) as component_id,
    cast(null as {{ dbt.type_string() }}) as component_id_after_extra_round,
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as bigint) as neighbour_count,
    cast(null as decimal(38, 0)) as neighbour_hash_sum,
    true as is_removed
from removed
{% endif %}
