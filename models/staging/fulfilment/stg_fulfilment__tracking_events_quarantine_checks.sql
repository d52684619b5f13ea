-- Every raw row with its verdict (stg_fulfilment__tracking_events_quarantine_verdicts) and its duplicate rank over all raw
-- days: the latest extract of a tracking_event_id first, then the first raw row. The staging model ranks
-- the same way, over the days it re-reads (see stg_fulfilment__tracking_events).
{{ config(materialized='view') }}

with

typed as (

    select * from {{ ref('stg_fulfilment__tracking_events_quarantine_verdicts') }}

)

select
    *,
    {{ duplicate_rank('tracking_event_id') }} as duplicate_rank
from typed
