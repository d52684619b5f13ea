{{ config(materialized='table') }}

-- The day grain time spine MetricFlow needs, read off the calendar.
with

calendar as (

    select date_day from {{ ref('dim_date') }}

)

select date_day from calendar
