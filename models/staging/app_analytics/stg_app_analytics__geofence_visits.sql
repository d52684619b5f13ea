{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_app_analytics__geofence_visits_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    visit_id,
    device_id,
    user_id,
    store_id,
    entered_at,
    exited_at,
    extract_date
from kept
