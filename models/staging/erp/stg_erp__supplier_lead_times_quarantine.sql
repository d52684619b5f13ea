{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_erp__supplier_lead_times_quarantine_checks') }}

)

select
    raw_row_id,
    'erp.supplier_lead_times' as source_table,
    cast(supplier_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    cast(null as date) as extract_date
from checks
where quarantine_reason is not null
