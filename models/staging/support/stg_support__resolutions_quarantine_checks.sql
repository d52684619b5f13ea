{{ config(materialized='view') }}

with

source as (

    select
        resolution_id,
        ticket_id,
        resolved_ts,
        contacts_count,
        date,
        filename,
        file_row_number
    from {{ source('support', 'resolutions') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(resolution_id as {{ dbt.type_string() }}) as resolution_id,
        cast(ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(resolved_ts as {{ dbt.type_string() }}) as resolved_ts,
        {{ parse_utc_timestamp('resolved_ts') }} as resolved_at,
        cast(contacts_count as bigint) as contacts_count,
        cast(date as date) as extract_date,
        {{ row_payload(['resolution_id', 'ticket_id', 'resolved_ts', 'contacts_count']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when resolution_id is null then 'missing_key'
            when resolved_ts is not null and resolved_at is null then 'unparseable_timestamp'
        end as quarantine_reason,
        row_number() over (
            partition by resolution_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
