{{ config(materialized='view') }}

with

source as (

    select
        counter_reading_id,
        store_id,
        hour_local_ts,
        visitors_in,
        date,
        filename,
        file_row_number
    from {{ source('store_footfall', 'hourly_counts') }}

),

stores as (

    select store_id as seed_store_id, time_zone as store_time_zone from {{ ref('stores') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(counter_reading_id as {{ dbt.type_string() }}) as counter_reading_id,
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(hour_local_ts as {{ dbt.type_string() }}) as hour_local_ts,
        {{ local_to_utc('hour_local_ts', 'stores.store_time_zone') }} as hour_at,
        cast({{ cast_or_null('hour_local_ts', 'timestamp') }} as date) as hour_local_date,
        cast(visitors_in as bigint) as visitors_in,
        cast(date as date) as extract_date,
        stores.seed_store_id as known_store_id,
        {{ row_payload(['counter_reading_id', 'store_id', 'hour_local_ts', 'visitors_in']) }} as raw_payload
    from source
    left join stores
        on source.store_id = stores.seed_store_id

),

verdicts as (

    select
        typed.*,
        case
            when counter_reading_id is null then 'missing_key'
            when hour_local_ts is not null and {{ cast_or_null('hour_local_ts', 'timestamp') }} is null then 'unparseable_timestamp'
            when known_store_id is null then 'unknown_store'
        end as quarantine_reason,
        row_number() over (
            partition by counter_reading_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
