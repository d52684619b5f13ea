{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_date_config('extract_date')
    )
}}

with

checks as (

    select * from {{ ref('stg_erp__stock_snapshots_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1
        and {{ lookback_filter('extract_date') }}

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
