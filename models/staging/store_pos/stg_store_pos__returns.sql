{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_store_pos__returns_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    return_id,
    store_id,
    return_at,
    return_local_date,
    original_order_ref,
    sku,
    quantity,
    refund_amount,
    currency_code,
    loyalty_card_number,
    refund_amount_eur,
    extract_date
from kept
