{{ config(materialized='view') }}

with

source as (

    select
        cycle_count_id,
        sku,
        location_id,
        counted_ts,
        system_units,
        counted_units,
        date,
        filename,
        file_row_number
    from {{ source('erp', 'cycle_counts') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(cycle_count_id as {{ dbt.type_string() }}) as cycle_count_id,
        cast(sku as {{ dbt.type_string() }}) as sku,
        cast(location_id as {{ dbt.type_string() }}) as location_id,
        cast(counted_ts as {{ dbt.type_string() }}) as counted_ts,
        {{ parse_utc_timestamp('counted_ts') }} as counted_at,
        cast(system_units as bigint) as system_units,
        cast(counted_units as bigint) as counted_units,
        cast(date as date) as extract_date,
        {{ row_payload(['cycle_count_id', 'sku', 'location_id', 'counted_ts', 'system_units', 'counted_units']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when cycle_count_id is null then 'missing_key'
            when counted_ts is not null and counted_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by cycle_count_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
