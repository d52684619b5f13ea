"""Weekly demand forecast for the next weeks per SKU x location x channel (statsforecast).

A dbt Python model on DuckDB: dbt runs it in its own process, so the lineage stays in one
graph and no step has to run before dbt. On Spark the forecast folder is disabled
(var python_models_enabled false), and so are the marts built on it.
"""

import omnichannel.forecast as demand_forecast


def model(dbt, session):
    dbt.config(materialized="table")
    horizon = int(dbt.config.get("forecast_horizon_weeks") or 8)
    history = dbt.ref("int_demand_weeks_summed").df()
    history = history[["week_start_date", "sku", "location_id", "channel", "units_sold"]]
    # refit only when the selling series' history changed (a week closed, a late correction):
    # silent series forecast zero without a fit and are worked out again on every run
    selling, silent = demand_forecast.split_silent_series(history)
    fingerprint = demand_forecast.input_fingerprint(selling, "predicted", horizon)
    kept = demand_forecast.kept_rows(session, str(dbt.this), fingerprint)
    if kept is None:
        result = demand_forecast.forecast_demand(history, horizon)
    else:
        silent_rows = demand_forecast.forecast_demand(silent, horizon)
        result = demand_forecast.with_silent_series(kept, silent_rows, list(silent_rows.columns))
    return demand_forecast.with_fingerprint(result, fingerprint)
