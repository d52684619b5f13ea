-- Every raw row with its verdict (stg_messaging__engagements_quarantine_verdicts) and its duplicate rank over all raw
-- days: the latest extract of a engagement_id first, then the first raw row. The staging model ranks
-- the same way, over the days it re-reads (see stg_messaging__engagements).
{{ config(materialized='view') }}

with

typed as (

    select * from {{ ref('stg_messaging__engagements_quarantine_verdicts') }}

)

select
    *,
    {{ duplicate_rank('engagement_id') }} as duplicate_rank
from typed
