{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_support__resolutions_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    resolution_id,
    ticket_id,
    resolved_at,
    contacts_count,
    extract_date
from kept
