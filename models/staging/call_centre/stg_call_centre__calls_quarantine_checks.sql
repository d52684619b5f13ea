{{ config(materialized='view') }}

with

source as (

    select
        call_id,
        caller_phone,
        customer_account_id,
        started_ts,
        duration_seconds,
        reason,
        date,
        filename,
        file_row_number
    from {{ source('call_centre', 'calls') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(call_id as {{ dbt.type_string() }}) as call_id,
        cast(caller_phone as {{ dbt.type_string() }}) as caller_phone,
        {{ hash_pii(normalize_phone('caller_phone')) }} as caller_phone_hash,
        cast(customer_account_id as {{ dbt.type_string() }}) as customer_account_id,
        cast(started_ts as {{ dbt.type_string() }}) as started_ts,
        {{ parse_utc_timestamp('started_ts') }} as started_at,
        cast(duration_seconds as bigint) as duration_seconds,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(date as date) as extract_date,
        {{ row_payload(['call_id', 'caller_phone', 'customer_account_id', 'started_ts', 'duration_seconds', 'reason']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when call_id is null then 'missing_key'
            when started_ts is not null and started_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by call_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
