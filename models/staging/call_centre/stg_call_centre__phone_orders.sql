{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_call_centre__phone_orders_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    phone_order_id,
    call_id,
    caller_phone_hash,
    customer_account_id,
    agent_id,
    ordered_at,
    extract_date
from kept
