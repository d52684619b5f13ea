{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_support__tickets_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    ticket_id,
    requester_email_hash,
    order_ref,
    contact_channel,
    category,
    created_at,
    extract_date
from kept
