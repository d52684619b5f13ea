-- No order, line, return or cent is lost between staging and the orders layer: per order
-- system, the orders and lines staging kept, their units, gross sales and discounts
-- (recomputed here from the staging lines, headers and the rate seed), the returns, the
-- payment fees and the marketplace fees equal what int_orders_unified and
-- int_returns_linked hold. Returns one row per figure that does not match.

with

rates as (
    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}
),

staged_headers as (

    select
        'ecommerce' as source_system,
        order_id as order_id,
        cast(created_at as date) as order_date,
        currency_code,
        status = 'cancelled' as is_cancelled
    from {{ ref('stg_ecommerce__orders') }}

    union all

    select
        'store_pos' as source_system,
        transaction_id as order_id,
        cast(transaction_at as date) as order_date,
        currency_code,
        false as is_cancelled
    from {{ ref('stg_store_pos__transactions') }}

    union all

    select
        'marketplace' as source_system,
        marketplace_order_id as order_id,
        cast(ordered_at as date) as order_date,
        currency_code,
        status = 'cancelled' as is_cancelled
    from {{ ref('stg_marketplace__orders') }}

),

staged_lines as (

    select 'ecommerce' as source_system, order_id, quantity, unit_price, discount_amount
    from {{ ref('stg_ecommerce__order_lines') }}

    union all

    select 'store_pos' as source_system, transaction_id as order_id, quantity, unit_price, discount_amount
    from {{ ref('stg_store_pos__transaction_lines') }}

    union all

    select 'marketplace' as source_system, marketplace_order_id as order_id, quantity, unit_price, discount_amount
    from {{ ref('stg_marketplace__order_lines') }}

),

staged_line_money as (

    select
        staged_lines.source_system,
        count(*) as line_count,
        sum(staged_lines.quantity) as units,
        sum(
            case
                when not staged_headers.is_cancelled
                    then round(staged_lines.unit_price * staged_lines.quantity * rates.eur_per_unit, 2)
                else 0
            end
        ) as gross_sales_eur,
        sum(
            case
                when not staged_headers.is_cancelled
                    then round(staged_lines.discount_amount * rates.eur_per_unit, 2)
                else 0
            end
        ) as discount_eur
    from staged_lines
    inner join staged_headers
        on
            staged_lines.source_system = staged_headers.source_system
            and staged_lines.order_id = staged_headers.order_id
    inner join rates
        on
            staged_headers.currency_code = rates.currency_code
            and staged_headers.order_date = rates.rate_date
    group by staged_lines.source_system

),

staged_order_counts as (
    select source_system, count(*) as order_count from staged_headers group by source_system
),

staged_returns as (
    select sum(amount_eur) as returned_eur, count(*) as return_count from {{ ref('stg_ecommerce__refunds') }}
    union all
    select sum(refund_amount_eur) as returned_eur, count(*) as return_count from {{ ref('stg_store_pos__returns') }}
),

staged_fees as (
    select 'payment_fee' as fee, sum(fee_amount_eur) as amount_eur from {{ ref('stg_ecommerce__payments') }}
    union all
    select 'marketplace_fees' as fee, sum(amount_eur) as amount_eur from {{ ref('stg_marketplace__fees') }}
),

unified_orders as (

    select
        source_system,
        count(*) as order_count,
        sum(line_count) as line_count,
        sum(units) as units,
        sum(gross_sales_amount_eur) as gross_sales_eur,
        sum(discount_amount_eur) as discount_eur,
        sum(payment_fee_amount_eur) as payment_fee_eur,
        sum(marketplace_commission_amount_eur + marketplace_fulfilment_fee_amount_eur) as marketplace_fees_eur
    from {{ ref('int_orders_unified') }}
    where source_system <> 'call_centre'
    group by source_system

),

unified_line_count as (
    select count(*) as line_count from {{ ref('int_order_lines_unified') }}
),

unified_returns as (
    select sum(returned_amount_eur) as returned_eur, count(*) as return_count
    from {{ ref('int_returns_linked') }}
),

comparisons as (

    select 'orders' as figure, staged.source_system, cast(staged.order_count as double) as staging_value,
        cast(unified.order_count as double) as intermediate_value
    from staged_order_counts as staged
    left join unified_orders as unified on staged.source_system = unified.source_system

    union all

    select 'lines' as figure, staged.source_system, cast(staged.line_count as double) as staging_value,
        cast(unified.line_count as double) as intermediate_value
    from staged_line_money as staged
    left join unified_orders as unified on staged.source_system = unified.source_system

    union all

    select 'all_lines' as figure, 'all' as source_system,
        cast((select count(*) from staged_lines) as double) as staging_value,
        cast(line_count as double) as intermediate_value
    from unified_line_count

    union all

    select 'units' as figure, staged.source_system, cast(staged.units as double) as staging_value,
        cast(unified.units as double) as intermediate_value
    from staged_line_money as staged
    left join unified_orders as unified on staged.source_system = unified.source_system

    union all

    select 'gross_sales_eur' as figure, staged.source_system, cast(staged.gross_sales_eur as double) as staging_value,
        cast(unified.gross_sales_eur as double) as intermediate_value
    from staged_line_money as staged
    left join unified_orders as unified on staged.source_system = unified.source_system

    union all

    select 'discount_eur' as figure, staged.source_system, cast(staged.discount_eur as double) as staging_value,
        cast(unified.discount_eur as double) as intermediate_value
    from staged_line_money as staged
    left join unified_orders as unified on staged.source_system = unified.source_system

    union all

    select 'returned_eur' as figure, 'all' as source_system, cast(sum(staged.returned_eur) as double) as staging_value,
        cast(max(unified.returned_eur) as double) as intermediate_value
    from staged_returns as staged
    cross join unified_returns as unified

    union all

    select 'returns' as figure, 'all' as source_system, cast(sum(staged.return_count) as double) as staging_value,
        cast(max(unified.return_count) as double) as intermediate_value
    from staged_returns as staged
    cross join unified_returns as unified

    union all

    select 'payment_fee_eur' as figure, 'ecommerce' as source_system, cast(staged.amount_eur as double) as staging_value,
        cast((select sum(payment_fee_eur) from unified_orders) as double) as intermediate_value
    from staged_fees as staged
    where staged.fee = 'payment_fee'

    union all

    select 'marketplace_fees_eur' as figure, 'marketplace' as source_system, cast(staged.amount_eur as double) as staging_value,
        cast((select sum(marketplace_fees_eur) from unified_orders) as double) as intermediate_value
    from staged_fees as staged
    where staged.fee = 'marketplace_fees'

)

select figure, source_system, staging_value, intermediate_value
from comparisons
where
    intermediate_value is null
    or abs(coalesce(staging_value, 0) - intermediate_value) >= 0.005
