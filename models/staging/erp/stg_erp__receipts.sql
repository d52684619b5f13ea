{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_erp__receipts_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    receipt_id,
    sku,
    location_id,
    received_at,
    quantity,
    extract_date
from kept
