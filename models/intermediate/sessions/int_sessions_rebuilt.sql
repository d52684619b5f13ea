-- Human web and app sessions (bots excluded, see int_sessions_bots_excluded), with the unified
-- customer joined late and the columns that depend on a visitor's whole history.
-- A login discovered today restates the older sessions of that cookie or device, and
-- session_number / is_returning must equal a full refresh whatever days a run re-read.
-- Incremental (DuckDB, strategy replace_or_remove; Spark rebuilds it in full): the customer of
-- every session is looked up again and compared with the stored one; a session that is new,
-- gone, or whose start or customer differs, and every session of the days
-- int_sessions_sessionized may have rewritten (its lookback, from this table's newest
-- session_date), is changed. The windows are worked out again only over the visitors
-- (session_number) and the customers (customer_session_number, old and new customer) of the
-- changed sessions, whole partitions each; every session of those is restated, with the stored
-- number of the other window when its partition is untouched. Gone sessions get a tombstone.
{{ config(**replace_or_remove_config('session_key')) }}

with

sessions as (

    select
        session_key,
        platform,
        visitor_id,
        first_event_id,
        session_start_at,
        session_date
    from {{ ref('int_sessions_sessionized') }}
    where not is_bot

),

stitched_records as (

    select source_system, source_table, source_record_id, customer_id
    from {{ ref('int_source_records_stitched') }}
    where source_table = 'events' and source_system in ('web_analytics', 'app_analytics')

),

identity_nodes as (

    select customer_id, identifier_type from {{ ref('int_identity_components_resolved') }}

),

-- a component made only of cookies and devices is an anonymous visitor, not a customer
identified_customers as (

    select distinct customer_id
    from identity_nodes
    where identifier_type not in ('cookie', 'device')

),

-- the customer of each session, on the narrow columns the numbering needs: the windows below
-- sort these only, and the wide columns (landing page, campaign) are joined back by session_key
-- (sorting every column twice did not fit a 2.5 GB memory_limit at scale 10, bench/notes.md)
sessions_with_customer as (

    select
        sessions.session_key,
        sessions.platform,
        sessions.visitor_id,
        sessions.session_start_at,
        sessions.session_date,
        identified_customers.customer_id
    from sessions
    left join stitched_records
        on
            stitched_records.source_system = {{ dbt.concat(["sessions.platform", "'_analytics'"]) }}
            and sessions.first_event_id = stitched_records.source_record_id
    left join identified_customers
        on stitched_records.customer_id = identified_customers.customer_id

),

