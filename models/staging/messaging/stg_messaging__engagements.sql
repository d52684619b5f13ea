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
-- one row per engagement_id: its latest extract, unless quarantined; ranked as in
-- stg_messaging__engagements_quarantine_checks,
-- among the days read (a re-sent engagement arrives in the same day's extract or a later
-- one inside the lookback, so the rank is the one over all raw days)
kept as (

    {{ latest_unquarantined_rows(ref('stg_messaging__engagements_quarantine_verdicts'), 'engagement_id', lookback_filter('extract_date')) }}

)

select
    engagement_id,
    message_id,
    engagement_type,
    engaged_at,
    url,
    extract_date
from kept
