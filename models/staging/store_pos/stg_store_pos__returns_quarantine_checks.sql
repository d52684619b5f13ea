{{ config(materialized='view') }}

with

source as (

    select
        return_id,
        store_id,
        return_local_ts,
        original_order_ref,
        sku,
        quantity,
        refund_amount,
        currency,
        loyalty_card_number,
        date,
        filename,
        file_row_number
    from {{ source('store_pos', 'returns') }}

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
        cast(return_id as {{ dbt.type_string() }}) as return_id,
        cast(store_id as {{ dbt.type_string() }}) as store_id,
        cast(return_local_ts as {{ dbt.type_string() }}) as return_local_ts,
        {{ local_to_utc('return_local_ts', 'stores.store_time_zone') }} as return_at,
        cast({{ cast_or_null('return_local_ts', 'timestamp') }} as date) as return_local_date,
        cast(original_order_ref as {{ dbt.type_string() }}) as original_order_ref,
        cast(sku as {{ dbt.type_string() }}) as sku,
        cast(quantity as bigint) as quantity,
        cast(refund_amount as double) as refund_amount,
        {{ normalize_currency('currency') }} as currency_code,
        nullif(upper(trim(loyalty_card_number)), '') as loyalty_card_number,
        cast(date as date) as extract_date,
        stores.seed_store_id as known_store_id,
        {{ row_payload(['return_id', 'store_id', 'return_local_ts', 'original_order_ref', 'sku', 'quantity', 'refund_amount', 'currency', 'loyalty_card_number']) }} as raw_payload
    from source
    left join stores
        on source.store_id = stores.seed_store_id

),

converted as (

    select
        typed.*,
        rates.eur_per_unit,
        {{ to_eur('typed.refund_amount', 'rates.eur_per_unit') }} as refund_amount_eur
    from typed
    left join rates
        on
            typed.currency_code = rates.currency_code
            and cast(typed.return_local_date as date) = rates.rate_date

),

verdicts as (

    select
        converted.*,
        case
            when return_id is null then 'missing_key'
            when return_local_ts is not null and {{ cast_or_null('return_local_ts', 'timestamp') }} is null then 'unparseable_timestamp'
            when quantity < 0 then 'negative_quantity'
            when known_store_id is null then 'unknown_store'
            when currency_code is not null and eur_per_unit is null then 'unknown_currency'
        end as quarantine_reason,
        row_number() over (
            partition by return_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from converted

)

select * from verdicts
