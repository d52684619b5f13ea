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
-- one row per tracking_event_id: its latest extract, unless quarantined; ranked as in
-- stg_fulfilment__tracking_events_quarantine_checks,
-- among the days read (a re-sent tracking event arrives in the same day's extract or a later
-- one inside the lookback, so the rank is the one over all raw days)
kept as (

    {{ latest_unquarantined_rows(ref('stg_fulfilment__tracking_events_quarantine_verdicts'), 'tracking_event_id', lookback_filter('extract_date')) }}

)

select
    tracking_event_id,
    shipment_id,
    event_type,
    event_at,
    new_promised_date,
    units_delivered,
    extract_date
from kept
