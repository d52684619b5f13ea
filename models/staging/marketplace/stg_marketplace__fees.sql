{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_marketplace__fees_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    fee_id,
    marketplace_order_id,
    fee_type,
    amount,
    currency_code,
    charged_at,
    amount_eur,
    extract_date
from kept
