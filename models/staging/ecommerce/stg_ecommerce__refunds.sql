{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_ecommerce__refunds_quarantine_checks') }}

),

quarantine as (

    select raw_row_id from {{ ref('stg_ecommerce__refunds_quarantine') }}

),

kept as (

    select checks.*
    from checks
    left join quarantine
        on checks.raw_row_id = quarantine.raw_row_id
    where
        quarantine.raw_row_id is null
        and checks.duplicate_rank = 1

)

select
    refund_id,
    order_id,
    order_line_id,
    sku,
    quantity,
    amount,
    currency_code,
    refunded_at,
    reason,
    amount_eur,
    extract_date
from kept
