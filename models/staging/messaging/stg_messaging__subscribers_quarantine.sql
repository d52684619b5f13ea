{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_messaging__subscribers_quarantine_checks') }}

)

select
    raw_row_id,
    'messaging.subscribers' as source_table,
    cast(subscriber_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from checks
where quarantine_reason is not null
