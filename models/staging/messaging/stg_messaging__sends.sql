{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_date_config('extract_date')
    )
}}

with

checks as (

    select * from {{ ref('stg_messaging__sends_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1
        and {{ lookback_filter('extract_date') }}

)

select
    message_id,
    campaign_id,
    message_channel,
    recipient_hash,
    sent_at,
    extract_date
from kept
