{{ config(materialized='view') }}

with

source as (

    select
        receipt_id,
        sku,
        location_id,
        received_ts,
        quantity,
        date,
        filename,
        file_row_number
    from {{ source('erp', 'receipts') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(receipt_id as {{ dbt.type_string() }}) as receipt_id,
        cast(sku as {{ dbt.type_string() }}) as sku,
        cast(location_id as {{ dbt.type_string() }}) as location_id,
        cast(received_ts as {{ dbt.type_string() }}) as received_ts,
        {{ parse_utc_timestamp('received_ts') }} as received_at,
        cast(quantity as bigint) as quantity,
        cast(date as date) as extract_date,
        {{ row_payload(['receipt_id', 'sku', 'location_id', 'received_ts', 'quantity']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when receipt_id is null then 'missing_key'
            when received_ts is not null and received_at is null then 'unparseable_timestamp'
            when quantity < 0 then 'negative_quantity'
        end as quarantine_reason,
        row_number() over (
            partition by receipt_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
