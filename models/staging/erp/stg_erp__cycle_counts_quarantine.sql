{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_erp__cycle_counts_quarantine_checks') }}

)

select
    raw_row_id,
    'erp.cycle_counts' as source_table,
    cast(cycle_count_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from checks
where quarantine_reason is not null
