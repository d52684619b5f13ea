-- One row per ERP cycle count, judged against the tolerance of its SKU's ABC class
-- (abc_classes seed: A exact, B 2%, C 5% of the counted quantity): within tolerance when
-- |system - counted| <= tolerance x counted, compared in whole numbers
-- (|system - counted| x 100 <= pct x counted) so that a value exactly on the edge counts as
-- within. The numerator of inventory record accuracy (metrics.md, Inventory).

with

counts as (
    select cycle_count_id, sku, location_id, counted_at, system_units, counted_units
    from {{ ref('stg_erp__cycle_counts') }}
),

products as (
    select sku, abc_class from {{ ref('stg_erp__products') }}
),

tolerances as (
    select abc_class, count_tolerance_pct from {{ ref('abc_classes') }}
),

judged as (

    select
        counts.cycle_count_id,
        counts.sku,
        counts.location_id,
        counts.counted_at,
        cast(counts.counted_at as date) as counted_date,
        products.abc_class,
        tolerances.count_tolerance_pct,
        counts.system_units,
        counts.counted_units,
        abs(counts.system_units - counts.counted_units) as difference_units
    from counts
    left join products
        on counts.sku = products.sku
    left join tolerances
        on products.abc_class = tolerances.abc_class

)

select
    cycle_count_id,
    sku,
    location_id,
    counted_at,
    counted_date,
    abc_class,
    cast(count_tolerance_pct as integer) as count_tolerance_pct,
    cast(system_units as bigint) as system_units,
    cast(counted_units as bigint) as counted_units,
    cast(difference_units as bigint) as difference_units,
    coalesce(difference_units * 100 <= count_tolerance_pct * counted_units, false) as is_within_tolerance
from judged
