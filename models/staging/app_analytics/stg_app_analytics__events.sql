-- depends_on: {{ ref('ga4_channel_grouping_rules') }}
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
-- one row per event_id: its latest extract, unless quarantined; ranked on the key columns
-- alone and joined back (sorting the wide rows costs more), as in
-- stg_app_analytics__events_quarantine_checks,
-- among the days read (a re-sent event arrives in the same day's extract or a later
-- one inside the lookback, so the rank is the one over all raw days)
kept as (

    {{ latest_unquarantined_rows(ref('stg_app_analytics__events_quarantine_verdicts'), 'event_id', lookback_filter('extract_date'), rank_on_keys=true) }}

)

select
    event_id,
    event_at,
    event_name,
    device_id,
    user_id,
    screen_name,
    utm_source,
    utm_medium,
    utm_campaign,
    item_sku,
    transaction_id,
    purchase_value,
    currency_code,
    engagement_time_msec,
    promotion_id,
    promotion_name,
    creative_name,
    creative_slot,
    os,
    app_version,
    purchase_value_eur,
    extract_date,
    lower(utm_source) as traffic_source,
    lower(utm_medium) as traffic_medium,
    {{ ga4_default_channel_group('utm_source', 'utm_medium') }} as default_channel_group
from kept
