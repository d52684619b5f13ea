-- Weekly units sold per SKU x stock location x channel group (store sales, online orders,
-- marketplace orders), the history the demand forecast learns from. Weeks start on Monday
-- (ISO); only whole weeks inside the data's date range are kept, and every series (a
-- SKU-location-channel that ever sold) has a row for every week, zero when nothing sold.
-- A SQL model: enabled even when var python_models_enabled turns the folder's Python models
-- off (Spark), so that it is built and compared on Spark too.

{{ config(enabled=true) }}

with

sales as (
    select sale_date, sku, location_id, store_units_sold, online_units_sold, marketplace_units_sold
    from {{ ref('int_inventory_sales_located') }}
),

by_channel as (

    select sale_date, sku, location_id, 'store' as channel, store_units_sold as units_sold
    from sales
    where store_units_sold > 0

    union all

    select sale_date, sku, location_id, 'online' as channel, online_units_sold as units_sold
    from sales
    where online_units_sold > 0

    union all

    select sale_date, sku, location_id, 'marketplace' as channel, marketplace_units_sold as units_sold
    from sales
    where marketplace_units_sold > 0

),

date_range as (
    select min(sale_date) as first_date, max(sale_date) as last_date from sales
),

weeks as (

    select distinct cast({{ dbt.date_trunc('week', 'sales.sale_date') }} as date) as week_start_date
    from sales
    cross join date_range
    where
        cast({{ dbt.date_trunc('week', 'sales.sale_date') }} as date) >= date_range.first_date
        and {{ dbt.dateadd('day', 6, 'cast(' ~ dbt.date_trunc('week', 'sales.sale_date') ~ ' as date)') }}
        <= date_range.last_date

),

series as (
    select distinct sku, location_id, channel from by_channel
),

weekly as (

    select
        cast({{ dbt.date_trunc('week', 'sale_date') }} as date) as week_start_date,
        sku,
        location_id,
        channel,
        sum(units_sold) as units_sold
    from by_channel
    group by cast({{ dbt.date_trunc('week', 'sale_date') }} as date), sku, location_id, channel

)

select
    {{ dbt.concat(['series.location_id', "'|'", 'series.sku', "'|'", 'series.channel', "'|'", 'cast(weeks.week_start_date as ' ~ dbt.type_string() ~ ')']) }}
        as series_week_key,
    weeks.week_start_date,
    series.sku,
    series.location_id,
    series.channel,
    cast(coalesce(weekly.units_sold, 0) as bigint) as units_sold
from series
cross join weeks
left join weekly
    on
        series.sku = weekly.sku
        and series.location_id = weekly.location_id
        and series.channel = weekly.channel
        and weeks.week_start_date = weekly.week_start_date
