{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_messaging__subscribers_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    subscriber_id,
    email_hash,
    status,
    signup_source,
    subscribed_at,
    ga_client_id,
    updated_at,
    extract_date
from kept
