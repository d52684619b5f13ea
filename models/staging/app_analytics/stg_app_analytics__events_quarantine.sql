{{ config(materialized='view') }}

with

typed as (

    select * from {{ ref('stg_app_analytics__events_quarantine_verdicts') }}

)

select
    raw_row_id,
    'app_analytics.events' as source_table,
    cast(event_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from typed
where quarantine_reason is not null
