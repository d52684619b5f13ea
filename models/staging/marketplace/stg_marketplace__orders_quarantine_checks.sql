{{ config(materialized='view') }}

with

source as (

    select
        marketplace_order_id,
        marketplace,
        buyer_id,
        masked_email,
        delivery_phone,
        ordered_ts,
        currency,
        status,
        date,
        filename,
        file_row_number
    from {{ source('marketplace', 'orders') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(marketplace_order_id as {{ dbt.type_string() }}) as marketplace_order_id,
        cast(marketplace as {{ dbt.type_string() }}) as marketplace,
        cast(buyer_id as {{ dbt.type_string() }}) as buyer_id,
        cast(masked_email as {{ dbt.type_string() }}) as masked_email,
        {{ hash_pii(normalize_email('masked_email')) }} as masked_email_hash,
        cast(delivery_phone as {{ dbt.type_string() }}) as delivery_phone,
        {{ hash_pii(normalize_phone('delivery_phone')) }} as delivery_phone_hash,
        cast(ordered_ts as {{ dbt.type_string() }}) as ordered_ts,
        {{ parse_utc_timestamp('ordered_ts') }} as ordered_at,
        {{ normalize_currency('currency') }} as currency_code,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(date as date) as extract_date,
        {{ row_payload(['marketplace_order_id', 'marketplace', 'buyer_id', 'masked_email', 'delivery_phone', 'ordered_ts', 'currency', 'status']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when marketplace_order_id is null then 'missing_key'
            when ordered_ts is not null and ordered_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by marketplace_order_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
