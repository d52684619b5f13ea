{{ config(materialized='view') }}

with

source as (

    select
        visit_id,
        device_id,
        user_id,
        store_id,
        entered_ts,
        exited_ts,
        date,
        filename,
        file_row_number
    from {{ source('app_analytics', 'geofence_visits') }}

),

stores as (

    select store_id as seed_store_id, time_zone as store_time_zone from {{ ref('stores') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(visit_id as {{ dbt.type_string() }}) as visit_id,
        cast(device_id as {{ dbt.type_string() }}) as device_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(entered_ts as {{ dbt.type_string() }}) as entered_ts,
        {{ parse_utc_timestamp('entered_ts') }} as entered_at,
        cast(exited_ts as {{ dbt.type_string() }}) as exited_ts,
        {{ parse_utc_timestamp('exited_ts') }} as exited_at,
        cast(date as date) as extract_date,
        stores.seed_store_id as known_store_id,
        {{ row_payload(['visit_id', 'device_id', 'user_id', 'store_id', 'entered_ts', 'exited_ts']) }} as raw_payload
    from source
    left join stores
        on source.store_id = stores.seed_store_id

),

verdicts as (

    select
        typed.*,
        case
            when visit_id is null then 'missing_key'
            when entered_ts is not null and entered_at is null then 'unparseable_timestamp'
            when exited_ts is not null and exited_at is null then 'unparseable_timestamp'
            when known_store_id is null then 'unknown_store'
        end as quarantine_reason,
        row_number() over (
            partition by visit_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
