{{ config(materialized='view') }}

with

source as (

    select
        shipment_id,
        order_ref,
        carrier,
        fulfilment_method,
        origin_location_id,
        created_ts,
        shipped_ts,
        promised_date,
        units_ordered,
        units_shipped,
        date,
        filename,
        file_row_number
    from {{ source('fulfilment', 'shipments') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(shipment_id as {{ dbt.type_string() }}) as shipment_id,
        cast(order_ref as {{ dbt.type_string() }}) as order_ref,
        cast(carrier as {{ dbt.type_string() }}) as carrier,
        cast(fulfilment_method as {{ dbt.type_string() }}) as fulfilment_method,
        cast(origin_location_id as {{ dbt.type_string() }}) as origin_location_id,
        cast(created_ts as {{ dbt.type_string() }}) as created_ts,
        {{ parse_utc_timestamp('created_ts') }} as created_at,
        cast(shipped_ts as {{ dbt.type_string() }}) as shipped_ts,
        {{ parse_utc_timestamp('shipped_ts') }} as shipped_at,
        cast(promised_date as date) as promised_date,
        cast(units_ordered as bigint) as units_ordered,
        cast(units_shipped as bigint) as units_shipped,
        cast(date as date) as extract_date,
        {{ row_payload(['shipment_id', 'order_ref', 'carrier', 'fulfilment_method', 'origin_location_id', 'created_ts', 'shipped_ts', 'promised_date', 'units_ordered', 'units_shipped']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when shipment_id is null then 'missing_key'
            when created_ts is not null and created_at is null then 'unparseable_timestamp'
            when shipped_ts is not null and shipped_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by shipment_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
