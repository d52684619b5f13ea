{{ config(materialized='view') }}

with

source as (

    select
        sku,
        product_name,
        category_id,
        abc_class,
        list_price_eur,
        unit_cost_eur,
        supplier_id,
        filename,
        file_row_number
    from {{ source('erp', 'products') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(sku as {{ dbt.type_string() }}) as sku,
        cast(product_name as {{ dbt.type_string() }}) as product_name,
        cast(category_id as {{ dbt.type_string() }}) as category_id,
        cast(abc_class as {{ dbt.type_string() }}) as abc_class,
        cast(list_price_eur as double) as list_price_eur,
        cast(unit_cost_eur as double) as unit_cost_eur,
        cast(supplier_id as {{ dbt.type_string() }}) as supplier_id,
        {{ row_payload(['sku', 'product_name', 'category_id', 'abc_class', 'list_price_eur', 'unit_cost_eur', 'supplier_id']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when sku is null then 'missing_key'
        end as quarantine_reason,
        row_number() over (
            partition by sku
            order by raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
