{{ config(materialized='view') }}

with

source as (

    select
        contact_id,
        email,
        phone,
        first_name,
        last_name,
        customer_account_id,
        created_ts,
        updated_ts,
        date,
        filename,
        file_row_number
    from {{ source('crm', 'contacts') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(email as {{ dbt.type_string() }}) as email,
        {{ hash_pii(normalize_email('email')) }} as email_hash,
        cast(phone as {{ dbt.type_string() }}) as phone,
        {{ hash_pii(normalize_phone('phone')) }} as phone_hash,
        cast(first_name as {{ dbt.type_string() }}) as first_name,
        cast(last_name as {{ dbt.type_string() }}) as last_name,
        cast(customer_account_id as {{ dbt.type_string() }}) as customer_account_id,
        cast(created_ts as {{ dbt.type_string() }}) as created_ts,
        {{ parse_utc_timestamp('created_ts') }} as created_at,
        cast(updated_ts as {{ dbt.type_string() }}) as updated_ts,
        {{ parse_utc_timestamp('updated_ts') }} as updated_at,
        cast(date as date) as extract_date,
        {{ row_payload(['contact_id', 'email', 'phone', 'first_name', 'last_name', 'customer_account_id', 'created_ts', 'updated_ts']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when contact_id is null then 'missing_key'
            when created_ts is not null and created_at is null then 'unparseable_timestamp'
            when updated_ts is not null and updated_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by contact_id
            order by updated_at desc nulls last, extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
