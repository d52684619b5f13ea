{{ config(materialized='view') }}

with

source as (

    select
        campaign_id,
        campaign_name,
        platform,
        campaign_type,
        target_channel,
        start_date,
        end_date,
        filename,
        file_row_number
    from {{ source('ads', 'campaigns') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(campaign_name as {{ dbt.type_string() }}) as campaign_name,
        cast(platform as {{ dbt.type_string() }}) as platform,
        cast(campaign_type as {{ dbt.type_string() }}) as campaign_type,
        cast(target_channel as {{ dbt.type_string() }}) as target_channel,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        {{ row_payload(['campaign_id', 'campaign_name', 'platform', 'campaign_type', 'target_channel', 'start_date', 'end_date']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when campaign_id is null then 'missing_key'
        end as quarantine_reason,
        row_number() over (
            partition by campaign_id
            order by raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
