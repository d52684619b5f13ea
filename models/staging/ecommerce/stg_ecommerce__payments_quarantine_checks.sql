{{ config(materialized='view') }}

with

source as (

    select
        payment_id,
        order_id,
        payment_method,
        amount,
        fee_amount,
        currency,
        paid_ts,
        date,
        filename,
        file_row_number
    from {{ source('ecommerce', 'payments') }}

),

rates as (

    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(payment_id as {{ dbt.type_string() }}) as payment_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(payment_method as {{ dbt.type_string() }}) as payment_method,
        cast(amount as double) as amount,
        cast(fee_amount as double) as fee_amount,
        {{ normalize_currency('currency') }} as currency_code,
        cast(paid_ts as {{ dbt.type_string() }}) as paid_ts,
        {{ parse_utc_timestamp('paid_ts') }} as paid_at,
        cast(date as date) as extract_date,
        {{ row_payload(['payment_id', 'order_id', 'payment_method', 'amount', 'fee_amount', 'currency', 'paid_ts']) }} as raw_payload
    from source

),

converted as (

    select
        typed.*,
        rates.eur_per_unit,
        {{ to_eur('typed.amount', 'rates.eur_per_unit') }} as amount_eur,
        {{ to_eur('typed.fee_amount', 'rates.eur_per_unit') }} as fee_amount_eur
    from typed
    left join rates
        on
            typed.currency_code = rates.currency_code
            and cast(typed.paid_at as date) = rates.rate_date

),

verdicts as (

    select
        converted.*,
        case
            when payment_id is null then 'missing_key'
            when paid_ts is not null and paid_at is null then 'unparseable_timestamp'
            when currency_code is not null and eur_per_unit is null then 'unknown_currency'
        end as quarantine_reason,
        row_number() over (
            partition by payment_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from converted

)

select * from verdicts
