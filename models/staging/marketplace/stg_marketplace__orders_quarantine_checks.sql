{{ config(materialized='view') }}

with

source as (

    select
        marketplace_order_id,
        marketplace,
        buyer_id,
        masked_email,
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
        cast(marketplace_order_id as varchar) as marketplace_order_id,
        cast(marketplace as varchar) as marketplace,
        cast(buyer_id as varchar) as buyer_id,
        cast(masked_email as varchar) as masked_email,
        {{ hash_pii(normalize_email('masked_email')) }} as masked_email_hash,
        cast(ordered_ts as varchar) as ordered_ts,
        {{ parse_utc_timestamp('ordered_ts') }} as ordered_at,
        {{ normalize_currency('currency') }} as currency_code,
        cast(status as varchar) as status,
        cast(date as date) as extract_date,
        {{ row_payload(['marketplace_order_id', 'marketplace', 'buyer_id', 'masked_email', 'ordered_ts', 'currency', 'status']) }} as raw_payload
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
            order by extract_date desc nulls last, raw_row_id asc
        ) as duplicate_rank
    from typed

)

select * from verdicts
