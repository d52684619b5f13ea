-- Mart money reconciles to the staging lines it comes from, to the cent (metrics.md,
-- Money): the totals of fct_order_lines, fct_orders, fct_returns and fct_channel_pnl
-- equal the same totals recomputed here from the staging lines and headers, the rate
-- seed, the ERP costs, the staged returns, fees and ad spend. Returns one row per mart
-- figure that differs by a cent or more.

with

rates as (
    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}
),

products as (
    select sku, unit_cost_eur from {{ ref('stg_erp__products') }}
),

staged_headers as (
    select
        order_id,
        cast(created_at as date) as order_date,
        currency_code,
        status = 'cancelled' as is_cancelled
    from {{ ref('stg_ecommerce__orders') }}
    union all
    select transaction_id, cast(transaction_at as date), currency_code, false
    from {{ ref('stg_store_pos__transactions') }}
    union all
    select marketplace_order_id, cast(ordered_at as date), currency_code, status = 'cancelled'
    from {{ ref('stg_marketplace__orders') }}
),

staged_lines as (
    select order_id, sku, quantity, unit_price, discount_amount from {{ ref('stg_ecommerce__order_lines') }}
    union all
    select transaction_id, sku, quantity, unit_price, discount_amount from {{ ref('stg_store_pos__transaction_lines') }}
    union all
    select marketplace_order_id, sku, quantity, unit_price, discount_amount
    from {{ ref('stg_marketplace__order_lines') }}
),

staged_line_totals as (
    select
        sum(round(staged_lines.unit_price * staged_lines.quantity * rates.eur_per_unit, 2)) as ordered_gross,
        sum(
            case
                when staged_headers.is_cancelled then 0
                else round(staged_lines.unit_price * staged_lines.quantity * rates.eur_per_unit, 2)
            end
        ) as gross_sales,
        sum(
            case when staged_headers.is_cancelled then 0 else round(staged_lines.discount_amount * rates.eur_per_unit, 2) end
        ) as discounts,
        sum(
            case when staged_headers.is_cancelled then 0 else round(products.unit_cost_eur * staged_lines.quantity, 2) end
        ) as cogs
    from staged_lines
    inner join staged_headers on staged_lines.order_id = staged_headers.order_id
    inner join rates
        on staged_headers.currency_code = rates.currency_code and staged_headers.order_date = rates.rate_date
    left join products on staged_lines.sku = products.sku
),

staged_returns as (
    select order_id as original_order_ref, amount_eur as returned_eur from {{ ref('stg_ecommerce__refunds') }}
    union all
    select original_order_ref, refund_amount_eur from {{ ref('stg_store_pos__returns') }}
),

staged_return_totals as (
    select
        sum(staged_returns.returned_eur) as all_returns,
        sum(
            case when staged_headers.order_id is not null and not staged_headers.is_cancelled then staged_returns.returned_eur else 0 end
        ) as credited_returns
    from staged_returns
    left join staged_headers on staged_returns.original_order_ref = staged_headers.order_id
),

staged_fees as (
    select
        (select sum(fee_amount_eur) from {{ ref('stg_ecommerce__payments') }}) as payment_fees,
        (select sum(amount_eur) from {{ ref('stg_marketplace__fees') }} where fee_type = 'commission') as commission,
        (select sum(amount_eur) from {{ ref('stg_marketplace__fees') }} where fee_type <> 'commission') as fulfilment_fees,
        (select sum(spend_eur) from {{ ref('stg_ads__daily_performance') }}) as marketing_spend
),

line_mart as (
    select
        sum(ordered_gross_amount_eur) as ordered_gross,
        sum(gross_sales_amount_eur) as gross_sales,
        sum(discount_amount_eur) as discounts,
        sum(cogs_amount_eur) as cogs
    from {{ ref('fct_order_lines') }}
),

order_mart as (
    select
        sum(ordered_gross_amount_eur) as ordered_gross,
        sum(gross_sales_amount_eur) as gross_sales,
        sum(discount_amount_eur) as discounts,
        sum(returned_amount_eur) as returns,
        sum(cogs_amount_eur) as cogs,
        sum(payment_fee_amount_eur) as payment_fees,
        sum(marketplace_commission_amount_eur) as commission,
        sum(marketplace_fulfilment_fee_amount_eur) as fulfilment_fees
    from {{ ref('fct_orders') }}
),

