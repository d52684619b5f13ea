{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_erp__supplier_lead_times_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    supplier_id,
    supplier_name,
    lead_time_days
from kept
