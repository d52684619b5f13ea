{{ config(materialized='view') }}

with

source as (

    select
        event_id,
        event_ts,
        event_name,
        device_id,
        user_id,
        screen_name,
        utm_source,
        utm_medium,
        utm_campaign,
        item_sku,
        transaction_id,
        purchase_value,
        currency,
        engagement_time_msec,
        promotion_id,
        promotion_name,
        creative_name,
        creative_slot,
        os,
        app_version,
        date,
        filename,
        file_row_number
    from {{ source('app_analytics', 'events') }}

),

rates as (

    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(event_ts as {{ dbt.type_string() }}) as event_ts,
        {{ parse_utc_timestamp('event_ts') }} as event_at,
        cast(event_name as {{ dbt.type_string() }}) as event_name,
        cast(device_id as {{ dbt.type_string() }}) as device_id,
        cast(user_id as {{ dbt.type_string() }}) as user_id,
        cast(screen_name as {{ dbt.type_string() }}) as screen_name,
        cast(utm_source as {{ dbt.type_string() }}) as utm_source,
        cast(utm_medium as {{ dbt.type_string() }}) as utm_medium,
        cast(utm_campaign as {{ dbt.type_string() }}) as utm_campaign,
        cast(item_sku as {{ dbt.type_string() }}) as item_sku,
        cast(transaction_id as {{ dbt.type_string() }}) as transaction_id,
        cast(purchase_value as double) as purchase_value,
        {{ normalize_currency('currency') }} as currency_code,
        cast(engagement_time_msec as bigint) as engagement_time_msec,
        cast(promotion_id as {{ dbt.type_string() }}) as promotion_id,
        cast(promotion_name as {{ dbt.type_string() }}) as promotion_name,
        cast(creative_name as {{ dbt.type_string() }}) as creative_name,
        cast(creative_slot as {{ dbt.type_string() }}) as creative_slot,
        cast(os as {{ dbt.type_string() }}) as os,
        cast(app_version as {{ dbt.type_string() }}) as app_version,
        cast(date as date) as extract_date,
        {{ row_payload(['event_id', 'event_ts', 'event_name', 'device_id', 'user_id', 'screen_name', 'utm_source', 'utm_medium', 'utm_campaign', 'item_sku', 'transaction_id', 'purchase_value', 'currency', 'engagement_time_msec', 'promotion_id', 'promotion_name', 'creative_name', 'creative_slot', 'os', 'app_version']) }} as raw_payload
    from source

),

converted as (

    select
        typed.*,
        rates.eur_per_unit,
        {{ to_eur('typed.purchase_value', 'rates.eur_per_unit') }} as purchase_value_eur
    from typed
    left join rates
        on
            typed.currency_code = rates.currency_code
            and cast(typed.event_at as date) = rates.rate_date

),

verdicts as (

    select
        converted.*,
        case
            when event_id is null then 'missing_key'
            when event_ts is not null and event_at is null then 'unparseable_timestamp'
            when currency_code is not null and eur_per_unit is null then 'unknown_currency'
        end as quarantine_reason
    from converted

)

select * from verdicts
