{{ config(materialized='view') }}

with

source as (

    select
        performance_id,
        campaign_id,
        performance_date,
        impressions,
        clicks,
        spend,
        currency,
        date,
        filename,
        file_row_number
    from {{ source('ads', 'daily_performance') }}

),

rates as (

    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(performance_id as {{ dbt.type_string() }}) as performance_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(performance_date as date) as performance_date,
        cast(impressions as bigint) as impressions,
        cast(clicks as bigint) as clicks,
        cast(spend as double) as spend,
        {{ normalize_currency('currency') }} as currency_code,
        cast(date as date) as extract_date,
        {{ row_payload(['performance_id', 'campaign_id', 'performance_date', 'impressions', 'clicks', 'spend', 'currency']) }} as raw_payload
    from source

),

converted as (

    select
        typed.*,
        rates.eur_per_unit,
        {{ to_eur('typed.spend', 'rates.eur_per_unit') }} as spend_eur
    from typed
    left join rates
        on
            typed.currency_code = rates.currency_code
            and typed.performance_date = rates.rate_date

),

verdicts as (

    select
        converted.*,
        case
            when performance_id is null then 'missing_key'
            when currency_code is not null and eur_per_unit is null then 'unknown_currency'
        end as quarantine_reason,
        row_number() over (
            partition by performance_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from converted

)

select * from verdicts
