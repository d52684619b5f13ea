{{ config(materialized='view') }}

with

source as (

    select
        snapshot_id,
        snapshot_date,
        sku,
        location_id,
        on_hand_units,
        reserved_units,
        date,
        filename,
        file_row_number
    from {{ source('erp', 'stock_snapshots') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(snapshot_id as {{ dbt.type_string() }}) as snapshot_id,
        cast(snapshot_date as date) as snapshot_date,
        cast(sku as {{ dbt.type_string() }}) as sku,
        cast(location_id as {{ dbt.type_string() }}) as location_id,
        cast(on_hand_units as bigint) as on_hand_units,
        cast(reserved_units as bigint) as reserved_units,
        cast(date as date) as extract_date,
        {{ row_payload(['snapshot_id', 'snapshot_date', 'sku', 'location_id', 'on_hand_units', 'reserved_units']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when snapshot_id is null then 'missing_key'
        end as quarantine_reason
    from typed

)

select * from verdicts
