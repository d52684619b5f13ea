{{ config(materialized='view') }}

with

source as (

    select
        order_id,
        customer_account_id,
        email,
        order_source,
        created_ts,
        currency,
        subtotal_amount,
        discount_amount,
        shipping_amount,
        status,
        cancel_reason,
        fulfilment_method,
        fulfilment_location_id,
        call_id,
        updated_ts,
        date,
        filename,
        file_row_number
    from {{ source('ecommerce', 'orders') }}

),

rates as (

    select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(order_id as {{ dbt.type_string() }}) as order_id,
        cast(customer_account_id as {{ dbt.type_string() }}) as customer_account_id,
        cast(email as {{ dbt.type_string() }}) as email,
        {{ hash_pii(normalize_email('email')) }} as email_hash,
        cast(order_source as {{ dbt.type_string() }}) as order_source,
        cast(created_ts as {{ dbt.type_string() }}) as created_ts,
        {{ parse_utc_timestamp('created_ts') }} as created_at,
        {{ normalize_currency('currency') }} as currency_code,
        cast(subtotal_amount as double) as subtotal_amount,
        cast(discount_amount as double) as discount_amount,
        cast(shipping_amount as double) as shipping_amount,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(cancel_reason as {{ dbt.type_string() }}) as cancel_reason,
        cast(fulfilment_method as {{ dbt.type_string() }}) as fulfilment_method,
        cast(fulfilment_location_id as {{ dbt.type_string() }}) as fulfilment_location_id,
        cast(call_id as {{ dbt.type_string() }}) as call_id,
        cast(updated_ts as {{ dbt.type_string() }}) as updated_ts,
        {{ parse_utc_timestamp('updated_ts') }} as updated_at,
        cast(date as date) as extract_date,
        {{ row_payload(['order_id', 'customer_account_id', 'email', 'order_source', 'created_ts', 'currency', 'subtotal_amount', 'discount_amount', 'shipping_amount', 'status', 'cancel_reason', 'fulfilment_method', 'fulfilment_location_id', 'call_id', 'updated_ts']) }} as raw_payload
    from source

),

converted as (

    select
        typed.*,
        rates.eur_per_unit,
        {{ to_eur('typed.subtotal_amount', 'rates.eur_per_unit') }} as subtotal_amount_eur,
        {{ to_eur('typed.discount_amount', 'rates.eur_per_unit') }} as discount_amount_eur,
        {{ to_eur('typed.shipping_amount', 'rates.eur_per_unit') }} as shipping_amount_eur
    from typed
    left join rates
        on
            typed.currency_code = rates.currency_code
            and cast(typed.created_at as date) = rates.rate_date

),

verdicts as (

    select
        converted.*,
        case
            when order_id is null then 'missing_key'
            when created_ts is not null and created_at is null then 'unparseable_timestamp'
            when updated_ts is not null and updated_at is null then 'unparseable_timestamp'
            when currency_code is not null and eur_per_unit is null then 'unknown_currency'
        end as quarantine_reason,
        row_number() over (
            partition by order_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from converted

)

select * from verdicts
