{{ config(materialized='view') }}

with

source as (

    select
        refund_id,
        order_id,
        order_line_id,
        sku,
        quantity,
        amount,
        currency,
        refunded_ts,
        reason,
        date,
        filename,
        file_row_number
    from {{ source('ecommerce', 'refunds') }}

),

rates as (

    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(refund_id as {{ dbt.type_string() }}) as refund_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(order_line_id as {{ dbt.type_string() }}) as order_line_id,
        cast(sku as {{ dbt.type_string() }}) as sku,
        cast(quantity as bigint) as quantity,
        cast(amount as double) as amount,
        {{ normalize_currency('currency') }} as currency_code,
        cast(refunded_ts as {{ dbt.type_string() }}) as refunded_ts,
        {{ parse_utc_timestamp('refunded_ts') }} as refunded_at,
        cast(reason as {{ dbt.type_string() }}) as reason,
        cast(date as date) as extract_date,
        {{ row_payload(['refund_id', 'order_id', 'order_line_id', 'sku', 'quantity', 'amount', 'currency', 'refunded_ts', 'reason']) }} as raw_payload
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
            and cast(typed.refunded_at as date) = rates.rate_date

),

verdicts as (

    select
        converted.*,
        case
            when refund_id is null then 'missing_key'
            when quantity < 0 then 'negative_quantity'
            when refunded_ts is not null and refunded_at is null then 'unparseable_timestamp'
            when currency_code is not null and eur_per_unit is null then 'unknown_currency'
        end as quarantine_reason,
        row_number() over (
            partition by refund_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from converted

)

select * from verdicts
