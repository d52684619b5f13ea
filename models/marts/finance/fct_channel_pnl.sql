-- The single P&L across channels (metrics.md): one row per day and order channel, from
-- the first to the last day with orders or ad spend. Sales, discounts, COGS and the costs
-- of an order are booked on the order's (UTC) date and channel; returns are credited to
-- the ORIGINAL order's channel and date whichever channel took them and whenever;
-- marketing spend on its day (int_marketing_spend_allocated); store operating cost per
-- open store and day. CM1 = net sales - COGS; CM2 = CM1 - fulfilment cost - payment fees
-- - marketplace commission; CM3 = CM2 - marketing spend - store operating cost.

with

orders as (
    select
        order_date,
        order_channel,
        is_cancelled,
        gross_sales_amount_eur,
        discount_amount_eur,
        cogs_amount_eur,
        shipping_cost_amount_eur,
        picking_cost_amount_eur,
        packaging_cost_amount_eur,
        marketplace_fulfilment_fee_amount_eur,
        payment_fee_amount_eur,
        marketplace_commission_amount_eur
    from {{ ref('int_orders_unified') }}
),

order_returns as (
    select original_order_date, original_order_channel, returned_amount_eur
    from {{ ref('int_returns_linked') }}
    where has_original_order and not is_original_order_cancelled
),

marketing as (
    select spend_date, order_channel, direct_spend_amount_eur, brand_spend_amount_eur
    from {{ ref('int_marketing_spend_allocated') }}
),

stores as (
    select store_id, opened_date, daily_operating_cost_eur from {{ ref('stores') }}
),

channels as (
    select 'web' as order_channel
    union all
    select 'app' as order_channel
    union all
    select 'phone' as order_channel
    union all
    select 'store' as order_channel
    union all
    select 'marketplace' as order_channel
),

activity_bounds as (

    select
        min(activity_date) as first_date,
        max(activity_date) as last_date
    from (
        select order_date as activity_date from orders
        union all
        select spend_date as activity_date from marketing
    ) as activity

),

calendar as (

    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ var('calendar_start') ~ "' as date)",
        end_date="cast('" ~ var('calendar_end') ~ "' as date)",
    ) }}

),

days as (

    select cast(calendar.date_day as date) as pnl_date
    from calendar
    inner join activity_bounds
        on
            cast(calendar.date_day as date) >= activity_bounds.first_date
            and cast(calendar.date_day as date) <= activity_bounds.last_date

),

order_lines_of_pnl as (

    select
        order_date as pnl_date,
        order_channel,
        sum(case when is_cancelled then 0 else 1 end) as order_count,
        sum(gross_sales_amount_eur) as gross_sales_eur,
        sum(discount_amount_eur) as discount_eur,
        sum(cogs_amount_eur) as cogs_eur,
        sum(shipping_cost_amount_eur) as shipping_cost_eur,
        sum(picking_cost_amount_eur) as picking_cost_eur,
        sum(packaging_cost_amount_eur) as packaging_cost_eur,
        sum(marketplace_fulfilment_fee_amount_eur) as marketplace_fulfilment_fee_eur,
        sum(payment_fee_amount_eur) as payment_fee_eur,
        sum(marketplace_commission_amount_eur) as marketplace_commission_eur
    from orders
    group by order_date, order_channel

),

returns_of_pnl as (

    select
        original_order_date as pnl_date,
        original_order_channel as order_channel,
        sum(returned_amount_eur) as returned_eur
    from order_returns
    group by original_order_date, original_order_channel

),

store_costs as (

    select
        days.pnl_date,
        'store' as order_channel,
        sum(stores.daily_operating_cost_eur) as store_operating_cost_eur
    from days
    inner join stores
        on days.pnl_date >= stores.opened_date
    group by days.pnl_date

),

grid as (

    select
        days.pnl_date,
        channels.order_channel
    from days
    cross join channels

),

