-- The customer KPIs of metrics.md as of the customer marts' as-of date (one row): repeat
-- purchase rate, average order value and purchase frequency (trailing 365 days), omnichannel
-- buyers' share of buyers and of their net sales, loyalty members' share of net sales, and
-- historical CLV (mean cumulative CM2 12 and 24 months after the first order, among the
-- customers for whom that horizon is observable). Every ratio with its numerator and
-- denominator; null when the denominator is zero (e.g. repeat purchase in a world under a year).

with

customers as (
    select
        customer_id,
        as_of_date,
        order_count_365d,
        is_omnichannel,
        has_ordered_365d,
        is_loyalty_member,
        net_sales_365d_amount_eur,
        historical_clv_12m_amount_eur,
        historical_clv_24m_amount_eur,
        is_first_order_365_days_old,
        has_repeat_within_365_days
    from {{ ref('int_customers_aggregated') }}
),

orders as (
    select ordered_at, is_cancelled, net_sales_amount_eur
    from {{ ref('int_orders_unified') }}
),

as_of as (
    select max(as_of_date) as as_of_date from customers
),

-- every non-cancelled order of the window, identified or anonymous (the loyalty share's base)
all_sales as (

    select sum(orders.net_sales_amount_eur) as net_sales_amount_eur
    from orders
    cross join as_of
    where
        not orders.is_cancelled
        and orders.ordered_at >= cast({{ dbt.dateadd('day', -365, 'as_of.as_of_date') }} as timestamp)
        and orders.ordered_at < cast(as_of.as_of_date as timestamp)

),

customer_totals as (

    select
        count(*) as customer_count,
        sum(case when is_first_order_365_days_old then 1 else 0 end) as first_order_365_days_old_count,
        sum(
            case when is_first_order_365_days_old and has_repeat_within_365_days then 1 else 0 end
        ) as repeat_customer_count,
        sum(case when has_ordered_365d then 1 else 0 end) as buyer_365d_count,
        sum(case when is_omnichannel then 1 else 0 end) as omnichannel_buyer_count,
        sum(order_count_365d) as order_365d_count,
        sum(net_sales_365d_amount_eur) as buyer_net_sales_365d_amount_eur,
        sum(case when is_omnichannel then net_sales_365d_amount_eur else 0 end)
            as omnichannel_net_sales_365d_amount_eur,
        sum(case when is_loyalty_member then net_sales_365d_amount_eur else 0 end)
            as loyalty_net_sales_365d_amount_eur,
        sum(historical_clv_12m_amount_eur) as clv_12m_cm2_amount_eur,
        count(historical_clv_12m_amount_eur) as clv_12m_customer_count,
        sum(historical_clv_24m_amount_eur) as clv_24m_cm2_amount_eur,
        count(historical_clv_24m_amount_eur) as clv_24m_customer_count
    from customers

),

final as (

    select
        as_of.as_of_date,
        customer_totals.*,
        coalesce(all_sales.net_sales_amount_eur, 0) as all_net_sales_365d_amount_eur
    from customer_totals
    cross join as_of
    cross join all_sales

)

select
    as_of_date,
    cast(customer_count as bigint) as customer_count,
    cast(repeat_customer_count as bigint) as repeat_purchase_rate_numerator,
    cast(first_order_365_days_old_count as bigint) as repeat_purchase_rate_denominator,
    {{ ratio_or_null('repeat_customer_count', 'first_order_365_days_old_count') }} as repeat_purchase_rate,
    cast(buyer_net_sales_365d_amount_eur as decimal(18, 2)) as average_order_value_numerator,
    cast(order_365d_count as bigint) as average_order_value_denominator,
    cast(
        case when order_365d_count > 0 then buyer_net_sales_365d_amount_eur / order_365d_count end
        as decimal(18, 2)
    ) as average_order_value_amount_eur,
    cast(order_365d_count as bigint) as purchase_frequency_numerator,
    cast(buyer_365d_count as bigint) as purchase_frequency_denominator,
    {{ ratio_or_null('order_365d_count', 'buyer_365d_count') }} as purchase_frequency,
    cast(omnichannel_buyer_count as bigint) as omnichannel_buyer_share_numerator,
    cast(buyer_365d_count as bigint) as omnichannel_buyer_share_denominator,
    {{ ratio_or_null('omnichannel_buyer_count', 'buyer_365d_count') }} as omnichannel_buyer_share,
    cast(omnichannel_net_sales_365d_amount_eur as decimal(18, 2)) as omnichannel_net_sales_share_numerator,
    cast(buyer_net_sales_365d_amount_eur as decimal(18, 2)) as omnichannel_net_sales_share_denominator,
    {{ ratio_or_null('omnichannel_net_sales_365d_amount_eur', 'buyer_net_sales_365d_amount_eur') }}
        as omnichannel_net_sales_share,
    cast(loyalty_net_sales_365d_amount_eur as decimal(18, 2)) as loyalty_net_sales_share_numerator,
    cast(all_net_sales_365d_amount_eur as decimal(18, 2)) as loyalty_net_sales_share_denominator,
    {{ ratio_or_null('loyalty_net_sales_365d_amount_eur', 'all_net_sales_365d_amount_eur') }}
        as loyalty_net_sales_share,
    cast(clv_12m_cm2_amount_eur as decimal(18, 2)) as historical_clv_12m_numerator,
    cast(clv_12m_customer_count as bigint) as historical_clv_12m_denominator,
    cast(
        case when clv_12m_customer_count > 0 then clv_12m_cm2_amount_eur / clv_12m_customer_count end
        as decimal(18, 2)
    ) as historical_clv_12m_amount_eur,
    cast(clv_24m_cm2_amount_eur as decimal(18, 2)) as historical_clv_24m_numerator,
    cast(clv_24m_customer_count as bigint) as historical_clv_24m_denominator,
    cast(
        case when clv_24m_customer_count > 0 then clv_24m_cm2_amount_eur / clv_24m_customer_count end
        as decimal(18, 2)
    ) as historical_clv_24m_amount_eur
from final
