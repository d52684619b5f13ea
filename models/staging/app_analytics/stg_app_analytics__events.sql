-- depends_on: {{ ref('ga4_channel_grouping_rules') }}
{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_date_config('extract_date')
    )
}}

with

checks as (

    select * from {{ ref('stg_app_analytics__events_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1
        and {{ lookback_filter('extract_date') }}

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
