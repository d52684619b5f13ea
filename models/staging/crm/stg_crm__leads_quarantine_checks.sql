{{ config(materialized='view') }}

with

source as (

    select
        lead_id,
        contact_id,
        lead_source,
        created_ts,
        status,
        updated_ts,
        ga_client_id,
        date,
        filename,
        file_row_number
    from {{ source('crm', 'leads') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(lead_id as {{ dbt.type_string() }}) as lead_id,
        cast(contact_id as {{ dbt.type_string() }}) as contact_id,
        cast(lead_source as {{ dbt.type_string() }}) as lead_source,
        cast(created_ts as {{ dbt.type_string() }}) as created_ts,
        {{ parse_utc_timestamp('created_ts') }} as created_at,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(updated_ts as {{ dbt.type_string() }}) as updated_ts,
        {{ parse_utc_timestamp('updated_ts') }} as updated_at,
        {{ normalize_ga_client_id('cast(ga_client_id as ' ~ dbt.type_string() ~ ')') }} as ga_client_id,
        cast(date as date) as extract_date,
        {{ row_payload(['lead_id', 'contact_id', 'lead_source', 'created_ts', 'status', 'updated_ts', 'ga_client_id']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when lead_id is null then 'missing_key'
            when created_ts is not null and created_at is null then 'unparseable_timestamp'
            when updated_ts is not null and updated_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by lead_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
