{{ config(materialized='view') }}

with

source as (

    select
        phone_order_id,
        call_id,
        caller_phone,
        customer_account_id,
        agent_id,
        ordered_ts,
        date,
        filename,
        file_row_number
    from {{ source('call_centre', 'phone_orders') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(phone_order_id as {{ dbt.type_string() }}) as phone_order_id,
        cast(call_id as {{ dbt.type_string() }}) as call_id,
        cast(caller_phone as {{ dbt.type_string() }}) as caller_phone,
        {{ hash_pii(normalize_phone('caller_phone')) }} as caller_phone_hash,
        cast(customer_account_id as {{ dbt.type_string() }}) as customer_account_id,
        cast(agent_id as {{ dbt.type_string() }}) as agent_id,
        cast(ordered_ts as {{ dbt.type_string() }}) as ordered_ts,
        {{ parse_utc_timestamp('ordered_ts') }} as ordered_at,
        cast(date as date) as extract_date,
        {{ row_payload(['phone_order_id', 'call_id', 'caller_phone', 'customer_account_id', 'agent_id', 'ordered_ts']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when phone_order_id is null then 'missing_key'
            when ordered_ts is not null and ordered_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by phone_order_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
