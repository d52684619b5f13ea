{{ config(materialized='view') }}

with

source as (

    select
        click_id,
        campaign_id,
        clicked_ts,
        landing_url,
        date,
        filename,
        file_row_number
    from {{ source('ads', 'clicks') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(click_id as {{ dbt.type_string() }}) as click_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(clicked_ts as {{ dbt.type_string() }}) as clicked_ts,
        {{ parse_utc_timestamp('clicked_ts') }} as clicked_at,
        cast(landing_url as {{ dbt.type_string() }}) as landing_url,
        cast(date as date) as extract_date,
        {{ row_payload(['click_id', 'campaign_id', 'clicked_ts', 'landing_url']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when click_id is null then 'missing_key'
            when clicked_ts is not null and clicked_at is null then 'unparseable_timestamp'
        end as quarantine_reason
    from typed

)

select * from verdicts
