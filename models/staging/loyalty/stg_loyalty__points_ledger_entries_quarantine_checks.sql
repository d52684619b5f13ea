{{ config(materialized='view') }}

with

source as (

    select
        ledger_entry_id,
        card_number,
        order_ref,
        order_channel,
        points,
        entry_ts,
        date,
        filename,
        file_row_number
    from {{ source('loyalty', 'points_ledger') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(ledger_entry_id as {{ dbt.type_string() }}) as ledger_entry_id,
        nullif(upper(trim(card_number)), '') as card_number,
        cast(order_ref as {{ dbt.type_string() }}) as order_ref,
        cast(order_channel as {{ dbt.type_string() }}) as order_channel,
        cast(points as bigint) as points,
        cast(entry_ts as {{ dbt.type_string() }}) as entry_ts,
        {{ parse_utc_timestamp('entry_ts') }} as entry_at,
        cast(date as date) as extract_date,
        {{ row_payload(['ledger_entry_id', 'card_number', 'order_ref', 'order_channel', 'points', 'entry_ts']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when ledger_entry_id is null then 'missing_key'
            when entry_ts is not null and entry_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by ledger_entry_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
