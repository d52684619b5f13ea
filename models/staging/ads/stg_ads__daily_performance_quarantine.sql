{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_ads__daily_performance_quarantine_checks') }}

)

select
    raw_row_id,
    'ads.daily_performance' as source_table,
    cast(performance_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from checks
where quarantine_reason is not null
