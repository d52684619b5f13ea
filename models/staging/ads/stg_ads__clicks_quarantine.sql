{{ config(materialized='view') }}

with

typed as (

    select * from {{ ref('stg_ads__clicks_quarantine_verdicts') }}

)

select
    raw_row_id,
    'ads.clicks' as source_table,
    cast(click_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from typed
where quarantine_reason is not null
