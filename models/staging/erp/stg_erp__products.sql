{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_erp__products_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    sku,
    product_name,
    category_id,
    abc_class,
    list_price_eur,
    unit_cost_eur,
    supplier_id
from kept
