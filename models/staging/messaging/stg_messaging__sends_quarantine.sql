{{ config(materialized='view') }}

with

typed as (

    select * from {{ ref('stg_messaging__sends_quarantine_verdicts') }}

)

select
    raw_row_id,
    'messaging.sends' as source_table,
    cast(message_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from typed
where quarantine_reason is not null
