{{ config(materialized='view') }}

with

source as (

    select
        response_id,
        survey_type,
        score,
        respondent_email,
        customer_account_id,
        touchpoint_channel,
        touchpoint_ref,
        journey_stage,
        responded_ts,
        date,
        filename,
        file_row_number
    from {{ source('surveys', 'responses') }}

),

typed as (

    select
        {{ raw_row_id() }} as raw_row_id,
        cast(response_id as {{ dbt.type_string() }}) as response_id,
        cast(survey_type as {{ dbt.type_string() }}) as survey_type,
        cast(score as bigint) as score,
        cast(respondent_email as {{ dbt.type_string() }}) as respondent_email,
        {{ hash_pii(normalize_email('respondent_email')) }} as respondent_email_hash,
        cast(customer_account_id as {{ dbt.type_string() }}) as customer_account_id,
        cast(touchpoint_channel as {{ dbt.type_string() }}) as touchpoint_channel,
        cast(touchpoint_ref as {{ dbt.type_string() }}) as touchpoint_ref,
        cast(journey_stage as {{ dbt.type_string() }}) as journey_stage,
        cast(responded_ts as {{ dbt.type_string() }}) as responded_ts,
        {{ parse_utc_timestamp('responded_ts') }} as responded_at,
        cast(date as date) as extract_date,
        {{ row_payload(['response_id', 'survey_type', 'score', 'respondent_email', 'customer_account_id', 'touchpoint_channel', 'touchpoint_ref', 'journey_stage', 'responded_ts']) }} as raw_payload
    from source

),

verdicts as (

    select
        typed.*,
        case
            when response_id is null then 'missing_key'
            when responded_ts is not null and responded_at is null then 'unparseable_timestamp'
            when (survey_type = 'csat' and (score < 1 or score > 5)) or (survey_type = 'nps' and (score < 0 or score > 10)) then 'invalid_value'
        end as quarantine_reason,
        row_number() over (
            partition by response_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

)

select * from verdicts
