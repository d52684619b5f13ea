{{ config(materialized='view') }}

with

source as (

    select
        marketplace_order_line_id,
        marketplace_order_id,
        sku,
        quantity,
        unit_price,
        discount_amount,
        date,
        filename,
        file_row_number
    from {{ source('marketplace', 'order_lines') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(marketplace_order_line_id as {{ dbt.type_string() }}) as marketplace_order_line_id,
        cast(marketplace_order_id as {{ dbt.type_string() }}) as marketplace_order_id,
        cast(sku as {{ dbt.type_string() }}) as sku,
        cast(quantity as bigint) as quantity,
        cast(unit_price as double) as unit_price,
        cast(discount_amount as double) as discount_amount,
        cast(date as date) as extract_date,
        {{ row_payload(['marketplace_order_line_id', 'marketplace_order_id', 'sku', 'quantity', 'unit_price', 'discount_amount']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when marketplace_order_line_id is null then 'missing_key'
            when quantity < 0 then 'negative_quantity'
        end as quarantine_reason,
        row_number() over (
            partition by marketplace_order_line_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
