-- Every staged record that carries a person, mapped to its unified customer.
-- customer_id is null when none of the record's nodes reaches an identifier: all its
-- identifiers are blocked as junk and the records it names or that name it (references,
-- `ref:` nodes) carry none either.
-- The customer of each edge's two ends is looked up once per edge; a record's customer is the
-- smallest among its edges, and the distinct count is worked out exactly, but with a
-- count(distinct) only over the few records that carry more than one edge (most records,
-- every event among them, carry one: a hash aggregate with min/max is then enough).
-- Incremental (DuckDB): a record is mapped again when its edges may have changed (an event of a
-- day inside the lookback window of its table, worked out as in int_identity_edges from this
-- table's event_extract_date; a record of another table whose edge signature - how many edges,
-- and the sum of a 60-bit number of each edge's identity_edge_id - differs from the one stored
-- with its row, or that is new) or when the customer of one of its nodes changed. The customers the last
-- run used are kept per node in `<this>__node_customers` (written by the post-hook
-- stitched_node_customers_snapshot); a node whose customer differs, appears or disappears is
-- changed. int_identity_edges is read where it is needed, not through one CTE (a CTE read several
-- times is materialised whole by DuckDB). The mapped records replace their rows, and a record of the re-read tables that has
-- no edge any more is removed (strategy replace_or_remove). Spark rebuilds it in full.
{{ config(post_hook='{{ stitched_node_customers_snapshot() }}', **replace_or_remove_config('source_record_key')) }}

{%- if execute and is_incremental() and not stitched_node_customers_exist() -%}
    {{ exceptions.raise_compiler_error(this ~ " has no node customers snapshot (it was built before it was incremental): rebuild it once with --full-refresh") }}
{%- endif -%}
{%- if execute and is_incremental() and 'record_edge_hash_sum' not in (adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) -%}
    {{ exceptions.raise_compiler_error(this ~ " was built before it kept its records' edge signatures: rebuild it once with --full-refresh") }}
{%- endif -%}
{%- set web_day = "case when source_system = 'web_analytics' and source_table = 'events' then event_extract_date end" -%}
{%- set app_day = "case when source_system = 'app_analytics' and source_table = 'events' then event_extract_date end" -%}
{%- set send_day = "case when source_system = 'messaging' and source_table = 'sends' then event_extract_date end" -%}
{%- set re_read_events -%}
    (
        (source_system = 'web_analytics' and source_table = 'events' and {{ lookback_window_filter('event_extract_date', web_day) }})
        or (source_system = 'app_analytics' and source_table = 'events' and {{ lookback_window_filter('event_extract_date', app_day) }})
        or (source_system = 'messaging' and source_table = 'sends' and {{ lookback_window_filter('event_extract_date', send_day) }})
    )
{%- endset -%}
{%- set stored_re_read_events -%}
    (
        (stored.source_system = 'web_analytics' and stored.source_table = 'events' and {{ lookback_window_filter('stored.event_extract_date', web_day) }})
        or (stored.source_system = 'app_analytics' and stored.source_table = 'events' and {{ lookback_window_filter('stored.event_extract_date', app_day) }})
        or (stored.source_system = 'messaging' and stored.source_table = 'sends' and {{ lookback_window_filter('stored.event_extract_date', send_day) }})
    )
{%- endset -%}

with

