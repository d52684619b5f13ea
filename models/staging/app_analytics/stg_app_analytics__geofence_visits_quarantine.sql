{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_app_analytics__geofence_visits_quarantine_checks') }}

)

select
    raw_row_id,
    'app_analytics.geofence_visits' as source_table,
    cast(visit_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from checks
where quarantine_reason is not null
