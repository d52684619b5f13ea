{{ config(enabled=var('python_models_enabled', true)) }}
-- Weekly demand forecast per SKU x stock location for the weeks after the last whole week of
-- data (statsforecast AutoETS per SKU x location x channel, summed over channels), beside the
-- seasonal-naive baseline. DuckDB only: the forecast is a dbt Python model.

with

predicted as (
    select sku, location_id, channel, week_start_date, forecast_units, baseline_units
    from {{ ref('int_demand_forecasts_predicted') }}
),

products as (
    select sku, abc_class from {{ ref('stg_erp__products') }}
),

summed as (

    select
        sku,
        location_id,
        week_start_date,
        sum(forecast_units) as forecast_units,
        sum(baseline_units) as baseline_units,
        sum(case when channel = 'store' then forecast_units else 0 end) as store_forecast_units,
        sum(case when channel = 'online' then forecast_units else 0 end) as online_forecast_units,
        sum(case when channel = 'marketplace' then forecast_units else 0 end) as marketplace_forecast_units
    from predicted
    group by sku, location_id, week_start_date

),

final as (

    select
        summed.*,
        products.abc_class,
        dense_rank() over (order by summed.week_start_date asc nulls last) as horizon_week
    from summed
    left join products
        on summed.sku = products.sku

)

select
    {{ dbt.concat(['location_id', "'|'", 'sku', "'|'", 'cast(week_start_date as ' ~ dbt.type_string() ~ ')']) }}
        as sku_location_week_key,
    week_start_date,
    cast(horizon_week as integer) as horizon_week,
    sku,
    location_id,
    abc_class,
    cast(forecast_units as double) as forecast_units,
    cast(store_forecast_units as double) as store_forecast_units,
    cast(online_forecast_units as double) as online_forecast_units,
    cast(marketplace_forecast_units as double) as marketplace_forecast_units,
    cast(baseline_units as double) as baseline_units
from final
