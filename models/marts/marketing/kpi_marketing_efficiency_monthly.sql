-- Marketing efficiency ratio per month (metrics.md, Attribution): MER = net sales of the
-- month's orders (every channel, returns credited to the order) / total marketing spend of
-- the month (every campaign's daily spend, EUR). It needs no attribution model.

with

orders as (
    select
        cast({{ dbt.date_trunc('month', 'order_date') }} as date) as kpi_month,
        net_sales_amount_eur
    from {{ ref('int_orders_unified') }}
),

daily_spend as (
    select
        cast({{ dbt.date_trunc('month', 'performance_date') }} as date) as kpi_month,
        spend_eur
    from {{ ref('stg_ads__daily_performance') }}
),

sales as (
    select kpi_month, count(*) as order_count, sum(net_sales_amount_eur) as net_sales_amount_eur
    from orders
    group by kpi_month
),

spend as (
    select kpi_month, sum(spend_eur) as marketing_spend_amount_eur
    from daily_spend
    group by kpi_month
),

months as (
    select kpi_month from sales
    union
    select kpi_month from spend
),

combined as (
    select
        months.kpi_month,
        coalesce(sales.order_count, 0) as order_count,
        coalesce(sales.net_sales_amount_eur, 0) as net_sales_amount_eur,
        coalesce(spend.marketing_spend_amount_eur, 0) as marketing_spend_amount_eur
    from months
    left join sales
        on months.kpi_month = sales.kpi_month
    left join spend
        on months.kpi_month = spend.kpi_month
)

select
    cast(kpi_month as date) as kpi_month,
    cast(order_count as bigint) as order_count,
    cast(net_sales_amount_eur as decimal(18, 2)) as net_sales_amount_eur,
    cast(marketing_spend_amount_eur as decimal(18, 2)) as marketing_spend_amount_eur,
    cast(net_sales_amount_eur as decimal(18, 2)) as mer_numerator,
    cast(marketing_spend_amount_eur as decimal(18, 2)) as mer_denominator,
    {{ ratio_or_null('net_sales_amount_eur', 'marketing_spend_amount_eur') }} as mer
from combined
