{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_store_pos__transactions_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    transaction_id,
    store_id,
    register_id,
    transaction_at,
    transaction_local_date,
    loyalty_card_number,
    receipt_email_hash,
    card_fingerprint_hash,
    currency_code,
    total_amount,
    discount_amount,
    payment_method,
    total_amount_eur,
    discount_amount_eur,
    extract_date
from kept
