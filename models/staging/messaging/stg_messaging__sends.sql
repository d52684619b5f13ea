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
-- one row per message_id: its latest extract, unless quarantined; ranked as in
-- stg_messaging__sends_quarantine_checks,
-- among the days read (a re-sent message arrives in the same day's extract or a later
-- one inside the lookback, so the rank is the one over all raw days)
kept as (

    {{ latest_unquarantined_rows(ref('stg_messaging__sends_quarantine_verdicts'), 'message_id', lookback_filter('extract_date')) }}

)

select
    message_id,
    campaign_id,
    message_channel,
    recipient_hash,
    sent_at,
    extract_date
from kept
