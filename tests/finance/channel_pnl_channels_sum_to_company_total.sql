-- The single P&L adds up: for every day and every P&L line, the sum over the five
-- channels of fct_channel_pnl equals the company total computed another way - from the
-- order lines, the linked returns, the shipments, the staged fees and ad spend and the
-- stores seed, without any channel grouping or allocation. Returns one row per day and
-- line that differs by a cent or more.

with

orders as (
    select order_key, order_date, is_cancelled, fulfilment_method from {{ ref('int_orders_unified') }}
),

order_lines as (
    select order_date, gross_sales_amount_eur, discount_amount_eur, cogs_amount_eur
    from {{ ref('int_order_lines_unified') }}
),

linked_returns as (
    select order_key, returned_amount_eur from {{ ref('int_returns_linked') }}
),

shipments as (
    select order_key, carrier_cost_amount_eur from {{ ref('int_shipments_tracked') }}
),

payments as (
    select order_id, fee_amount_eur from {{ ref('stg_ecommerce__payments') }}
),

marketplace_fees as (
    select marketplace_order_id, fee_type, amount_eur from {{ ref('stg_marketplace__fees') }}
),

ad_spend as (
    select performance_date, spend_eur from {{ ref('stg_ads__daily_performance') }}
),

cost_rates as (
    select cost_type, applies_to, rate_eur from {{ ref('cost_rates') }}
),

stores as (
    select opened_date, daily_operating_cost_eur from {{ ref('stores') }}
),

pnl as (
    select * from {{ ref('fct_channel_pnl') }}
),

live_orders as (
    select order_key, order_date, fulfilment_method from orders where not is_cancelled
),

company_lines as (
    select
        order_date as pnl_date,
        'gross_sales' as pnl_line,
        sum(gross_sales_amount_eur) as amount_eur
    from order_lines
    group by order_date
    union all
    select order_date, 'discounts', sum(discount_amount_eur) from order_lines group by order_date
    union all
    select order_date, 'cogs', sum(cogs_amount_eur) from order_lines group by order_date
    union all
    select live_orders.order_date, 'returns', sum(linked_returns.returned_amount_eur)
    from linked_returns
    inner join live_orders on linked_returns.order_key = live_orders.order_key
    group by live_orders.order_date
    union all
    select live_orders.order_date, 'shipping_cost', sum(shipments.carrier_cost_amount_eur)
    from shipments
    inner join live_orders on shipments.order_key = live_orders.order_key
    group by live_orders.order_date
    union all
    select live_orders.order_date, 'handling_cost', sum(cost_rates.rate_eur)
    from live_orders
    inner join cost_rates on live_orders.fulfilment_method = cost_rates.applies_to
    group by live_orders.order_date
    union all
    select live_orders.order_date, 'payment_fees', sum(payments.fee_amount_eur)
    from payments
    inner join live_orders on {{ order_key('ecommerce', 'payments.order_id') }} = live_orders.order_key
    group by live_orders.order_date
    union all
    select
        live_orders.order_date,
        case when marketplace_fees.fee_type = 'commission' then 'marketplace_commission' else 'marketplace_fulfilment_fee' end,
        sum(marketplace_fees.amount_eur)
    from marketplace_fees
    inner join live_orders
        on {{ order_key('marketplace', 'marketplace_fees.marketplace_order_id') }} = live_orders.order_key
    group by 1, 2
    union all
    select performance_date, 'marketing_spend', sum(spend_eur) from ad_spend group by performance_date
),

pnl_days as (
    select distinct pnl_date from pnl
),

store_costs as (
    select pnl_days.pnl_date, 'store_operating_cost' as pnl_line, sum(stores.daily_operating_cost_eur) as amount_eur
    from pnl_days
    inner join stores on stores.opened_date <= pnl_days.pnl_date
    group by pnl_days.pnl_date
),

company as (
    select pnl_date, pnl_line, sum(amount_eur) as amount_eur
    from (
        select pnl_date, pnl_line, amount_eur from company_lines
        union all
        select pnl_date, pnl_line, amount_eur from store_costs
    ) as all_lines
    group by pnl_date, pnl_line
),

company_wide as (
    select
        pnl_date,
        sum(case when pnl_line = 'gross_sales' then amount_eur else 0 end) as gross_sales,
        sum(case when pnl_line = 'discounts' then amount_eur else 0 end) as discounts,
        sum(case when pnl_line = 'returns' then amount_eur else 0 end) as returns,
        sum(case when pnl_line = 'cogs' then amount_eur else 0 end) as cogs,
        sum(case when pnl_line in ('shipping_cost', 'handling_cost', 'marketplace_fulfilment_fee') then amount_eur else 0 end)
            as fulfilment_cost,
        sum(case when pnl_line = 'payment_fees' then amount_eur else 0 end) as payment_fees,
        sum(case when pnl_line = 'marketplace_commission' then amount_eur else 0 end) as marketplace_commission,
        sum(case when pnl_line = 'marketing_spend' then amount_eur else 0 end) as marketing_spend,
        sum(case when pnl_line = 'store_operating_cost' then amount_eur else 0 end) as store_operating_cost
    from company
    group by pnl_date
),

company_margins as (
    select
        company_wide.*,
        gross_sales - discounts - returns as net_sales,
        gross_sales - discounts - returns - cogs as cm1,
        gross_sales - discounts - returns - cogs - fulfilment_cost - payment_fees - marketplace_commission as cm2,
        gross_sales - discounts - returns - cogs - fulfilment_cost - payment_fees - marketplace_commission
        - marketing_spend - store_operating_cost as cm3
    from company_wide
),

channel_sums as (
    select
        pnl_date,
        sum(gross_sales_amount_eur) as gross_sales,
        sum(discount_amount_eur) as discounts,
        sum(returned_amount_eur) as returns,
        sum(net_sales_amount_eur) as net_sales,
        sum(cogs_amount_eur) as cogs,
        sum(cm1_amount_eur) as cm1,
        sum(fulfilment_cost_amount_eur) as fulfilment_cost,
        sum(payment_fee_amount_eur) as payment_fees,
        sum(marketplace_commission_amount_eur) as marketplace_commission,
        sum(cm2_amount_eur) as cm2,
        sum(marketing_spend_amount_eur) as marketing_spend,
        sum(store_operating_cost_amount_eur) as store_operating_cost,
        sum(cm3_amount_eur) as cm3
    from pnl
    group by pnl_date
),

compared as (
    {% set pnl_lines = ['gross_sales', 'discounts', 'returns', 'net_sales', 'cogs', 'cm1', 'fulfilment_cost',
        'payment_fees', 'marketplace_commission', 'cm2', 'marketing_spend', 'store_operating_cost', 'cm3'] %}
    {% for pnl_line in pnl_lines %}
    select
        coalesce(channel_sums.pnl_date, company_margins.pnl_date) as pnl_date,
        '{{ pnl_line }}' as pnl_line,
        channel_sums.{{ pnl_line }} as sum_over_channels,
        company_margins.{{ pnl_line }} as company_total
    from channel_sums
    full outer join company_margins
        on channel_sums.pnl_date = company_margins.pnl_date
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select pnl_date, pnl_line, sum_over_channels, company_total
from compared
where abs(coalesce(sum_over_channels, 0) - coalesce(company_total, 0)) >= 0.005
