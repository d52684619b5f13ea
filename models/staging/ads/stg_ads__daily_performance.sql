{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_ads__daily_performance_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    performance_id,
    campaign_id,
    performance_date,
    impressions,
    clicks,
    spend,
    currency_code,
    spend_eur,
    extract_date
from kept
