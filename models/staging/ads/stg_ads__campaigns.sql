{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_ads__campaigns_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    campaign_id,
    campaign_name,
    platform,
    campaign_type,
    target_channel,
    start_date,
    end_date
from kept
