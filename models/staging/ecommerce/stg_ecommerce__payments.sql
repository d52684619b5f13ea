{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_ecommerce__payments_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    payment_id,
    order_id,
    payment_method,
    amount,
    fee_amount,
    currency_code,
    paid_at,
    amount_eur,
    fee_amount_eur,
    extract_date
from kept
