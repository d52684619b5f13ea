{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_ecommerce__orders_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    order_id,
    customer_account_id,
    email_hash,
    order_source,
    created_at,
    currency_code,
    subtotal_amount,
    discount_amount,
    shipping_amount,
    status,
    cancel_reason,
    fulfilment_method,
    fulfilment_location_id,
    call_id,
    updated_at,
    subtotal_amount_eur,
    discount_amount_eur,
    shipping_amount_eur,
    extract_date
from kept
