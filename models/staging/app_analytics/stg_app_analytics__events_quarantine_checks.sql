-- Every raw row with its verdict (stg_app_analytics__events_quarantine_verdicts) and its duplicate rank over all
-- raw days: the latest extract of an event_id first, then the first raw row. The staging model
-- ranks the same way, over the days it re-reads (see stg_app_analytics__events).
{{ config(materialized='view') }}

with

typed as (

    select * from {{ ref('stg_app_analytics__events_quarantine_verdicts') }}

)

select
    *,
    {{ duplicate_rank('event_id') }} as duplicate_rank
from typed
