{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_crm__contacts_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    contact_id,
    email_hash,
    phone_hash,
    customer_account_id,
    created_at,
    updated_at,
    extract_date
from kept
