-- One row per human web or app commerce event (view_item, add_to_cart, begin_checkout,
-- purchase) with the product and its category, and the unified customer of the visitor who
-- did it (identity graph, joined late: null while the cookie or device is anonymous).
-- A component made only of cookies and devices is an anonymous visitor, not a customer (as in
-- int_sessions_rebuilt). Bot traffic (flagged in web staging) is left out.

with

web_events as (
    select event_id, event_at, event_name, user_pseudo_id, item_sku
    from {{ ref('stg_web_analytics__events') }}
    where
        event_name in ('view_item', 'add_to_cart', 'begin_checkout', 'purchase')
        and not is_bot
),

app_events as (
    select event_id, event_at, event_name, device_id, item_sku
    from {{ ref('stg_app_analytics__events') }}
    where event_name in ('view_item', 'add_to_cart', 'begin_checkout', 'purchase')
),

products as (
    select sku, category_id from {{ ref('stg_erp__products') }}
),

stitched as (
    select source_system, source_record_id, customer_id
    from {{ ref('int_source_records_stitched') }}
    where
        source_system in ('web_analytics', 'app_analytics')
        and source_table = 'events'
),

-- a component made only of cookies and devices is an anonymous visitor, not a customer
identified_customers as (
    select distinct customer_id
    from {{ ref('int_identity_components_resolved') }}
    where identifier_type not in ('cookie', 'device')
),

events as (

    select
        'web' as platform,
        'web_analytics' as source_system,
        event_id,
        event_at,
        event_name,
        user_pseudo_id as visitor_id,
        item_sku
    from web_events

    union all

    select
        'app' as platform,
        'app_analytics' as source_system,
        event_id,
        event_at,
        event_name,
        device_id as visitor_id,
        item_sku
    from app_events

)

select
    {{ dbt.concat(["events.platform", "':'", "events.event_id"]) }} as commerce_event_key,
    events.platform,
    events.event_id,
    events.event_name,
    events.event_at,
    cast(events.event_at as date) as event_date,
    events.visitor_id,
    identified_customers.customer_id,
    events.item_sku as sku,
    products.category_id
from events
left join stitched
    on
        events.source_system = stitched.source_system
        and events.event_id = stitched.source_record_id
left join identified_customers
    on stitched.customer_id = identified_customers.customer_id
left join products
    on events.item_sku = products.sku
