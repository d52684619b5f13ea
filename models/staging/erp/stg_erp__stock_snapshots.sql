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
-- one row per snapshot_id: its latest extract, unless quarantined; ranked as in
-- stg_erp__stock_snapshots_quarantine_checks,
-- among the days read (a re-sent snapshot arrives in the same day's extract or a later
-- one inside the lookback, so the rank is the one over all raw days)
kept as (

    {{ latest_unquarantined_rows(ref('stg_erp__stock_snapshots_quarantine_verdicts'), 'snapshot_id', lookback_filter('extract_date')) }}

)

select
    snapshot_id,
    snapshot_date,
    sku,
    location_id,
    on_hand_units,
    reserved_units,
    extract_date
from kept
