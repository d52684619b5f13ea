-- Every raw row with its verdict (stg_messaging__sends_quarantine_verdicts) and its duplicate rank over all raw
-- days: the latest extract of a message_id first, then the first raw row. The staging model ranks
-- the same way, over the days it re-reads (see stg_messaging__sends).
{{ config(materialized='view') }}

with

typed as (

    select * from {{ ref('stg_messaging__sends_quarantine_verdicts') }}

)

select
    *,
    {{ duplicate_rank('message_id') }} as duplicate_rank
from typed
