-- Every raw row with its verdict (stg_erp__stock_snapshots_quarantine_verdicts) and its duplicate rank over all raw
-- days: the latest extract of a snapshot_id first, then the first raw row. The staging model ranks
-- the same way, over the days it re-reads (see stg_erp__stock_snapshots).
{{ config(materialized='view') }}

with

typed as (

    select * from {{ ref('stg_erp__stock_snapshots_quarantine_verdicts') }}

)

select
    *,
    {{ duplicate_rank('snapshot_id') }} as duplicate_rank
from typed
