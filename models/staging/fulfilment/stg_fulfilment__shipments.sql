{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_fulfilment__shipments_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    shipment_id,
    order_ref,
    carrier,
    fulfilment_method,
    origin_location_id,
    created_at,
    shipped_at,
    promised_date,
    units_ordered,
    units_shipped,
    extract_date
from kept
