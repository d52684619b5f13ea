{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_call_centre__calls_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    call_id,
    caller_phone_hash,
    customer_account_id,
    started_at,
    duration_seconds,
    reason,
    extract_date
from kept
