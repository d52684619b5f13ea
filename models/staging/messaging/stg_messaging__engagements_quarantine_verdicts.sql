{{ config(materialized='view') }}

with

source as (

    select
        engagement_id,
        message_id,
        engagement_type,
        engaged_ts,
        url,
        date,
        filename,
        file_row_number
    from {{ source('messaging', 'engagements') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(engagement_id as {{ dbt.type_string() }}) as engagement_id,
        cast(message_id as {{ dbt.type_string() }}) as message_id,
        cast(engagement_type as {{ dbt.type_string() }}) as engagement_type,
        cast(engaged_ts as {{ dbt.type_string() }}) as engaged_ts,
        {{ parse_utc_timestamp('engaged_ts') }} as engaged_at,
        cast(url as {{ dbt.type_string() }}) as url,
        cast(date as date) as extract_date,
        {{ row_payload(['engagement_id', 'message_id', 'engagement_type', 'engaged_ts', 'url']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when engagement_id is null then 'missing_key'
            when engaged_ts is not null and engaged_at is null then 'unparseable_timestamp'
        end as quarantine_reason
    from typed

)

select * from verdicts
