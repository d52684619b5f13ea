-- One row per order placed in a store or online (web, app, phone) with its cross-channel flags
-- (metrics.md, Cross-channel):
--   ROPO: a store order whose customer viewed one of its products, or a product of the same
--         category, on the web or in the app in the 14 days before (ordered_at - 14 days <=
--         viewed_at < ordered_at);
--   reverse ROPO: an online order whose customer visited a store in the 14 days before (app
--         geofence, loyalty card scanned at the till, or an identified store purchase);
--   fulfilment (BOPIS, ship from store) and the loyalty points the order earned.
-- Only identified customers can be matched (metrics.md, "Customer"): lower bounds of the
-- true-people flags, exactly the planted ones (docs/generator.md, "The planted-KPI contract").

{%- set window_days = 14 %}

with

orders as (
    select
        order_key,
        source_order_id,
        order_channel,
        order_date,
        customer_id,
        ordered_at,
        is_cancelled,
        fulfilment_method,
        net_sales_amount_eur
    from {{ ref('int_orders_unified') }}
    where order_channel in ('store', 'web', 'app', 'phone')
),

order_lines as (
    select order_key, sku, category_id
    from {{ ref('int_order_lines_unified') }}
    where order_channel = 'store'
),

product_views as (
    select customer_id, sku, category_id, event_at
    from {{ ref('int_commerce_events_stitched') }}
    where event_name = 'view_item' and customer_id is not null
),

store_visit_touches as (
    select customer_id, touched_at as visited_at
    from {{ ref('int_touchpoints_unified') }}
    where
        touchpoint_type in ('store_visit_geofence', 'store_visit_loyalty_scan')
        and customer_id is not null
),

points_ledger as (
    select order_ref, points
    from {{ ref('stg_loyalty__points_ledger_entries') }}
    where points > 0
),

store_visits as (

    select customer_id, visited_at from store_visit_touches

    union all

    select customer_id, ordered_at as visited_at
    from orders
    where order_channel = 'store' and customer_id is not null

),

ropo_matches as (

    select
        orders.order_key,
        max(case when order_lines.sku = product_views.sku then 1 else 0 end) as has_same_product_view,
        max(product_views.event_at) as last_viewed_at
    from orders
    inner join order_lines
        on orders.order_key = order_lines.order_key
    inner join product_views
        on
            orders.customer_id = product_views.customer_id
            and order_lines.category_id = product_views.category_id
            and orders.ordered_at > product_views.event_at
            and product_views.event_at >= {{ dbt.dateadd('day', -window_days, 'orders.ordered_at') }}
    where orders.order_channel = 'store'
    group by orders.order_key

),

reverse_ropo_matches as (

    select
        orders.order_key,
        max(store_visits.visited_at) as last_visited_at
    from orders
    inner join store_visits
        on
            orders.customer_id = store_visits.customer_id
            and orders.ordered_at > store_visits.visited_at
            and store_visits.visited_at >= {{ dbt.dateadd('day', -window_days, 'orders.ordered_at') }}
    where orders.order_channel in ('web', 'app', 'phone')
    group by orders.order_key

),

points_per_order as (
    select order_ref, sum(points) as points_earned
    from points_ledger
    group by order_ref
)

select
    cast(orders.order_key as {{ dbt.type_string() }}) as order_key,
    cast(orders.order_channel as {{ dbt.type_string() }}) as order_channel,
    cast(orders.order_date as date) as order_date,
    cast({{ dbt.date_trunc('month', 'orders.order_date') }} as date) as order_month,
    cast(orders.customer_id as {{ dbt.type_string() }}) as customer_id,
    orders.customer_id is not null as is_identified,
    orders.is_cancelled,
    cast(orders.fulfilment_method as {{ dbt.type_string() }}) as fulfilment_method,
    cast(orders.net_sales_amount_eur as decimal(18, 2)) as net_sales_amount_eur,
    ropo_matches.order_key is not null as is_ropo,
    coalesce(ropo_matches.has_same_product_view = 1, false) as is_ropo_same_product,
    ropo_matches.last_viewed_at as ropo_last_viewed_at,
    reverse_ropo_matches.order_key is not null as is_reverse_ropo,
    reverse_ropo_matches.last_visited_at as reverse_ropo_last_visited_at,
    orders.order_channel != 'store' and not orders.is_cancelled and orders.fulfilment_method = 'bopis' as is_bopis,
    orders.order_channel != 'store' and not orders.is_cancelled and orders.fulfilment_method = 'ship_from_store'
        as is_ship_from_store,
    cast(coalesce(points_per_order.points_earned, 0) as bigint) as loyalty_points_earned
from orders
left join ropo_matches
    on orders.order_key = ropo_matches.order_key
left join reverse_ropo_matches
    on orders.order_key = reverse_ropo_matches.order_key
left join points_per_order
    on orders.source_order_id = points_per_order.order_ref
