-- Marketing spend per day and order channel. Ad spend of a campaign that targets an
-- order channel goes to it; brand (or unspecified) spend is split by that day's net sales
-- share of each channel (net sales of the orders placed that day, returns credited to
-- them). The split is done in cents by largest remainder, so that the channels' shares
-- add up to the day's brand spend exactly; on a day without net sales it is split evenly.

with

daily_performance as (
    select campaign_id, performance_date, spend_eur from {{ ref('stg_ads__daily_performance') }}
),

campaigns as (
    select campaign_id, target_channel from {{ ref('stg_ads__campaigns') }}
),

orders as (
    select order_date, order_channel, net_sales_amount_eur from {{ ref('int_orders_unified') }}
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

spend as (

    select
        daily_performance.performance_date as spend_date,
        case
            when campaigns.target_channel in ('web', 'app', 'phone', 'store', 'marketplace')
                then campaigns.target_channel
        end as direct_channel,
        daily_performance.spend_eur
    from daily_performance
    left join campaigns
        on daily_performance.campaign_id = campaigns.campaign_id

),

spend_days as (

    select
        spend_date,
        sum(case when direct_channel is null then spend_eur else 0 end) as brand_spend_eur
    from spend
    group by spend_date

),

direct_spend as (

    select
        spend_date,
        direct_channel as order_channel,
        sum(spend_eur) as direct_spend_eur
    from spend
    where direct_channel is not null
    group by spend_date, direct_channel

),

channel_sales as (

    select
        order_date,
        order_channel,
        sum(net_sales_amount_eur) as net_sales_eur
    from orders
    group by order_date, order_channel

),

grid as (

    select
        spend_days.spend_date,
        channels.order_channel,
        spend_days.brand_spend_eur,
        coalesce(channel_sales.net_sales_eur, 0) as net_sales_eur
    from spend_days
    cross join channels
    left join channel_sales
        on
            spend_days.spend_date = channel_sales.order_date
            and channels.order_channel = channel_sales.order_channel

),

shares as (

    select
        spend_date,
        order_channel,
        brand_spend_eur,
        net_sales_eur,
        sum(net_sales_eur) over (partition by spend_date) as day_net_sales_eur,
        count(*) over (partition by spend_date) as day_channel_count
    from grid

),

raw_cents as (

    select
        spend_date,
        order_channel,
        brand_spend_eur,
        net_sales_eur,
        day_net_sales_eur,
        cast(round(cast(brand_spend_eur as double) * 100, 0) as bigint) as day_brand_cents,
        case
            when day_net_sales_eur > 0
                then
                    cast(brand_spend_eur as double) * 100 * cast(net_sales_eur as double)
                    / cast(day_net_sales_eur as double)
            else cast(brand_spend_eur as double) * 100 / day_channel_count
        end as exact_cents
    from shares

),

floored as (

    select
        spend_date,
        order_channel,
        net_sales_eur,
        day_net_sales_eur,
        day_brand_cents,
        cast(floor(exact_cents) as bigint) as floor_cents,
        exact_cents - floor(exact_cents) as remainder
    from raw_cents

),

ranked as (

    select
        spend_date,
        order_channel,
        net_sales_eur,
        day_net_sales_eur,
        floor_cents,
        day_brand_cents - sum(floor_cents) over (partition by spend_date) as leftover_cents,
        row_number() over (
            partition by spend_date
            order by remainder desc nulls last, order_channel asc nulls last
        ) as remainder_rank
    from floored

),

allocated as (

    select
        ranked.spend_date,
        ranked.order_channel,
        ranked.net_sales_eur,
        ranked.day_net_sales_eur,
        cast(
            (ranked.floor_cents + case when ranked.remainder_rank <= ranked.leftover_cents then 1 else 0 end)
            / 100.0 as decimal(18, 2)
        ) as brand_spend_amount_eur,
        cast(coalesce(direct_spend.direct_spend_eur, 0) as decimal(18, 2)) as direct_spend_amount_eur
    from ranked
    left join direct_spend
        on
            ranked.spend_date = direct_spend.spend_date
            and ranked.order_channel = direct_spend.order_channel

)

select
    {{ dbt.concat(["cast(spend_date as " ~ dbt.type_string() ~ ")", "':'", "order_channel"]) }} as channel_spend_day_key,
    spend_date,
    order_channel,
    cast(net_sales_eur as decimal(18, 2)) as net_sales_share_numerator_amount_eur,
    cast(day_net_sales_eur as decimal(18, 2)) as net_sales_share_denominator_amount_eur,
    direct_spend_amount_eur,
    brand_spend_amount_eur,
    cast(direct_spend_amount_eur + brand_spend_amount_eur as decimal(18, 2)) as marketing_spend_amount_eur
from allocated
