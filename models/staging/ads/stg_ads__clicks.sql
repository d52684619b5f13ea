{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_date_config('extract_date')
    )
}}

with

checks as (

    select * from {{ ref('stg_ads__clicks_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1
        and {{ lookback_filter('extract_date') }}

)

select
    click_id,
    campaign_id,
    clicked_at,
    landing_url,
    extract_date
from kept
