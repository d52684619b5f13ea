{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_date_config('extract_date')
    )
}}

with

checks as (

    select * from {{ ref('stg_fulfilment__tracking_events_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1
        and {{ lookback_filter('extract_date') }}

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
