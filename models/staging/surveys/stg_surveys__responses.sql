{{ config(materialized='table') }}

with

checks as (

    select * from {{ ref('stg_surveys__responses_quarantine_checks') }}

),

kept as (

    select * from checks
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    response_id,
    survey_type,
    score,
    respondent_email_hash,
    customer_account_id,
    touchpoint_channel,
    touchpoint_ref,
    journey_stage,
    responded_at,
    extract_date
from kept
