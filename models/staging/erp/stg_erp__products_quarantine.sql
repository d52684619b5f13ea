{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_erp__products_quarantine_checks') }}

)

select
    raw_row_id,
    'erp.products' as source_table,
    cast(sku as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    cast(null as date) as extract_date
from checks
where quarantine_reason is not null
