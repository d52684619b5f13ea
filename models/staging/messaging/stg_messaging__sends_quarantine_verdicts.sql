{{ config(materialized='view') }}

with

source as (

    select
        message_id,
        campaign_id,
        message_channel,
        recipient,
        sent_ts,
        date,
        filename,
        file_row_number
    from {{ source('messaging', 'sends') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(message_id as {{ dbt.type_string() }}) as message_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(message_channel as {{ dbt.type_string() }}) as message_channel,
        cast(recipient as {{ dbt.type_string() }}) as recipient,
        case when message_channel = 'sms' then {{ hash_pii(normalize_phone('recipient')) }} else {{ hash_pii(normalize_email('recipient')) }} end as recipient_hash,
        cast(sent_ts as {{ dbt.type_string() }}) as sent_ts,
        {{ parse_utc_timestamp('sent_ts') }} as sent_at,
        cast(date as date) as extract_date,
        {{ row_payload(['message_id', 'campaign_id', 'message_channel', 'recipient', 'sent_ts']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when message_id is null then 'missing_key'
            when sent_ts is not null and sent_at is null then 'unparseable_timestamp'
        end as quarantine_reason
    from typed

)

select * from verdicts
