-- Where an analyst starts: conversion by channel and month, read from the marts
-- (never staging), numerators and denominators summed before dividing.
-- `dbt compile --select channel_conversion_monthly` writes the SQL with real
-- relation names to target/compiled/; kpi_starter.ipynb runs it on the
-- published warehouse.
with

store as (

    select
        local_date as activity_date,
        'store' as channel,
        store_conversion_rate_numerator as conversions,
        store_conversion_rate_denominator as visits
    from {{ ref('kpi_store_conversion_daily') }}

),

digital as (

    select
        session_date as activity_date,
        platform as channel,
        conversion_rate_numerator as conversions,
        conversion_rate_denominator as visits
    from {{ ref('kpi_digital_conversion_daily') }}

),

unioned as (

    select activity_date, channel, conversions, visits from store
    union all
    select activity_date, channel, conversions, visits from digital

),

monthly as (

    select
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as month_start_date,
        channel,
        sum(conversions) as conversions,
        sum(visits) as visits
    from unioned
    group by 1, 2

)

select
    month_start_date,
    channel,
    conversions,
    visits,
    case when visits > 0 then cast(conversions as double) / visits end as conversion_rate
from monthly
order by month_start_date asc nulls last, channel asc nulls last
