{{ config(enabled=var('python_models_enabled', true)) }}
-- Reorder point and days of supply per SKU x stock location, on the trailing 28-day mean and
-- on the demand forecast side by side, at each backtest cut-off and for the live forecast.
-- Both use d x L + z x sigma_d x sqrt(L) with the same trailing sigma_d; only d differs:
-- the trailing mean daily units sold, or the forecast's mean daily units over the weeks that
-- cover the lead time. At a backtest cut-off the stockouts each policy would have avoided
-- are counted, simply: a policy below its reorder point reorders at the cut-off, the units
-- arrive after the lead time, and the stockout days from then to the end of the evaluated
-- weeks count as avoided by it (those within the lead time cannot be).

with

inventory as (
    select
        snapshot_date,
        sku,
        location_id,
        abc_class,
        supplier_lead_time_days,
        available_units,
        is_stocked_out,
        avg_daily_units_sold,
        stddev_daily_units_sold
    from {{ ref('fct_inventory_daily') }}
),

backtested as (
    select sku, location_id, cutoff_week_start_date, week_start_date, forecast_units
    from {{ ref('int_demand_forecasts_backtested') }}
),

predicted as (
    select sku, location_id, week_start_date, forecast_units
    from {{ ref('int_demand_forecasts_predicted') }}
),

live_origin as (
    select {{ dbt.dateadd('day', -7, 'min(week_start_date)') }} as origin_week_start_date from predicted
),

forecast_weeks as (

    select
        'backtest' as plan_kind,
        cutoff_week_start_date as origin_week_start_date,
        sku,
        location_id,
        week_start_date,
        forecast_units
    from backtested

    union all

    select
        'live' as plan_kind,
        live_origin.origin_week_start_date,
        predicted.sku,
        predicted.location_id,
        predicted.week_start_date,
        predicted.forecast_units
    from predicted
    cross join live_origin

),

weekly as (

    select
        plan_kind,
        origin_week_start_date,
        sku,
        location_id,
        week_start_date,
        cast({{ dbt.datediff('origin_week_start_date', 'week_start_date', 'day') }} / 7 as integer) as horizon_week,
        sum(forecast_units) as forecast_units
    from forecast_weeks
    group by plan_kind, origin_week_start_date, sku, location_id, week_start_date

),

origins as (

    select
        plan_kind,
        origin_week_start_date,
        {{ dbt.dateadd('day', 6, 'origin_week_start_date') }} as as_of_date,
        case
            when plan_kind = 'backtest' then {{ dbt.dateadd('day', 6, 'max(week_start_date)') }}
        end as evaluation_end_date
    from weekly
    group by plan_kind, origin_week_start_date

),

positions as (

    select
        origins.plan_kind,
        origins.origin_week_start_date,
        cast(origins.as_of_date as date) as as_of_date,
        cast(origins.evaluation_end_date as date) as evaluation_end_date,
        inventory.sku,
        inventory.location_id,
        inventory.abc_class,
        inventory.supplier_lead_time_days,
        cast(ceil(cast(inventory.supplier_lead_time_days as double) / 7) as integer) as lead_time_weeks,
        inventory.available_units,
        inventory.avg_daily_units_sold,
        inventory.stddev_daily_units_sold
    from origins
    inner join inventory
        on cast(origins.as_of_date as date) = inventory.snapshot_date

),

forecast_demand as (

    select
        positions.plan_kind,
        positions.origin_week_start_date,
        positions.sku,
        positions.location_id,
        sum(weekly.forecast_units) / (7.0 * max(positions.lead_time_weeks)) as forecast_avg_daily_units
    from positions
    inner join weekly
        on
            positions.plan_kind = weekly.plan_kind
            and positions.origin_week_start_date = weekly.origin_week_start_date
            and positions.sku = weekly.sku
            and positions.location_id = weekly.location_id
            and positions.lead_time_weeks >= weekly.horizon_week
    group by positions.plan_kind, positions.origin_week_start_date, positions.sku, positions.location_id

),

