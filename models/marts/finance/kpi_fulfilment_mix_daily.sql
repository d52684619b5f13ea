-- Online fulfilment mix and oversell per order date and shop channel (web, app, phone),
-- with numerators and denominators so any period or channel set can be re-aggregated:
-- oversell rate = shop orders cancelled for lack of stock / shop orders; BOPIS and
-- ship-from-store shares = non-cancelled shop orders fulfilled that way / non-cancelled
-- shop orders (metrics.md, Cross-channel and Inventory). Marketplace orders are not
-- online orders of ours; store sales are not online.

with

orders as (
    select order_date, order_channel, is_cancelled, is_cancelled_for_stock, fulfilment_method
    from {{ ref('int_orders_unified') }}
    where order_channel in ('web', 'app', 'phone')
),

counted as (

    select
        order_date,
        order_channel,
        count(*) as online_order_count,
        sum(case when is_cancelled_for_stock then 1 else 0 end) as cancelled_for_stock_order_count,
        sum(case when is_cancelled then 0 else 1 end) as live_online_order_count,
        sum(case when not is_cancelled and fulfilment_method = 'bopis' then 1 else 0 end) as bopis_order_count,
        sum(case when not is_cancelled and fulfilment_method = 'ship_from_store' then 1 else 0 end)
            as ship_from_store_order_count,
        sum(case when not is_cancelled and fulfilment_method = 'ship_to_home' then 1 else 0 end)
            as ship_to_home_order_count
    from orders
    group by order_date, order_channel

)

select
    order_date,
    order_channel,
    cast(online_order_count as bigint) as online_order_count,
    cast(live_online_order_count as bigint) as live_online_order_count,
    cast(cancelled_for_stock_order_count as bigint) as oversell_rate_numerator,
    cast(online_order_count as bigint) as oversell_rate_denominator,
    case
        when online_order_count > 0
            then cast(cancelled_for_stock_order_count as double) / cast(online_order_count as double)
    end as oversell_rate,
    cast(bopis_order_count as bigint) as bopis_share_of_online_orders_numerator,
    cast(live_online_order_count as bigint) as bopis_share_of_online_orders_denominator,
    case
        when live_online_order_count > 0
            then cast(bopis_order_count as double) / cast(live_online_order_count as double)
    end as bopis_share_of_online_orders,
    cast(ship_from_store_order_count as bigint) as ship_from_store_share_of_online_orders_numerator,
    cast(live_online_order_count as bigint) as ship_from_store_share_of_online_orders_denominator,
    case
        when live_online_order_count > 0
            then cast(ship_from_store_order_count as double) / cast(live_online_order_count as double)
    end as ship_from_store_share_of_online_orders,
    cast(ship_to_home_order_count as bigint) as ship_to_home_share_of_online_orders_numerator,
    cast(live_online_order_count as bigint) as ship_to_home_share_of_online_orders_denominator,
    case
        when live_online_order_count > 0
            then cast(ship_to_home_order_count as double) / cast(live_online_order_count as double)
    end as ship_to_home_share_of_online_orders
from counted
