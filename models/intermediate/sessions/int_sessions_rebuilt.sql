-- Human web and app sessions (bots excluded, see int_sessions_bots_excluded), with the unified
-- customer joined late and the columns that depend on a visitor's whole history.
-- Rebuilt in full every run from the incremental int_sessions_sessionized (one row per session,
-- cheap), so that a login discovered today restates the older sessions of that cookie or device,
-- and session_number / is_returning equal a full refresh whatever days an incremental run re-read.

with

sessions as (

    select
        session_key,
        platform,
        visitor_id,
        first_event_id,
        session_start_at
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
        identified_customers.customer_id
    from sessions
    left join stitched_records
        on
            stitched_records.source_system = {{ dbt.concat(["sessions.platform", "'_analytics'"]) }}
            and sessions.first_event_id = stitched_records.source_record_id
    left join identified_customers
        on stitched_records.customer_id = identified_customers.customer_id

),

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
        customer_session_number > 1 as is_returning
    from numbered_sessions

)

select * from final
