{{ config(materialized='view') }}

with

source as (

    select
        ticket_id,
        requester_email,
        order_ref,
        contact_channel,
        category,
        created_ts,
        date,
        filename,
        file_row_number
    from {{ source('support', 'tickets') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(requester_email as {{ dbt.type_string() }}) as requester_email,
        {{ hash_pii(normalize_email('requester_email')) }} as requester_email_hash,
        cast(order_ref as {{ dbt.type_string() }}) as order_ref,
        cast(contact_channel as {{ dbt.type_string() }}) as contact_channel,
        cast(category as {{ dbt.type_string() }}) as category,
        cast(created_ts as {{ dbt.type_string() }}) as created_ts,
        {{ parse_utc_timestamp('created_ts') }} as created_at,
        cast(date as date) as extract_date,
        {{ row_payload(['ticket_id', 'requester_email', 'order_ref', 'contact_channel', 'category', 'created_ts']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when ticket_id is null then 'missing_key'
            when created_ts is not null and created_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by ticket_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
