{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_marketplace__orders_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    marketplace_order_id,
    marketplace,
    buyer_id,
    masked_email_hash,
    delivery_phone_hash,
    ordered_at,
    currency_code,
    status,
    extract_date
from kept