-- the customer of every node whose component holds an identifier (macro identity_node_customers,
-- shared with the post-hook's snapshot)
customers as (
    {{ identity_node_customers() }}
),

{% if is_incremental() %}

stored_node_customers as (
    select node_id, customer_id from {{ stitched_node_customers_relation() }}
),

changed_nodes as (

    select coalesce(customers.node_id, stored_node_customers.node_id) as node_id
    from customers
    full outer join stored_node_customers
        on customers.node_id = stored_node_customers.node_id
    where
        customers.node_id is null
        or stored_node_customers.node_id is null
        or customers.customer_id != stored_node_customers.customer_id

),

stored_events as (

    -- the stored events of the days int_identity_edges may have replaced
    select source_record_key, source_system, source_table, source_record_id
    from {{ this }} as stored
    where stored.event_extract_date is not null and {{ stored_re_read_events }}

),

stored_signatures as (

    -- the other records, with the signature of the edges they were mapped from
    select source_record_key, source_system, source_table, source_record_id, record_edge_count, record_edge_hash_sum
    from {{ this }}
    where event_extract_date is null

),

signatures as {{ cte_materialized() }} (

    -- the current signature of every record of the tables int_identity_edges extracts in full
    select
        source_system,
        source_table,
        source_record_id,
        count(*) as record_edge_count,
        sum({{ identity_hash_number('identity_edge_id') }}) as record_edge_hash_sum
    from {{ ref('int_identity_edges') }}
    where event_extract_date is null
    group by source_system, source_table, source_record_id

),

re_read_edges as (

    -- the events int_identity_edges may have replaced since this table was built
    select source_system, source_table, source_record_id
    from {{ ref('int_identity_edges') }}
    where {{ re_read_events }}

),

changed_records as (

    -- the other records whose edges differ from those they were mapped from, or that are new
    select signatures.source_system, signatures.source_table, signatures.source_record_id
    from signatures
    left join stored_signatures
        on
            signatures.source_system = stored_signatures.source_system
            and signatures.source_table = stored_signatures.source_table
            and signatures.source_record_id = stored_signatures.source_record_id
    where
        stored_signatures.source_record_id is null
        or signatures.record_edge_count != stored_signatures.record_edge_count
        or signatures.record_edge_hash_sum != stored_signatures.record_edge_hash_sum

),

changed_node_edges as (

    select all_edges.source_system, all_edges.source_table, all_edges.source_record_id
    from {{ ref('int_identity_edges') }} as all_edges
    inner join changed_nodes
        on all_edges.node_a = changed_nodes.node_id

    union all

    select all_edges.source_system, all_edges.source_table, all_edges.source_record_id
    from {{ ref('int_identity_edges') }} as all_edges
    inner join changed_nodes
        on all_edges.node_b = changed_nodes.node_id

),

mapped_records as (

    select source_system, source_table, source_record_id from re_read_edges
    union
    select source_system, source_table, source_record_id from changed_records
    union
    select source_system, source_table, source_record_id from changed_node_edges

),

edges as (

    select
        all_edges.source_system,
        all_edges.source_table,
        all_edges.source_record_id,
        all_edges.event_extract_date,
        all_edges.identity_edge_id,
        all_edges.node_a,
        all_edges.node_b
    from {{ ref('int_identity_edges') }} as all_edges
    inner join mapped_records
        on
            all_edges.source_system = mapped_records.source_system
            and all_edges.source_table = mapped_records.source_table
            and all_edges.source_record_id = mapped_records.source_record_id

),

removed as (

    -- the stored records without any edge now: events of the re-read days, other records
    select stored_events.source_record_key
    from stored_events
    left join (
        select distinct source_system, source_table, source_record_id from re_read_edges
    ) as event_records
        on
            stored_events.source_system = event_records.source_system
            and stored_events.source_table = event_records.source_table
            and stored_events.source_record_id = event_records.source_record_id
    where event_records.source_record_id is null

    union all

    select stored_signatures.source_record_key
    from stored_signatures
    left join signatures
        on
            stored_signatures.source_system = signatures.source_system
            and stored_signatures.source_table = signatures.source_table
            and stored_signatures.source_record_id = signatures.source_record_id
    where signatures.source_record_id is null

),

{% else %}

edges as (
    select source_system, source_table, source_record_id, event_extract_date, identity_edge_id, node_a, node_b
    from {{ ref('int_identity_edges') }}
),

{% endif %}

edge_customers as (

    select
        edges.source_system,
        edges.source_table,
        edges.source_record_id,
        edges.event_extract_date,
        case when edges.event_extract_date is null then {{ identity_hash_number('edges.identity_edge_id') }} end as edge_hash,
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
        max(event_extract_date) as event_extract_date,
        count(*) as edge_count,
        sum(edge_hash) as record_edge_hash_sum,
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
        by_record.event_extract_date,
        by_record.customer_id,
        coalesce(multi_edge_counts.customer_count, by_record.one_edge_customer_count) as customer_count,
        case when by_record.event_extract_date is null then by_record.edge_count end as record_edge_count,
        by_record.record_edge_hash_sum
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
    event_extract_date,
    customer_id,
    customer_count,
    record_edge_count,
    record_edge_hash_sum{% if is_incremental() %},
    false as is_removed{% endif %}
from stitched
{% if is_incremental() %}

union all

select
    source_record_key,
    cast(null as {{ dbt.type_string() }}) as source_system,
    cast(null as {{ dbt.type_string() }}) as source_table,
    cast(null as {{ dbt.type_string() }}) as source_record_id,
    cast(null as date) as event_extract_date,
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as bigint) as customer_count,
    cast(null as bigint) as record_edge_count,
    cast(null as decimal(38, 0)) as record_edge_hash_sum,
    true as is_removed
from removed
{% endif %}
