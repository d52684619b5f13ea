-- Cross-channel KPIs per order month (metrics.md, Cross-channel), every ratio with its
-- numerator and denominator: ROPO share of store sales (ROPO store net sales / store net
-- sales), reverse ROPO share of online orders, BOPIS and ship-from-store shares of
-- non-cancelled online orders (web, app, phone), and loyalty points earned on purchases by
-- channel, with the points of members who earned in more than one channel that month.

with

orders as (
    select
        order_month,
        order_channel,
        is_cancelled,
        net_sales_amount_eur,
        is_ropo,
        is_reverse_ropo,
        is_bopis,
        is_ship_from_store
    from {{ ref('fct_ropo_orders') }}
),

points_ledger as (
    select
        card_number,
        order_channel,
        points,
        cast({{ dbt.date_trunc('month', 'entry_at') }} as date) as entry_month
    from {{ ref('stg_loyalty__points_ledger_entries') }}
    where points > 0
),

order_totals as (

    select
        order_month,
        sum(case when order_channel = 'store' then 1 else 0 end) as store_order_count,
        sum(case when order_channel = 'store' and is_ropo then 1 else 0 end) as ropo_order_count,
        sum(case when order_channel = 'store' then net_sales_amount_eur else 0 end) as store_net_sales_amount_eur,
        sum(case when order_channel = 'store' and is_ropo then net_sales_amount_eur else 0 end)
            as ropo_net_sales_amount_eur,
        sum(case when order_channel != 'store' and not is_cancelled then 1 else 0 end) as online_order_count,
        sum(case when order_channel != 'store' and not is_cancelled and is_reverse_ropo then 1 else 0 end)
            as reverse_ropo_order_count,
        sum(case when is_bopis then 1 else 0 end) as bopis_order_count,
        sum(case when is_ship_from_store then 1 else 0 end) as ship_from_store_order_count
    from orders
    group by order_month

),

member_channels as (

    select
        entry_month,
        card_number,
        count(distinct order_channel) as channel_count,
        sum(points) as points_earned
    from points_ledger
    group by entry_month, card_number

),

points_totals as (

    select
        entry_month,
        sum(case when order_channel = 'store' then points else 0 end) as store_points_earned,
        sum(case when order_channel in ('web', 'app', 'phone') then points else 0 end) as online_points_earned,
        sum(case when order_channel = 'marketplace' then points else 0 end) as marketplace_points_earned,
        sum(points) as points_earned
    from points_ledger
    group by entry_month

),

member_totals as (

    select
        entry_month,
        count(*) as earning_member_count,
        sum(case when channel_count > 1 then 1 else 0 end) as multichannel_member_count,
        sum(case when channel_count > 1 then points_earned else 0 end) as multichannel_points_earned
    from member_channels
    group by entry_month

),

months as (
    select order_month as kpi_month from order_totals
    union
    select entry_month as kpi_month from points_totals
),

combined as (

    select
        months.kpi_month,
        coalesce(order_totals.store_order_count, 0) as store_order_count,
        coalesce(order_totals.ropo_order_count, 0) as ropo_order_count,
        coalesce(order_totals.store_net_sales_amount_eur, 0) as store_net_sales_amount_eur,
        coalesce(order_totals.ropo_net_sales_amount_eur, 0) as ropo_net_sales_amount_eur,
        coalesce(order_totals.online_order_count, 0) as online_order_count,
        coalesce(order_totals.reverse_ropo_order_count, 0) as reverse_ropo_order_count,
        coalesce(order_totals.bopis_order_count, 0) as bopis_order_count,
        coalesce(order_totals.ship_from_store_order_count, 0) as ship_from_store_order_count,
        coalesce(points_totals.points_earned, 0) as loyalty_points_earned,
        coalesce(points_totals.store_points_earned, 0) as store_loyalty_points_earned,
        coalesce(points_totals.online_points_earned, 0) as online_loyalty_points_earned,
        coalesce(points_totals.marketplace_points_earned, 0) as marketplace_loyalty_points_earned,
        coalesce(member_totals.earning_member_count, 0) as earning_member_count,
        coalesce(member_totals.multichannel_member_count, 0) as multichannel_member_count,
        coalesce(member_totals.multichannel_points_earned, 0) as multichannel_loyalty_points_earned
    from months
    left join order_totals
        on months.kpi_month = order_totals.order_month
    left join points_totals
        on months.kpi_month = points_totals.entry_month
    left join member_totals
        on months.kpi_month = member_totals.entry_month

)

select
    cast(kpi_month as date) as kpi_month,
    cast(store_order_count as bigint) as store_order_count,
    cast(ropo_order_count as bigint) as ropo_order_count,
    cast(store_net_sales_amount_eur as decimal(18, 2)) as store_net_sales_amount_eur,
    cast(ropo_net_sales_amount_eur as decimal(18, 2)) as ropo_net_sales_amount_eur,
    cast(ropo_net_sales_amount_eur as decimal(18, 2)) as ropo_share_of_store_sales_numerator,
    cast(store_net_sales_amount_eur as decimal(18, 2)) as ropo_share_of_store_sales_denominator,
    {{ ratio_or_null('ropo_net_sales_amount_eur', 'store_net_sales_amount_eur') }} as ropo_share_of_store_sales,
    cast(online_order_count as bigint) as online_order_count,
    cast(reverse_ropo_order_count as bigint) as reverse_ropo_share_of_online_orders_numerator,
    cast(online_order_count as bigint) as reverse_ropo_share_of_online_orders_denominator,
    {{ ratio_or_null('reverse_ropo_order_count', 'online_order_count') }} as reverse_ropo_share_of_online_orders,
    cast(bopis_order_count as bigint) as bopis_share_of_online_orders_numerator,
    cast(online_order_count as bigint) as bopis_share_of_online_orders_denominator,
    {{ ratio_or_null('bopis_order_count', 'online_order_count') }} as bopis_share_of_online_orders,
    cast(ship_from_store_order_count as bigint) as ship_from_store_share_of_online_orders_numerator,
    cast(online_order_count as bigint) as ship_from_store_share_of_online_orders_denominator,
    {{ ratio_or_null('ship_from_store_order_count', 'online_order_count') }} as ship_from_store_share_of_online_orders,
    cast(loyalty_points_earned as bigint) as loyalty_points_earned,
    cast(store_loyalty_points_earned as bigint) as store_loyalty_points_earned,
    cast(online_loyalty_points_earned as bigint) as online_loyalty_points_earned,
    cast(marketplace_loyalty_points_earned as bigint) as marketplace_loyalty_points_earned,
    cast(earning_member_count as bigint) as earning_member_count,
    cast(multichannel_member_count as bigint) as multichannel_member_count,
    cast(multichannel_loyalty_points_earned as bigint) as multichannel_points_share_numerator,
    cast(loyalty_points_earned as bigint) as multichannel_points_share_denominator,
    {{ ratio_or_null('multichannel_loyalty_points_earned', 'loyalty_points_earned') }} as multichannel_points_share
from combined
