{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_erp__cycle_counts_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    cycle_count_id,
    sku,
    location_id,
    counted_at,
    system_units,
    counted_units,
    extract_date
from kept
