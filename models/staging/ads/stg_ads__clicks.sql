{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_date_config('extract_date')
    )
}}

with

-- the raw rows of the days this run (re)loads (every day on a full refresh, the lookback
-- days on an incremental run: the filter reaches the raw partitions, older days are not read):
-- one row per click_id: its latest extract, unless quarantined; ranked as in
-- stg_ads__clicks_quarantine_checks,
-- among the days read (a re-sent click arrives in the same day's extract or a later
-- one inside the lookback, so the rank is the one over all raw days)
kept as (

    {{ latest_unquarantined_rows(ref('stg_ads__clicks_quarantine_verdicts'), 'click_id', lookback_filter('extract_date')) }}

)

select
    click_id,
    campaign_id,
    clicked_at,
    landing_url,
    extract_date
from kept