stockouts as (

    select
        positions.plan_kind,
        positions.origin_week_start_date,
        positions.sku,
        positions.location_id,
        sum(case when inventory.is_stocked_out then 1 else 0 end) as stockout_day_count,
        sum(
            case
                when
                    inventory.is_stocked_out
                    and inventory.snapshot_date
                    > {{ dbt.dateadd('day', 'positions.supplier_lead_time_days', 'positions.as_of_date') }}
                    then 1
                else 0
            end
        ) as stockout_days_after_lead_time
    from positions
    inner join inventory
        on
            positions.sku = inventory.sku
            and positions.location_id = inventory.location_id
            and positions.as_of_date < inventory.snapshot_date
            and positions.evaluation_end_date >= inventory.snapshot_date
    group by positions.plan_kind, positions.origin_week_start_date, positions.sku, positions.location_id

),

planned as (

    select
        positions.*,
        coalesce(forecast_demand.forecast_avg_daily_units, 0) as forecast_avg_daily_units,
        {{ reorder_point('positions.avg_daily_units_sold', 'positions.stddev_daily_units_sold', 'positions.supplier_lead_time_days') }}
            as trailing_reorder_point_units,
        {{ reorder_point('coalesce(forecast_demand.forecast_avg_daily_units, 0)', 'positions.stddev_daily_units_sold', 'positions.supplier_lead_time_days') }}
            as forecast_reorder_point_units,
        stockouts.stockout_day_count,
        stockouts.stockout_days_after_lead_time
    from positions
    left join forecast_demand
        on
            positions.plan_kind = forecast_demand.plan_kind
            and positions.origin_week_start_date = forecast_demand.origin_week_start_date
            and positions.sku = forecast_demand.sku
            and positions.location_id = forecast_demand.location_id
    left join stockouts
        on
            positions.plan_kind = stockouts.plan_kind
            and positions.origin_week_start_date = stockouts.origin_week_start_date
            and positions.sku = stockouts.sku
            and positions.location_id = stockouts.location_id

),

final as (

    select
        planned.*,
        coalesce(available_units < trailing_reorder_point_units, false) as is_below_trailing_reorder_point,
        coalesce(available_units < forecast_reorder_point_units, false) as is_below_forecast_reorder_point
    from planned

)

select
    {{ dbt.concat(['plan_kind', "'|'", 'cast(origin_week_start_date as ' ~ dbt.type_string() ~ ')', "'|'", 'location_id', "'|'", 'sku']) }}
        as policy_position_key,
    plan_kind,
    cast(origin_week_start_date as date) as origin_week_start_date,
    as_of_date,
    evaluation_end_date,
    sku,
    location_id,
    abc_class,
    cast(supplier_lead_time_days as integer) as supplier_lead_time_days,
    cast(available_units as bigint) as available_units,
    cast(avg_daily_units_sold as double) as trailing_avg_daily_units,
    cast(stddev_daily_units_sold as double) as trailing_stddev_daily_units,
    cast(forecast_avg_daily_units as double) as forecast_avg_daily_units,
    cast(trailing_reorder_point_units as double) as trailing_reorder_point_units,
    cast(forecast_reorder_point_units as double) as forecast_reorder_point_units,
    is_below_trailing_reorder_point,
    is_below_forecast_reorder_point,
    cast(available_units as bigint) as trailing_days_of_supply_numerator,
    cast(avg_daily_units_sold as double) as trailing_days_of_supply_denominator,
    {{ ratio_or_null('available_units', 'avg_daily_units_sold') }} as trailing_days_of_supply,
    cast(available_units as bigint) as forecast_days_of_supply_numerator,
    cast(forecast_avg_daily_units as double) as forecast_days_of_supply_denominator,
    {{ ratio_or_null('available_units', 'forecast_avg_daily_units') }} as forecast_days_of_supply,
    cast(stockout_day_count as bigint) as stockout_day_count,
    cast(stockout_days_after_lead_time as bigint) as stockout_days_after_lead_time,
    cast(case
        when plan_kind = 'live' then null
        when is_below_trailing_reorder_point then stockout_days_after_lead_time
        else 0
    end as bigint)
        as stockout_days_avoided_by_trailing,
    cast(case
        when plan_kind = 'live' then null
        when is_below_forecast_reorder_point then stockout_days_after_lead_time
        else 0
    end as bigint)
        as stockout_days_avoided_by_forecast
from final
