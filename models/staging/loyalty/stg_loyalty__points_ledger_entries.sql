{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_loyalty__points_ledger_entries_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    ledger_entry_id,
    card_number,
    order_ref,
    order_channel,
    points,
    entry_at,
    extract_date
from kept
