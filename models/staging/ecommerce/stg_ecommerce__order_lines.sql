{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_ecommerce__order_lines_quarantine_checks') }}

),

quarantine as (

    select raw_row_id from {{ ref('stg_ecommerce__order_lines_quarantine') }}

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
    order_line_id,
    order_id,
    sku,
    quantity,
    unit_price,
    discount_amount,
    extract_date
from kept
