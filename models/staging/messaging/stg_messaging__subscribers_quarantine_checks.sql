{{ config(materialized='view') }}

with

source as (

    select
        subscriber_id,
        email,
        status,
        signup_source,
        subscribed_ts,
        ga_client_id,
        updated_ts,
        date,
        filename,
        file_row_number
    from {{ source('messaging', 'subscribers') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(subscriber_id as {{ dbt.type_string() }}) as subscriber_id,
        cast(email as {{ dbt.type_string() }}) as email,
        {{ hash_pii(normalize_email('email')) }} as email_hash,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(signup_source as {{ dbt.type_string() }}) as signup_source,
        cast(subscribed_ts as {{ dbt.type_string() }}) as subscribed_ts,
        {{ parse_utc_timestamp('subscribed_ts') }} as subscribed_at,
        {{ normalize_ga_client_id('cast(ga_client_id as ' ~ dbt.type_string() ~ ')') }} as ga_client_id,
        cast(updated_ts as {{ dbt.type_string() }}) as updated_ts,
        {{ parse_utc_timestamp('updated_ts') }} as updated_at,
        cast(date as date) as extract_date,
        {{ row_payload(['subscriber_id', 'email', 'status', 'signup_source', 'subscribed_ts', 'ga_client_id', 'updated_ts']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when subscriber_id is null then 'missing_key'
            when subscribed_ts is not null and subscribed_at is null then 'unparseable_timestamp'
            when updated_ts is not null and updated_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by subscriber_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
