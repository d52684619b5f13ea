{{ config(materialized='table') }}

with

days as (

    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ var('calendar_start') ~ "' as date)",
        end_date="cast('" ~ var('calendar_end') ~ "' as date)",
    ) }}

),

calendar as (

    select
        cast(date_day as date) as date_day,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as iso_week_start_date,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_date,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start_date,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start_date,
        cast(extract(year from date_day) as integer) as calendar_year,
        cast(extract(month from date_day) as integer) as calendar_month,
        cast(extract(day from date_day) as integer) as day_of_month
    from days

),

final as (

    select
        date_day,
        iso_week_start_date,
        month_start_date,
        quarter_start_date,
        year_start_date,
        calendar_year,
        calendar_month,
        day_of_month,
        cast({{ dbt.datediff('iso_week_start_date', 'date_day', 'day') }} + 1 as integer) as iso_day_of_week,
        {{ dbt.datediff('iso_week_start_date', 'date_day', 'day') }} >= 5 as is_weekend
    from calendar

)

select
    date_day,
    iso_week_start_date,
    month_start_date,
    quarter_start_date,
    year_start_date,
    calendar_year,
    calendar_month,
    day_of_month,
    iso_day_of_week,
    is_weekend
from final
