{{ config(materialized='view') }}

with

source as (

    select
        fee_id,
        marketplace_order_id,
        fee_type,
        amount,
        currency,
        charged_ts,
        date,
        filename,
        file_row_number
    from {{ source('marketplace', 'fees') }}

),

rates as (

    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(fee_id as {{ dbt.type_string() }}) as fee_id,
        cast(marketplace_order_id as {{ dbt.type_string() }}) as marketplace_order_id,
        cast(fee_type as {{ dbt.type_string() }}) as fee_type,
        cast(amount as double) as amount,
        {{ normalize_currency('currency') }} as currency_code,
        cast(charged_ts as {{ dbt.type_string() }}) as charged_ts,
        {{ parse_utc_timestamp('charged_ts') }} as charged_at,
        cast(date as date) as extract_date,
        {{ row_payload(['fee_id', 'marketplace_order_id', 'fee_type', 'amount', 'currency', 'charged_ts']) }} as raw_payload
    from source

),

converted as (

    select
        typed.*,
        rates.eur_per_unit,
        {{ to_eur('typed.amount', 'rates.eur_per_unit') }} as amount_eur
    from typed
    left join rates
        on
            typed.currency_code = rates.currency_code
            and cast(typed.charged_at as date) = rates.rate_date

),

verdicts as (

    select
        converted.*,
        case
            when fee_id is null then 'missing_key'
            when charged_ts is not null and charged_at is null then 'unparseable_timestamp'
            when currency_code is not null and eur_per_unit is null then 'unknown_currency'
        end as quarantine_reason,
        row_number() over (
            partition by fee_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from converted

)

select * from verdicts