joined as (

    select
        grid.pnl_date,
        grid.order_channel,
        cast(coalesce(order_lines_of_pnl.order_count, 0) as bigint) as order_count,
        cast(coalesce(order_lines_of_pnl.gross_sales_eur, 0) as decimal(18, 2)) as gross_sales_amount_eur,
        cast(coalesce(order_lines_of_pnl.discount_eur, 0) as decimal(18, 2)) as discount_amount_eur,
        cast(coalesce(returns_of_pnl.returned_eur, 0) as decimal(18, 2)) as returned_amount_eur,
        cast(coalesce(order_lines_of_pnl.cogs_eur, 0) as decimal(18, 2)) as cogs_amount_eur,
        cast(coalesce(order_lines_of_pnl.shipping_cost_eur, 0) as decimal(18, 2)) as shipping_cost_amount_eur,
        cast(coalesce(order_lines_of_pnl.picking_cost_eur, 0) as decimal(18, 2)) as picking_cost_amount_eur,
        cast(coalesce(order_lines_of_pnl.packaging_cost_eur, 0) as decimal(18, 2)) as packaging_cost_amount_eur,
        cast(coalesce(order_lines_of_pnl.marketplace_fulfilment_fee_eur, 0) as decimal(18, 2))
            as marketplace_fulfilment_fee_amount_eur,
        cast(coalesce(order_lines_of_pnl.payment_fee_eur, 0) as decimal(18, 2)) as payment_fee_amount_eur,
        cast(coalesce(order_lines_of_pnl.marketplace_commission_eur, 0) as decimal(18, 2))
            as marketplace_commission_amount_eur,
        cast(coalesce(marketing.direct_spend_amount_eur, 0) as decimal(18, 2)) as direct_marketing_spend_amount_eur,
        cast(coalesce(marketing.brand_spend_amount_eur, 0) as decimal(18, 2)) as brand_marketing_spend_amount_eur,
        cast(coalesce(store_costs.store_operating_cost_eur, 0) as decimal(18, 2)) as store_operating_cost_amount_eur
    from grid
    left join order_lines_of_pnl
        on
            grid.pnl_date = order_lines_of_pnl.pnl_date
            and grid.order_channel = order_lines_of_pnl.order_channel
    left join returns_of_pnl
        on
            grid.pnl_date = returns_of_pnl.pnl_date
            and grid.order_channel = returns_of_pnl.order_channel
    left join marketing
        on
            grid.pnl_date = marketing.spend_date
            and grid.order_channel = marketing.order_channel
    left join store_costs
        on
            grid.pnl_date = store_costs.pnl_date
            and grid.order_channel = store_costs.order_channel

),

net as (

    select
        joined.*,
        gross_sales_amount_eur - discount_amount_eur - returned_amount_eur as net_sales_amount_eur,
        shipping_cost_amount_eur
        + picking_cost_amount_eur
        + packaging_cost_amount_eur
        + marketplace_fulfilment_fee_amount_eur as fulfilment_cost_amount_eur,
        direct_marketing_spend_amount_eur + brand_marketing_spend_amount_eur as marketing_spend_amount_eur
    from joined

),

margins as (

    select
        net.*,
        net_sales_amount_eur - cogs_amount_eur as cm1_amount_eur
    from net

),

final as (

    select
        margins.*,
        cm1_amount_eur
        - fulfilment_cost_amount_eur
        - payment_fee_amount_eur
        - marketplace_commission_amount_eur as cm2_amount_eur
    from margins

)

select
    pnl_date,
    order_channel,
    order_count,
    gross_sales_amount_eur,
    discount_amount_eur,
    returned_amount_eur,
    cast(net_sales_amount_eur as decimal(18, 2)) as net_sales_amount_eur,
    cogs_amount_eur,
    cast(cm1_amount_eur as decimal(18, 2)) as cm1_amount_eur,
    shipping_cost_amount_eur,
    picking_cost_amount_eur,
    packaging_cost_amount_eur,
    marketplace_fulfilment_fee_amount_eur,
    cast(fulfilment_cost_amount_eur as decimal(18, 2)) as fulfilment_cost_amount_eur,
    payment_fee_amount_eur,
    marketplace_commission_amount_eur,
    cast(cm2_amount_eur as decimal(18, 2)) as cm2_amount_eur,
    direct_marketing_spend_amount_eur,
    brand_marketing_spend_amount_eur,
    cast(marketing_spend_amount_eur as decimal(18, 2)) as marketing_spend_amount_eur,
    store_operating_cost_amount_eur,
    cast(cm2_amount_eur - marketing_spend_amount_eur - store_operating_cost_amount_eur as decimal(18, 2))
        as cm3_amount_eur
from final
