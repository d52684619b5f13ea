-- Inventory KPIs per month x stock location x ABC class (metrics.md, Inventory):
-- stockout rate = SKU-location-days with zero available units / active SKU-location-days
-- (a day with a stock snapshot); sell-through = units sold / (units on hand at the start of
-- the month + units received in it); inventory record accuracy = cycle counts within the ABC
-- tolerance / cycle counts. Oversell is published by finance in kpi_fulfilment_mix_daily.

with

stock_days as (
    select
        snapshot_date,
        sku,
        location_id,
        abc_class,
        opening_on_hand_units,
        is_stocked_out,
        on_hand_units,
        units_sold,
        units_received,
        is_below_reorder_point
    from {{ ref('fct_inventory_daily') }}
),

counts as (
    select counted_date, location_id, abc_class, is_within_tolerance
    from {{ ref('fct_cycle_counts') }}
),

-- the first snapshot day of each SKU-location in each month: its opening stock is the month's
-- (an aggregate joined back: a window partitioned by SKU-location-month sorted every row)
month_first_days as (

    select
        sku,
        location_id,
        cast({{ dbt.date_trunc('month', 'snapshot_date') }} as date) as month_start_date,
        min(snapshot_date) as first_snapshot_date
    from stock_days
    group by sku, location_id, cast({{ dbt.date_trunc('month', 'snapshot_date') }} as date)

),

stock_months as (

    select
        cast({{ dbt.date_trunc('month', 'stock_days.snapshot_date') }} as date) as month_start_date,
        stock_days.snapshot_date,
        stock_days.location_id,
        coalesce(stock_days.abc_class, 'unknown') as abc_class,
        stock_days.is_stocked_out,
        stock_days.on_hand_units,
        stock_days.units_sold,
        stock_days.units_received,
        stock_days.is_below_reorder_point,
        case
            when month_first_days.first_snapshot_date is not null then stock_days.opening_on_hand_units
            else 0
        end as month_opening_on_hand_units
    from stock_days
    left join month_first_days
        on
            stock_days.sku = month_first_days.sku
            and stock_days.location_id = month_first_days.location_id
            and stock_days.snapshot_date = month_first_days.first_snapshot_date

),

parts as (

    select
        month_start_date,
        location_id,
        abc_class,
        1 as sku_location_day_count,
        case when is_stocked_out then 1 else 0 end as stocked_out_day_count,
        case when on_hand_units = 0 then 1 else 0 end as zero_on_hand_day_count,
        case when is_below_reorder_point then 1 else 0 end as below_reorder_point_day_count,
        units_sold,
        units_received,
        month_opening_on_hand_units,
        0 as cycle_count_count,
        0 as accurate_cycle_count_count
    from stock_months

    union all

    select
        cast({{ dbt.date_trunc('month', 'counted_date') }} as date) as month_start_date,
        location_id,
        coalesce(abc_class, 'unknown') as abc_class,
        0 as sku_location_day_count,
        0 as stocked_out_day_count,
        0 as zero_on_hand_day_count,
        0 as below_reorder_point_day_count,
        0 as units_sold,
        0 as units_received,
        0 as month_opening_on_hand_units,
        1 as cycle_count_count,
        case when is_within_tolerance then 1 else 0 end as accurate_cycle_count_count
    from counts

),

summed as (

    select
        month_start_date,
        location_id,
        abc_class,
        sum(sku_location_day_count) as sku_location_day_count,
        sum(stocked_out_day_count) as stocked_out_day_count,
        sum(zero_on_hand_day_count) as zero_on_hand_day_count,
        sum(below_reorder_point_day_count) as below_reorder_point_day_count,
        sum(units_sold) as units_sold,
        sum(units_received) as units_received,
        sum(month_opening_on_hand_units) as opening_on_hand_units,
        sum(cycle_count_count) as cycle_count_count,
        sum(accurate_cycle_count_count) as accurate_cycle_count_count
    from parts
    group by month_start_date, location_id, abc_class

)

select
    month_start_date,
    location_id,
    abc_class,
    cast(stocked_out_day_count as bigint) as stockout_rate_numerator,
    cast(sku_location_day_count as bigint) as stockout_rate_denominator,
    {{ ratio_or_null('stocked_out_day_count', 'sku_location_day_count') }} as stockout_rate,
    cast(zero_on_hand_day_count as bigint) as zero_on_hand_day_count,
    cast(below_reorder_point_day_count as bigint) as below_reorder_point_day_count,
    cast(units_sold as bigint) as sell_through_rate_numerator,
    cast(opening_on_hand_units + units_received as bigint) as sell_through_rate_denominator,
    {{ ratio_or_null('units_sold', 'opening_on_hand_units + units_received') }} as sell_through_rate,
    cast(opening_on_hand_units as bigint) as opening_on_hand_units,
    cast(units_received as bigint) as units_received,
    cast(accurate_cycle_count_count as bigint) as inventory_record_accuracy_numerator,
    cast(cycle_count_count as bigint) as inventory_record_accuracy_denominator,
    {{ ratio_or_null('accurate_cycle_count_count', 'cycle_count_count') }} as inventory_record_accuracy
from summed
