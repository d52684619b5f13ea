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
-- stg_web_analytics__events_quarantine_checks,
-- among the days read (a re-sent event arrives in the same day's extract or a later
-- one inside the lookback, so the rank is the one over all raw days)
kept as (

    {{ latest_unquarantined_rows(ref('stg_web_analytics__events_quarantine_verdicts'), 'event_id', lookback_filter('extract_date'), rank_on_keys=true) }}

),

classified as (

    select
        *,
        {{ is_bot_user_agent('user_agent') }} as is_bot,
        coalesce(nullif(lower(utm_source), ''), {{ referrer_source('page_referrer') }}) as traffic_source,
        coalesce(nullif(lower(utm_medium), ''), {{ referrer_medium('page_referrer') }}) as traffic_medium
    from kept

)

select
    event_id,
    event_at,
    event_name,
    user_pseudo_id,
    user_id,
    ga_session_id,
    page_location,
    page_referrer,
    utm_source,
    utm_medium,
    utm_campaign,
    gclid,
    item_sku,
    transaction_id,
    purchase_value,
    currency_code,
    engagement_time_msec,
    promotion_id,
    promotion_name,
    creative_name,
    creative_slot,
    device_category,
    user_agent,
    purchase_value_eur,
    extract_date,
    is_bot,
    traffic_source,
    traffic_medium,
    {{ ga4_default_channel_group('traffic_source', 'traffic_medium') }} as default_channel_group
from classified
