{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_marketplace__payouts_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    payout_id,
    marketplace,
    payout_date,
    gross_amount,
    fees_amount,
    net_amount,
    currency_code,
    gross_amount_eur,
    fees_amount_eur,
    net_amount_eur,
    extract_date
from kept