{% if is_incremental() %}
{#- the first session_date int_sessions_sessionized may have rewritten since this table was built -#}
{%- set re_read_start_sql = 'select ' ~ dbt.dateadd('day', -var('lookback_days'), 'max(session_date)') ~ ' from ' ~ this %}

stored as (
    select
        session_key,
        platform,
        visitor_id,
        session_start_at,
        customer_id,
        session_number,
        customer_session_number
    from {{ this }}
),

-- sessions new, gone, moved in time or to another customer, or of a day sessionized re-read:
-- the only read of sessions_with_customer (the stitched map); the numbering below works on the
-- stored rows with these changes applied
changed as {{ cte_materialized() }} (

    select
        coalesce(sessions_with_customer.session_key, stored.session_key) as session_key,
        sessions_with_customer.session_key is null as is_gone,
        sessions_with_customer.platform,
        sessions_with_customer.visitor_id,
        sessions_with_customer.session_start_at,
        sessions_with_customer.customer_id,
        stored.platform as stored_platform,
        stored.visitor_id as stored_visitor_id,
        stored.session_start_at as stored_session_start_at,
        stored.customer_id as stored_customer_id
    from sessions_with_customer
    full outer join stored
        on sessions_with_customer.session_key = stored.session_key
    where
        sessions_with_customer.session_key is null
        or stored.session_key is null
        or sessions_with_customer.session_start_at != stored.session_start_at
        or sessions_with_customer.customer_id is distinct from (stored.customer_id)
        or sessions_with_customer.session_date >= {{ lookback_start_literal(re_read_start_sql) }}

),

-- every current session on the narrow columns: the stored ones with the changes applied
current_sessions as (

    select
        stored.session_key,
        stored.platform,
        stored.visitor_id,
        stored.session_start_at,
        stored.customer_id
    from stored
    left join changed
        on stored.session_key = changed.session_key
    where changed.session_key is null

    union all

    select
        session_key,
        platform,
        visitor_id,
        session_start_at,
        customer_id
    from changed
    where not is_gone

),

-- a changed visitor's or customer's sessions before its earliest changed session keep their
-- place (the same sessions, stored with their numbers); those from it on are numbered again,
-- after the count of those before it. Today's sessions of a returning customer are thus
-- numbered without sorting the customer's whole history.
visitor_cuts as (

    select
        platform,
        visitor_id,
        min(session_start_at) as cut_at
    from (
        select platform, visitor_id, session_start_at from changed where not is_gone
        union all
        select stored_platform, stored_visitor_id, stored_session_start_at
        from changed
        where stored_platform is not null
    ) as changed_visits
    group by platform, visitor_id

),

visitor_sessions as (

    select
        current_sessions.session_key,
        current_sessions.platform,
        current_sessions.visitor_id,
        current_sessions.session_start_at,
        current_sessions.session_start_at >= visitor_cuts.cut_at as is_renumbered
    from current_sessions
    inner join visitor_cuts
        on
            current_sessions.platform = visitor_cuts.platform
            and current_sessions.visitor_id = visitor_cuts.visitor_id

),

visitor_bases as (
    select platform, visitor_id, count(*) as sessions_before
    from visitor_sessions
    where not is_renumbered
    group by platform, visitor_id
),

visitor_numbered as (

    select
        visitor_sessions.session_key,
        coalesce(visitor_bases.sessions_before, 0) + row_number() over (
            partition by visitor_sessions.platform, visitor_sessions.visitor_id
            order by visitor_sessions.session_start_at asc nulls last, visitor_sessions.session_key asc nulls last
        ) as session_number
    from visitor_sessions
    left join visitor_bases
        on
            visitor_sessions.platform = visitor_bases.platform
            and visitor_sessions.visitor_id = visitor_bases.visitor_id
    where visitor_sessions.is_renumbered

),

partition_cuts as (

    select
        partition_key,
        min(session_start_at) as cut_at
    from (
        select
            coalesce(customer_id, {{ dbt.concat(["platform", "':'", "visitor_id"]) }}) as partition_key,
            session_start_at
        from changed
        where not is_gone
        union all
        select
            coalesce(stored_customer_id, {{ dbt.concat(["stored_platform", "':'", "stored_visitor_id"]) }}),
            stored_session_start_at
        from changed
        where stored_platform is not null
    ) as changed_partition_sessions
    group by partition_key

),

partition_sessions as (

    select
        current_sessions.session_key,
        current_sessions.customer_id,
        current_sessions.session_start_at,
        partition_cuts.partition_key,
        current_sessions.session_start_at >= partition_cuts.cut_at as is_renumbered
    from current_sessions
    inner join partition_cuts
        on
            coalesce(
                current_sessions.customer_id,
                {{ dbt.concat(["current_sessions.platform", "':'", "current_sessions.visitor_id"]) }}
            ) = partition_cuts.partition_key

),

partition_bases as (
    select partition_key, count(*) as sessions_before
    from partition_sessions
    where not is_renumbered
    group by partition_key
),

customer_numbered as (

    select
        partition_sessions.session_key,
        partition_sessions.customer_id,
        coalesce(partition_bases.sessions_before, 0) + row_number() over (
            partition by partition_sessions.partition_key
            order by partition_sessions.session_start_at asc nulls last, partition_sessions.session_key asc nulls last
        ) as customer_session_number
    from partition_sessions
    left join partition_bases
        on partition_sessions.partition_key = partition_bases.partition_key
    where partition_sessions.is_renumbered

),

-- every session of a changed visitor or customer: the window of an untouched partition keeps
-- its stored number (such a session is not changed, so it is stored with its current customer)
numbered as (

    select
        coalesce(visitor_numbered.session_key, customer_numbered.session_key) as session_key,
        coalesce(customer_numbered.customer_id, stored.customer_id) as customer_id,
        coalesce(visitor_numbered.session_number, stored.session_number) as session_number,
        coalesce(
            customer_numbered.customer_session_number, stored.customer_session_number
        ) as customer_session_number
    from visitor_numbered
    full outer join customer_numbered
        on visitor_numbered.session_key = customer_numbered.session_key
    left join stored
        on coalesce(visitor_numbered.session_key, customer_numbered.session_key) = stored.session_key

),

removed as (
    select session_key from changed where is_gone
),

{% else %}

numbered as (

    select
        session_key,
        customer_id,
        row_number() over (
            partition by platform, visitor_id
            order by session_start_at asc nulls last, session_key asc nulls last
        ) as session_number,
        row_number() over (
            partition by coalesce(customer_id, {{ dbt.concat(["platform", "':'", "visitor_id"]) }})
            order by session_start_at asc nulls last, session_key asc nulls last
        ) as customer_session_number
    from sessions_with_customer

),

{% endif %}

-- the session's columns again, read from the model rather than the `sessions` CTE: DuckDB
-- materialises a CTE that is read twice, with every column
session_columns as (

    select
        session_key,
        platform,
        visitor_id,
        user_id,
        session_start_at,
        session_end_at,
        session_date,
        landing_page,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        gclid,
        default_channel_group,
        event_count,
        page_view_count,
        engagement_time_msec,
        has_product_view,
        has_add_to_cart,
        has_checkout,
        has_purchase,
        has_login,
        transaction_id,
        purchase_value_eur
    from {{ ref('int_sessions_sessionized') }}
    where not is_bot

),

numbered_sessions as (

    select
        session_columns.*,
        numbered.customer_id,
        numbered.session_number,
        numbered.customer_session_number
    from session_columns
    inner join numbered
        on session_columns.session_key = numbered.session_key

),

final as (

    select
        session_key,
        platform,
        visitor_id,
        customer_id,
        user_id,
        session_start_at,
        session_end_at,
        session_date,
        landing_page,
        traffic_source,
        traffic_medium,
        traffic_campaign,
        gclid,
        default_channel_group,
        event_count,
        page_view_count,
        engagement_time_msec,
        engagement_time_msec > 10000 or has_purchase or page_view_count >= 2 as is_engaged,
        has_product_view,
        has_add_to_cart,
        has_checkout,
        has_purchase,
        has_login,
        transaction_id,
        purchase_value_eur,
        session_number,
        session_number > 1 as is_returning_visitor,
        customer_session_number,
        customer_session_number > 1 as is_returning{% if is_incremental() %},
        false as is_removed{% endif %}
    from numbered_sessions

)

select * from final
{% if is_incremental() %}

union all

select
    session_key,
    cast(null as {{ dbt.type_string() }}) as platform,
    cast(null as {{ dbt.type_string() }}) as visitor_id,
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as {{ dbt.type_string() }}) as user_id,
    cast(null as {{ dbt.type_timestamp() }}) as session_start_at,
    cast(null as {{ dbt.type_timestamp() }}) as session_end_at,
    cast(null as date) as session_date,
    cast(null as {{ dbt.type_string() }}) as landing_page,
    cast(null as {{ dbt.type_string() }}) as traffic_source,
    cast(null as {{ dbt.type_string() }}) as traffic_medium,
    cast(null as {{ dbt.type_string() }}) as traffic_campaign,
    cast(null as {{ dbt.type_string() }}) as gclid,
    cast(null as {{ dbt.type_string() }}) as default_channel_group,
    cast(null as bigint) as event_count,
    cast(null as bigint) as page_view_count,
    cast(null as bigint) as engagement_time_msec,
    cast(null as boolean) as is_engaged,
    cast(null as boolean) as has_product_view,
    cast(null as boolean) as has_add_to_cart,
    cast(null as boolean) as has_checkout,
    cast(null as boolean) as has_purchase,
    cast(null as boolean) as has_login,
    cast(null as {{ dbt.type_string() }}) as transaction_id,
    cast(null as decimal(38, 2)) as purchase_value_eur,
    cast(null as bigint) as session_number,
    cast(null as boolean) as is_returning_visitor,
    cast(null as bigint) as customer_session_number,
    cast(null as boolean) as is_returning,
    true as is_removed
from removed
{% endif %}
