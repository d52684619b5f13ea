{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_crm__leads_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    lead_id,
    contact_id,
    lead_source,
    created_at,
    status,
    updated_at,
    ga_client_id,
    extract_date
from kept
