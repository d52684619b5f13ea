{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_marketplace__fees_quarantine_checks') }}

)

select
    raw_row_id,
    'marketplace.fees' as source_table,
    cast(fee_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from checks
where quarantine_reason is not null
