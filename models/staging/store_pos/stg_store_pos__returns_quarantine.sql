{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_store_pos__returns_quarantine_checks') }}

)

select
    raw_row_id,
    'store_pos.returns' as source_table,
    cast(return_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from checks
where quarantine_reason is not null
