-- Every staged record that carries a person, mapped to its unified customer.
-- customer_id is null when none of the record's nodes reaches an identifier: all its
-- identifiers are blocked as junk and the records it names or that name it (references,
-- `ref:` nodes) carry none either.
-- The customer of each edge's two ends is looked up once per edge; a record's customer is the
-- smallest among its edges, and the distinct count is worked out exactly, but with a
-- count(distinct) only over the few records that carry more than one edge (most records,
-- every event among them, carry one: a hash aggregate with min/max is then enough).

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

edge_customers as (

    select
        edges.source_system,
        edges.source_table,
        edges.source_record_id,
        customers_a.customer_id as customer_a,
        customers_b.customer_id as customer_b
    from edges
    left join customers as customers_a
        on edges.node_a = customers_a.node_id
    left join customers as customers_b
        on edges.node_b = customers_b.node_id

),

by_record as (

    select
        source_system,
        source_table,
        source_record_id,
        count(*) as edge_count,
        min(
            case
                when customer_a is null then customer_b
                when customer_b is null then customer_a
                when customer_a <= customer_b then customer_a
                else customer_b
            end
        ) as customer_id,
        -- distinct customers of a one-edge record: 0, 1 or 2 (its two ends)
        max(
            case
                when customer_a is null and customer_b is null then 0
                when customer_a is null or customer_b is null or customer_a = customer_b then 1
                else 2
            end
        ) as one_edge_customer_count
    from edge_customers
    group by source_system, source_table, source_record_id

),

multi_edge_customers as (

    -- the records with several edges: their customers, one row per end
    select
        edge_customers.source_system,
        edge_customers.source_table,
        edge_customers.source_record_id,
        edge_customers.customer_a as customer_id
    from edge_customers
    inner join by_record
        on
            edge_customers.source_system = by_record.source_system
            and edge_customers.source_table = by_record.source_table
            and edge_customers.source_record_id = by_record.source_record_id
    where by_record.edge_count > 1

    union all

    select
        edge_customers.source_system,
        edge_customers.source_table,
        edge_customers.source_record_id,
        edge_customers.customer_b as customer_id
    from edge_customers
    inner join by_record
        on
            edge_customers.source_system = by_record.source_system
            and edge_customers.source_table = by_record.source_table
            and edge_customers.source_record_id = by_record.source_record_id
    where by_record.edge_count > 1

),

multi_edge_counts as (

    select
        source_system,
        source_table,
        source_record_id,
        count(distinct customer_id) as customer_count
    from multi_edge_customers
    group by source_system, source_table, source_record_id

),

stitched as (

    select
        by_record.source_system,
        by_record.source_table,
        by_record.source_record_id,
        by_record.customer_id,
        coalesce(multi_edge_counts.customer_count, by_record.one_edge_customer_count) as customer_count
    from by_record
    left join multi_edge_counts
        on
            by_record.source_system = multi_edge_counts.source_system
            and by_record.source_table = multi_edge_counts.source_table
            and by_record.source_record_id = multi_edge_counts.source_record_id

)

select
    {{ dbt.concat(["source_system", "'.'", "source_table", "':'", "source_record_id"]) }} as source_record_key,
    source_system,
    source_table,
    source_record_id,
    customer_id,
    customer_count
from stitched