return_mart as (
    select sum(returned_amount_eur) as all_returns from {{ ref('fct_returns') }}
),

pnl_mart as (
    select
        sum(gross_sales_amount_eur) as gross_sales,
        sum(discount_amount_eur) as discounts,
        sum(returned_amount_eur) as returns,
        sum(cogs_amount_eur) as cogs,
        sum(payment_fee_amount_eur) as payment_fees,
        sum(marketplace_commission_amount_eur) as commission,
        sum(marketplace_fulfilment_fee_amount_eur) as fulfilment_fees,
        sum(marketing_spend_amount_eur) as marketing_spend
    from {{ ref('fct_channel_pnl') }}
),

return_view_mart as (
    select
        sum(returned_amount_eur) as all_returns,
        sum(pnl_credited_returned_amount_eur) as credited_returns
    from {{ ref('fct_channel_pnl_by_return_date') }}
),

compared as (
    select 'fct_order_lines.ordered_gross' as figure, s.ordered_gross as staging_value, m.ordered_gross as mart_value
    from staged_line_totals as s cross join line_mart as m
    union all
    select 'fct_order_lines.gross_sales', s.gross_sales, m.gross_sales from staged_line_totals as s cross join line_mart as m
    union all
    select 'fct_order_lines.discounts', s.discounts, m.discounts from staged_line_totals as s cross join line_mart as m
    union all
    select 'fct_order_lines.cogs', s.cogs, m.cogs from staged_line_totals as s cross join line_mart as m
    union all
    select 'fct_orders.ordered_gross', s.ordered_gross, m.ordered_gross from staged_line_totals as s cross join order_mart as m
    union all
    select 'fct_orders.gross_sales', s.gross_sales, m.gross_sales from staged_line_totals as s cross join order_mart as m
    union all
    select 'fct_orders.discounts', s.discounts, m.discounts from staged_line_totals as s cross join order_mart as m
    union all
    select 'fct_orders.cogs', s.cogs, m.cogs from staged_line_totals as s cross join order_mart as m
    union all
    select 'fct_orders.returns', s.credited_returns, m.returns from staged_return_totals as s cross join order_mart as m
    union all
    select 'fct_orders.payment_fees', s.payment_fees, m.payment_fees from staged_fees as s cross join order_mart as m
    union all
    select 'fct_orders.commission', s.commission, m.commission from staged_fees as s cross join order_mart as m
    union all
    select 'fct_orders.fulfilment_fees', s.fulfilment_fees, m.fulfilment_fees from staged_fees as s cross join order_mart as m
    union all
    select 'fct_returns.returns', s.all_returns, m.all_returns from staged_return_totals as s cross join return_mart as m
    union all
    select 'fct_channel_pnl.gross_sales', s.gross_sales, m.gross_sales from staged_line_totals as s cross join pnl_mart as m
    union all
    select 'fct_channel_pnl.discounts', s.discounts, m.discounts from staged_line_totals as s cross join pnl_mart as m
    union all
    select 'fct_channel_pnl.cogs', s.cogs, m.cogs from staged_line_totals as s cross join pnl_mart as m
    union all
    select 'fct_channel_pnl.returns', s.credited_returns, m.returns from staged_return_totals as s cross join pnl_mart as m
    union all
    select 'fct_channel_pnl.payment_fees', s.payment_fees, m.payment_fees from staged_fees as s cross join pnl_mart as m
    union all
    select 'fct_channel_pnl.commission', s.commission, m.commission from staged_fees as s cross join pnl_mart as m
    union all
    select 'fct_channel_pnl.fulfilment_fees', s.fulfilment_fees, m.fulfilment_fees from staged_fees as s cross join pnl_mart as m
    union all
    select 'fct_channel_pnl.marketing_spend', s.marketing_spend, m.marketing_spend from staged_fees as s cross join pnl_mart as m
    union all
    select 'fct_channel_pnl_by_return_date.returns', s.all_returns, m.all_returns
    from staged_return_totals as s cross join return_view_mart as m
    union all
    select 'fct_channel_pnl_by_return_date.credited', s.credited_returns, m.credited_returns
    from staged_return_totals as s cross join return_view_mart as m
)

select figure, staging_value, mart_value
from compared
where abs(coalesce(cast(staging_value as double), 0) - coalesce(cast(mart_value as double), 0)) >= 0.005
