{{ config(materialized='view') }}

with

source as (

    select
        supplier_id,
        supplier_name,
        lead_time_days,
        filename,
        file_row_number
    from {{ source('erp', 'supplier_lead_times') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(supplier_id as {{ dbt.type_string() }}) as supplier_id,
        cast(supplier_name as {{ dbt.type_string() }}) as supplier_name,
        cast(lead_time_days as bigint) as lead_time_days,
        {{ row_payload(['supplier_id', 'supplier_name', 'lead_time_days']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when supplier_id is null then 'missing_key'
        end as quarantine_reason,
        row_number() over (
            partition by supplier_id
            order by raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
