{{ config(materialized='view') }}

with

source as (

    select
        member_id,
        card_number,
        email,
        phone,
        enrolled_ts,
        tier,
        home_store_id,
        date,
        filename,
        file_row_number
    from {{ source('loyalty', 'members') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(member_id as {{ dbt.type_string() }}) as member_id,
        nullif(upper(trim(card_number)), '') as card_number,
        cast(email as {{ dbt.type_string() }}) as email,
        {{ hash_pii(normalize_email('email')) }} as email_hash,
        cast(phone as {{ dbt.type_string() }}) as phone,
        {{ hash_pii(normalize_phone('phone')) }} as phone_hash,
        cast(enrolled_ts as {{ dbt.type_string() }}) as enrolled_ts,
        {{ parse_utc_timestamp('enrolled_ts') }} as enrolled_at,
        cast(tier as {{ dbt.type_string() }}) as tier,
        cast(home_store_id as {{ dbt.type_string() }}) as home_store_id,
        cast(date as date) as extract_date,
        {{ row_payload(['member_id', 'card_number', 'email', 'phone', 'enrolled_ts', 'tier', 'home_store_id']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when member_id is null then 'missing_key'
            when enrolled_ts is not null and enrolled_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by member_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
