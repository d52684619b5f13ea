{{
    config(
        materialized='incremental',
        on_schema_change='fail',
        **incremental_by_date_config('extract_date')
    )
}}

with

-- the raw rows of the days this run (re)loads: every day on a full refresh, the lookback
-- days on an incremental run (the filter reaches the raw partitions: older days are not read)
typed as (

    select * from {{ ref('stg_messaging__engagements_quarantine_verdicts') }}
    where {{ lookback_filter('extract_date') }}

),

-- duplicates ranked as in stg_messaging__engagements_quarantine_checks, among the days read: a re-sent
-- row arrives in the same day's extract (or a later one inside the lookback), so the rank
-- is the one over all raw days
ranked as (

    select
        *,
        row_number() over (
            partition by engagement_id
            order by extract_date desc nulls last, raw_row_id asc nulls last
        ) as duplicate_rank
    from typed

),

kept as (

    select * from ranked
    where
        quarantine_reason is null
        and duplicate_rank = 1

)

select
    engagement_id,
    message_id,
    engagement_type,
    engaged_at,
    url,
    extract_date
from kept
