{{ config(materialized='view') }}

with

source as (

    select
        order_line_id,
        order_id,
        sku,
        quantity,
        unit_price,
        discount_amount,
        date,
        filename,
        file_row_number
    from {{ source('ecommerce', 'order_lines') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(order_line_id as {{ dbt.type_string() }}) as order_line_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(sku as {{ dbt.type_string() }}) as sku,
        cast(quantity as bigint) as quantity,
        cast(unit_price as double) as unit_price,
        cast(discount_amount as double) as discount_amount,
        cast(date as date) as extract_date,
        {{ row_payload(['order_line_id', 'order_id', 'sku', 'quantity', 'unit_price', 'discount_amount']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when order_line_id is null then 'missing_key'
            when quantity < 0 then 'negative_quantity'
        end as quarantine_reason,
        row_number() over (
            partition by order_line_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
