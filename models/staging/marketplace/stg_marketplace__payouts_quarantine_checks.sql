{{ config(materialized='view') }}

with

source as (

    select
        payout_id,
        marketplace,
        payout_date,
        gross_amount,
        fees_amount,
        net_amount,
        currency,
        date,
        filename,
        file_row_number
    from {{ source('marketplace', 'payouts') }}

),

rates as (

    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(payout_id as {{ dbt.type_string() }}) as payout_id,
        cast(marketplace as {{ dbt.type_string() }}) as marketplace,
        cast(payout_date as date) as payout_date,
        cast(gross_amount as double) as gross_amount,
        cast(fees_amount as double) as fees_amount,
        cast(net_amount as double) as net_amount,
        {{ normalize_currency('currency') }} as currency_code,
        cast(date as date) as extract_date,
        {{ row_payload(['payout_id', 'marketplace', 'payout_date', 'gross_amount', 'fees_amount', 'net_amount', 'currency']) }} as raw_payload
    from source

),

converted as (

    select
        typed.*,
        rates.eur_per_unit,
        {{ to_eur('typed.gross_amount', 'rates.eur_per_unit') }} as gross_amount_eur,
        {{ to_eur('typed.fees_amount', 'rates.eur_per_unit') }} as fees_amount_eur,
        {{ to_eur('typed.net_amount', 'rates.eur_per_unit') }} as net_amount_eur
    from typed
    left join rates
        on
            typed.currency_code = rates.currency_code
            and typed.payout_date = rates.rate_date

),

verdicts as (

    select
        converted.*,
        case
            when payout_id is null then 'missing_key'
            when currency_code is not null and eur_per_unit is null then 'unknown_currency'
        end as quarantine_reason,
        row_number() over (
            partition by payout_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from converted

)

select * from verdicts
