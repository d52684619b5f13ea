{{ config(enabled=var('python_models_enabled', true)) }}
-- Rolling-origin backtest accuracy of the weekly demand forecast per cut-off x ABC class x
-- channel (metrics.md, Demand forecast): WAPE = sum |actual - forecast| / sum actual, bias =
-- sum (forecast - actual) / sum actual, for the model and the seasonal-naive baseline, and
-- forecast value added = baseline WAPE - model WAPE in points. Errors are taken per
-- SKU x location x channel x week; channel 'all' takes them per SKU x location x week
-- (channels summed first), so its rows are not the sum of the channel rows.

with

backtest as (
    select
        sku,
        location_id,
        channel,
        cutoff_week_start_date,
        week_start_date,
        actual_units,
        forecast_units,
        baseline_units
    from {{ ref('int_demand_forecasts_backtested') }}
),

products as (
    select sku, abc_class from {{ ref('stg_erp__products') }}
),

all_channels as (

    select
        sku,
        location_id,
        'all' as channel,
        cutoff_week_start_date,
        week_start_date,
        sum(actual_units) as actual_units,
        sum(forecast_units) as forecast_units,
        sum(baseline_units) as baseline_units
    from backtest
    group by sku, location_id, cutoff_week_start_date, week_start_date

),

cells as (
    select sku, location_id, channel, cutoff_week_start_date, week_start_date, actual_units, forecast_units, baseline_units
    from backtest
    union all
    select sku, location_id, channel, cutoff_week_start_date, week_start_date, actual_units, forecast_units, baseline_units
    from all_channels
),

summed as (

    select
        cells.cutoff_week_start_date,
        coalesce(products.abc_class, 'unknown') as abc_class,
        cells.channel,
        count(*) as series_week_count,
        sum(cells.actual_units) as actual_units,
        sum(cells.forecast_units) as forecast_units,
        sum(cells.baseline_units) as baseline_units,
        sum(abs(cells.actual_units - cells.forecast_units)) as model_absolute_error_units,
        sum(abs(cells.actual_units - cells.baseline_units)) as baseline_absolute_error_units,
        sum(cells.forecast_units - cells.actual_units) as model_error_units,
        sum(cells.baseline_units - cells.actual_units) as baseline_error_units
    from cells
    left join products
        on cells.sku = products.sku
    group by cells.cutoff_week_start_date, coalesce(products.abc_class, 'unknown'), cells.channel

),

rated as (

    select
        summed.*,
        {{ ratio_or_null('model_absolute_error_units', 'actual_units') }} as model_wape,
        {{ ratio_or_null('baseline_absolute_error_units', 'actual_units') }} as baseline_wape,
        {{ ratio_or_null('model_error_units', 'actual_units') }} as model_bias,
        {{ ratio_or_null('baseline_error_units', 'actual_units') }} as baseline_bias
    from summed

)

select
    cutoff_week_start_date,
    abc_class,
    channel,
    cast(series_week_count as bigint) as series_week_count,
    cast(actual_units as double) as actual_units,
    cast(forecast_units as double) as forecast_units,
    cast(baseline_units as double) as baseline_units,
    cast(model_absolute_error_units as double) as model_wape_numerator,
    cast(actual_units as double) as model_wape_denominator,
    model_wape,
    cast(baseline_absolute_error_units as double) as baseline_wape_numerator,
    cast(actual_units as double) as baseline_wape_denominator,
    baseline_wape,
    cast(model_error_units as double) as model_bias_numerator,
    cast(actual_units as double) as model_bias_denominator,
    model_bias,
    cast(baseline_error_units as double) as baseline_bias_numerator,
    cast(actual_units as double) as baseline_bias_denominator,
    baseline_bias,
    cast(100.0 * (baseline_wape - model_wape) as double) as forecast_value_added_points
from rated
