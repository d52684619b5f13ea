{{ config(materialized='view') }}

with

source as (

    select
        tracking_event_id,
        shipment_id,
        event_type,
        event_ts,
        new_promised_date,
        units_delivered,
        date,
        filename,
        file_row_number
    from {{ source('fulfilment', 'tracking_events') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(tracking_event_id as {{ dbt.type_string() }}) as tracking_event_id,
        cast(shipment_id as {{ dbt.type_string() }}) as shipment_id,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(event_ts as {{ dbt.type_string() }}) as event_ts,
        {{ parse_utc_timestamp('event_ts') }} as event_at,
        cast(new_promised_date as date) as new_promised_date,
        cast(units_delivered as bigint) as units_delivered,
        cast(date as date) as extract_date,
        {{ row_payload(['tracking_event_id', 'shipment_id', 'event_type', 'event_ts', 'new_promised_date', 'units_delivered']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when tracking_event_id is null then 'missing_key'
            when event_ts is not null and event_at is null then 'unparseable_timestamp'
        end as quarantine_reason
    from typed

)

select * from verdicts
