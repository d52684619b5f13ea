{{ config(materialized='view') }}

with

checks as (

    select * from {{ ref('stg_store_pos__transaction_lines_quarantine_checks') }}

),

products as (

    select sku from {{ ref('stg_erp__products_quarantine_checks') }}
    where quarantine_reason is null

),

judged as (

    select
        checks.raw_row_id,
        checks.transaction_line_id,
        checks.raw_payload,
        checks.extract_date,
        coalesce(
            checks.quarantine_reason,
            case when products.sku is null then 'unknown_sku' end
        ) as quarantine_reason
    from checks
    left join products
        on checks.sku = products.sku

)

select
    raw_row_id,
    'store_pos.transaction_lines' as source_table,
    cast(transaction_line_id as {{ dbt.type_string() }}) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date
from judged
where quarantine_reason is not null
