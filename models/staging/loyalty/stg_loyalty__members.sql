{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_loyalty__members_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    member_id,
    card_number,
    email_hash,
    phone_hash,
    enrolled_at,
    tier,
    home_store_id,
    extract_date
from kept
