{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_ecommerce__customers_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    customer_account_id,
    email_hash,
    phone_hash,
    created_at,
    updated_at,
    accepts_email_marketing,
    accepts_sms_marketing,
    extract_date
from kept
