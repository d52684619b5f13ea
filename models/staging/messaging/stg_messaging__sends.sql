{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_messaging__sends_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    message_id,
    campaign_id,
    message_channel,
    recipient_hash,
    sent_at,
    extract_date
from kept
