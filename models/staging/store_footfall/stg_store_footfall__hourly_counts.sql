{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_store_footfall__hourly_counts_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    counter_reading_id,
    store_id,
    hour_at,
    hour_local_date,
    visitors_in,
    extract_date
from kept
