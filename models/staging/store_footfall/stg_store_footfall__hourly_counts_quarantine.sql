{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_store_footfall__hourly_counts_quarantine_checks') }}

)

select
    raw_row_id,
    'store_footfall.hourly_counts' as source_table,
    cast(counter_reading_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from checks
where quarantine_reason is not null
