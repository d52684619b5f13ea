{{ config(materialized='view') }}

with

source as (

    select
        transaction_id,
        store_id,
        register_id,
        transaction_local_ts,
        loyalty_card_number,
        receipt_email,
        card_fingerprint,
        currency,
        total_amount,
        discount_amount,
        payment_method,
        date,
        filename,
        file_row_number
    from {{ source('store_pos', 'transactions') }}

),

stores as (

    select store_id as seed_store_id, time_zone as store_time_zone from {{ ref('stores') }}

),

rates as (

    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(transaction_id as {{ dbt.type_string() }}) as transaction_id,
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(register_id as {{ dbt.type_string() }}) as register_id,
        cast(transaction_local_ts as {{ dbt.type_string() }}) as transaction_local_ts,
        {{ local_to_utc('transaction_local_ts', 'stores.store_time_zone') }} as transaction_at,
        cast({{ cast_or_null('transaction_local_ts', 'timestamp') }} as date) as transaction_local_date,
        nullif(upper(trim(loyalty_card_number)), '') as loyalty_card_number,
        cast(receipt_email as {{ dbt.type_string() }}) as receipt_email,
        {{ hash_pii(normalize_email('receipt_email')) }} as receipt_email_hash,
        cast(card_fingerprint as {{ dbt.type_string() }}) as card_fingerprint,
        {{ hash_pii('card_fingerprint') }} as card_fingerprint_hash,
        {{ normalize_currency('currency') }} as currency_code,
        cast(total_amount as double) as total_amount,
        cast(discount_amount as double) as discount_amount,
        cast(payment_method as {{ dbt.type_string() }}) as payment_method,
        cast(date as date) as extract_date,
        stores.seed_store_id as known_store_id,
        {{ row_payload(['transaction_id', 'store_id', 'register_id', 'transaction_local_ts', 'loyalty_card_number', 'receipt_email', 'card_fingerprint', 'currency', 'total_amount', 'discount_amount', 'payment_method']) }} as raw_payload
    from source
    left join stores
        on source.store_id = stores.seed_store_id

),

converted as (

    select
        typed.*,
        rates.eur_per_unit,
        {{ to_eur('typed.total_amount', 'rates.eur_per_unit') }} as total_amount_eur,
        {{ to_eur('typed.discount_amount', 'rates.eur_per_unit') }} as discount_amount_eur
    from typed
    left join rates
        on
            typed.currency_code = rates.currency_code
            and cast(typed.transaction_local_date as date) = rates.rate_date

),

verdicts as (

    select
        converted.*,
        case
            when transaction_id is null then 'missing_key'
            when transaction_local_ts is not null and {{ cast_or_null('transaction_local_ts', 'timestamp') }} is null then 'unparseable_timestamp'
            when known_store_id is null then 'unknown_store'
            when currency_code is not null and eur_per_unit is null then 'unknown_currency'
        end as quarantine_reason,
        row_number() over (
            partition by transaction_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from converted

)

select * from verdicts
