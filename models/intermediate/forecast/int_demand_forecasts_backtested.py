"""Rolling-origin backtest of the weekly demand forecast (statsforecast AutoETS) against the
seasonal-naive baseline, per SKU x location x channel x cut-off x forecast week.

A dbt Python model on DuckDB (see int_demand_forecasts_predicted); disabled on Spark.
"""

import omnichannel.forecast as demand_forecast


def model(dbt, session):
    dbt.config(materialized="table")
    horizon = int(dbt.config.get("forecast_horizon_weeks") or 8)
    step = int(dbt.config.get("backtest_step_weeks") or 4)
    windows = int(dbt.config.get("backtest_windows") or 4)
    history = dbt.ref("int_demand_weeks_summed").df()
    history = history[["week_start_date", "sku", "location_id", "channel", "units_sold"]]
    # refit only when the selling series' history changed (a week closed, a late correction):
    # silent series forecast zero without a fit and are worked out again on every run
    selling, silent = demand_forecast.split_silent_series(history)
    fingerprint = demand_forecast.input_fingerprint(selling, "backtested", horizon, step, windows)
    kept = demand_forecast.kept_rows(session, str(dbt.this), fingerprint)
    if kept is None:
        result = demand_forecast.backtest_demand(history, horizon, step, windows)
    else:
        silent_rows = demand_forecast.backtest_demand(silent, horizon, step, windows)
        result = demand_forecast.with_silent_series(kept, silent_rows, list(silent_rows.columns))
    return demand_forecast.with_fingerprint(result, fingerprint)
