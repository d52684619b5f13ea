-- Every raw row with its verdict (stg_ads__clicks_quarantine_verdicts) and its duplicate rank over all raw
-- days: the latest extract of a click_id first, then the first raw row. The staging model ranks
-- the same way, over the days it re-reads (see stg_ads__clicks).
{{ config(materialized='view') }}

with

typed as (

    select * from {{ ref('stg_ads__clicks_quarantine_verdicts') }}

)

select
    *,
    {{ duplicate_rank('click_id') }} as duplicate_rank
from typed
