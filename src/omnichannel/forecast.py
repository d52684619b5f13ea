"""Weekly demand forecast per SKU x location x channel with Nixtla's statsforecast.

Used by the dbt Python models `int_demand_forecasts_predicted` (the next weeks) and
`int_demand_forecasts_backtested` (rolling-origin backtest). The model is AutoETS
(error, trend and damping chosen per series by AICc, no seasonal term: a weekly series
of one year cannot estimate a 52-week season). The baseline is the seasonal naive: the
same week a year before when the history holds it, else the last observed week (naive).
Forecasts are floored at zero and rounded to 1e-4 units. Everything is deterministic: same input, same output.
"""

from __future__ import annotations

import hashlib
import os
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

SERIES_KEYS = ["sku", "location_id", "channel"]
HISTORY_COLUMNS = ["week_start_date", "sku", "location_id", "channel", "units_sold"]
FINGERPRINT_COLUMN = "history_fingerprint"
SEASON_WEEKS = 52
MODEL_NAME = "AutoETS"


def _to_long(history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """statsforecast's long format (unique_id, ds, y, sorted) and the series' keys.

    The unique_id is the series' number in key order (an index into the keys frame): each
    series is fitted alone, so how the ids are spelled changes no forecast, and the keys
    come back with a `take` instead of splitting a text id on every output row."""
    codes = history.groupby(SERIES_KEYS, sort=True, dropna=False).ngroup()
    keys = history[SERIES_KEYS].groupby(codes.to_numpy()).first().sort_index()
    frame = pd.DataFrame(
        {
            "unique_id": codes.to_numpy(dtype="int64"),
            "ds": pd.to_datetime(history["week_start_date"]).to_numpy(),
            "y": history["units_sold"].astype(float).to_numpy(),
        }
    )
    frame = frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    return frame, keys.reset_index(drop=True)


def _with_keys(frame: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the series' keys (sku, location_id, channel) looked up by unique_id."""
    looked_up = keys.take(frame["unique_id"].to_numpy()).reset_index(drop=True)
    return pd.concat([frame.reset_index(drop=True), looked_up], axis=1)


def _series_classes(train: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """For every series of `train`: the representative series whose fit it shares, and
    whether that history never sold.

    A forecast depends on nothing but the series' (week, units) values (each series is
    fitted on its own, deterministically), so series with the same weeks and units get the
    same forecast: one of them (the first id) is fitted and the others copy it. A history
    that never sold (all zero) forecasts zero without a fit: every ETS state of a constant
    zero series is zero (level, trend and their smoothing), and so is the naive fallback.
    """
    wide = train.pivot(index="unique_id", columns="ds", values="y")
    values = wide.to_numpy(dtype=float, na_value=np.nan)
    keyed = np.where(np.isnan(values), -np.inf, values)  # a missing week is not a zero week
    _, first, inverse = np.unique(keyed, axis=0, return_index=True, return_inverse=True)
    ids = wide.index.to_numpy()
    representative = pd.Series(ids[first][inverse.reshape(-1)], index=wide.index)
    never_sold = pd.Series(np.all((keyed == 0) | np.isneginf(keyed), axis=1), index=wide.index)
    return representative, never_sold


def _zero_forecast(train: pd.DataFrame, ids: pd.Index, horizon: int) -> pd.DataFrame:
    """`horizon` weeks of zero forecast after each series' last week."""
    last = train.groupby("unique_id")["ds"].max().reindex(ids)
    steps = np.tile(np.arange(1, horizon + 1), len(ids))
    return pd.DataFrame(
        {
            "unique_id": np.repeat(ids.to_numpy(), horizon),
            "ds": np.repeat(last.to_numpy(), horizon) + pd.to_timedelta(7 * steps, unit="D"),
            "forecast_units": 0.0,
        }
    )


def _fit_predict(train: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """AutoETS forecast of every series of `train`: fitted once per distinct history that
    sold (see `_series_classes`), copied to the series with the same history."""
    representative, never_sold = _series_classes(train)
    to_fit = representative[~never_sold].unique()
    zero_ids = representative.index[never_sold.to_numpy()]
    frames = [_zero_forecast(train, zero_ids, horizon)]
    if len(to_fit):
        fitted = _fit_predict_series(train[train["unique_id"].isin(to_fit)], horizon)
        copies = representative[~never_sold].rename("representative").rename_axis("unique_id")
        frames.append(
            copies.reset_index()
            .merge(fitted.rename(columns={"unique_id": "representative"}), on="representative")
            .drop(columns="representative")
        )
    predicted = pd.concat(frames, ignore_index=True)
    return predicted.sort_values(["unique_id", "ds"], kind="stable", ignore_index=True)


def _fit_predict_series(train: pd.DataFrame, horizon: int) -> pd.DataFrame:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, Naive

    os.environ.setdefault("NIXTLA_ID_AS_COL", "1")
    # a series too short for ETS (a week or two of history) falls back to the naive forecast
    sf = StatsForecast(
        models=[AutoETS(season_length=1)], freq="W-MON", n_jobs=1, fallback_model=Naive()
    )
    predicted = sf.forecast(df=train, h=horizon)
    if "unique_id" not in predicted.columns:
        predicted = predicted.reset_index()
    predicted = predicted.rename(columns={MODEL_NAME: "forecast_units"})
    # floored at zero and rounded to 1e-4 units: no 1e-30 remnants, same digits everywhere
    predicted["forecast_units"] = predicted["forecast_units"].clip(lower=0.0).fillna(0.0).round(4)
    return predicted[["unique_id", "ds", "forecast_units"]]


def _seasonal_naive(train: pd.DataFrame, targets: pd.DataFrame) -> pd.Series:
    """Same week a year before when the training history holds it, else the last week."""
    by_key = train.set_index(["unique_id", "ds"])["y"]
    last = train.sort_values("ds").groupby("unique_id")["y"].last()
    year_before = pd.MultiIndex.from_arrays(
        [targets["unique_id"], targets["ds"] - pd.Timedelta(weeks=SEASON_WEEKS)]
    )
    seasonal = by_key.reindex(year_before).to_numpy()
    fallback = last.reindex(targets["unique_id"]).to_numpy()
    return pd.Series(np.where(np.isnan(seasonal), fallback, seasonal), index=targets.index)


def _empty_frame(columns: list[str]) -> pd.DataFrame:
    """No rows, but typed like a full result (a world too short to forecast): an untyped
    empty column would reach DuckDB as INTEGER and break the marts' contracts."""
    dtypes: dict[str, object] = {
        "week_start_date": pd.ArrowDtype(pa.date32()),
        "cutoff_week_start_date": pd.ArrowDtype(pa.date32()),
        "horizon_week": "int64",
    }
    return pd.DataFrame(
        {
            name: pd.Series(dtype=dtypes.get(name, "string" if name in SERIES_KEYS else "float64"))
            for name in columns
        }
    )


def forecast_demand(history: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Forecast `horizon` weeks after the last week of `history` for every series.

    `history`: week_start_date, sku, location_id, channel, units_sold (dense weekly).
    Returns sku, location_id, channel, week_start_date, forecast_units, baseline_units.
    """
    train, keys = _to_long(history)
    if train.empty:
        return _empty_frame([*SERIES_KEYS, "week_start_date", "forecast_units", "baseline_units"])
    predicted = _fit_predict(train, horizon)
    predicted["baseline_units"] = _seasonal_naive(train, predicted)
    out = _with_keys(predicted, keys).rename(columns={"ds": "week_start_date"})
    out["week_start_date"] = out["week_start_date"].dt.date
    return out[[*SERIES_KEYS, "week_start_date", "forecast_units", "baseline_units"]].sort_values(
        [*SERIES_KEYS, "week_start_date"], kind="stable", ignore_index=True
    )


def backtest_cutoffs(
    weeks: list[pd.Timestamp], horizon: int, step: int, windows: int
) -> tuple[list[pd.Timestamp], int]:
    """Rolling origins: `windows` cut-offs `step` weeks apart, the last `horizon` weeks
    before the end of the history. A short history shrinks the horizon and step (at
    least one week of training and one of evaluation per cut-off)."""
    n = len(weeks)
    if n < 2:
        return [], horizon
    horizon = max(1, min(horizon, n - windows)) if n > windows else 1
    step = max(1, min(step, (n - horizon - 1) // max(windows - 1, 1)))
    cutoffs = [n - 1 - horizon - step * k for k in range(windows)]
    return sorted({weeks[c] for c in cutoffs if c >= 0}), horizon


def backtest_demand(history: pd.DataFrame, horizon: int, step: int, windows: int) -> pd.DataFrame:
    """Rolling-origin backtest: for each cut-off, fit on the weeks up to it and forecast the
    next `horizon` weeks, beside the actual and the seasonal-naive baseline.

    Returns sku, location_id, channel, cutoff_week_start_date, week_start_date,
    horizon_week, actual_units, forecast_units, baseline_units.
    """
    data, keys = _to_long(history)
    columns = [
        *SERIES_KEYS,
        "cutoff_week_start_date",
        "week_start_date",
        "horizon_week",
        "actual_units",
        "forecast_units",
        "baseline_units",
    ]
    weeks = sorted(data["ds"].unique())
    cutoffs, horizon = backtest_cutoffs(weeks, horizon, step, windows)
    if not cutoffs:
        return _empty_frame(columns)
    frames = []
    for cutoff in cutoffs:
        train = data[data["ds"] <= cutoff]
        predicted = _fit_predict(train, horizon)
        predicted["baseline_units"] = _seasonal_naive(train, predicted)
        predicted = predicted.merge(data, on=["unique_id", "ds"], how="inner")
        predicted["cutoff_week_start_date"] = pd.Timestamp(cutoff).date()
        predicted["horizon_week"] = ((predicted["ds"] - cutoff).dt.days // 7).astype("int64")
        frames.append(predicted)
    out = _with_keys(pd.concat(frames, ignore_index=True), keys)
    out = out.rename(columns={"ds": "week_start_date", "y": "actual_units"})
    out["week_start_date"] = out["week_start_date"].dt.date
    return out[columns].sort_values(
        [*SERIES_KEYS, "cutoff_week_start_date", "week_start_date"],
        kind="stable",
        ignore_index=True,
    )


def split_silent_series(history: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`history` split into the series that sold in at least one of its weeks and the
    silent ones (zero in every week: a series whose only sales fall in the open week at the
    end of the data, or in the partial week at its start).

    A silent series forecasts zero without a fit (see `_series_classes`), so the forecast
    of the selling series depends on the selling series only: their fingerprint decides
    whether a model refits. A day appended inside an open week adds no week and changes no
    whole week; at most it makes a new series appear, silent until its week closes.
    """
    keys = [history[key] for key in SERIES_KEYS]
    sold = history["units_sold"].gt(0).groupby(keys).transform("any")
    return history[sold.to_numpy()], history[~sold.to_numpy()]


def with_silent_series(
    kept: pd.DataFrame, silent_rows: pd.DataFrame, columns: list[str]
) -> pd.DataFrame:
    """The stored rows of the selling series (`kept`, from an unchanged fingerprint) with
    the silent series' rows worked out again: the same rows as a refit of the whole history."""
    silent_keys = silent_rows[SERIES_KEYS].drop_duplicates()
    marked = kept.merge(silent_keys.assign(_silent=True), on=SERIES_KEYS, how="left")
    kept = kept[marked["_silent"].isna().to_numpy()].copy()
    for column in ("week_start_date", "cutoff_week_start_date"):
        if column in kept.columns and pd.api.types.is_datetime64_any_dtype(kept[column]):
            kept[column] = kept[column].dt.date
    sort_keys = [
        c for c in [*SERIES_KEYS, "cutoff_week_start_date", "week_start_date"] if c in columns
    ]
    return pd.concat([kept[columns], silent_rows[columns]], ignore_index=True).sort_values(
        sort_keys, kind="stable", ignore_index=True
    )


def input_fingerprint(history: pd.DataFrame, *parameters: object) -> str:
    """A digest of everything a forecast depends on: the history's rows (in a canonical
    order), the parameters, this module's code and the statsforecast version.

    Equal fingerprints mean equal outputs (the fit is deterministic), so a model may keep
    the rows it computed before instead of refitting (see `kept_rows`).
    """
    ordered = history[HISTORY_COLUMNS].sort_values(HISTORY_COLUMNS, kind="stable")
    digest = hashlib.sha256()
    digest.update(pd.util.hash_pandas_object(ordered, index=False).to_numpy().tobytes())
    digest.update(repr(parameters).encode())
    digest.update(Path(__file__).read_bytes())
    digest.update(version("statsforecast").encode())
    return digest.hexdigest()


def kept_rows(session: Any, relation: str, fingerprint: str) -> pd.DataFrame | None:
    """The rows already in `relation` when they were computed from the same fingerprint
    (a data frame), else None: no table yet, another history (a week closed, a late
    correction), other parameters or other code."""
    try:
        fingerprints = session.sql(
            f"select distinct {FINGERPRINT_COLUMN} from {relation}"
        ).fetchall()
    except Exception:  # no table yet, or one without the column
        return None
    if fingerprints != [(fingerprint,)]:
        return None
    return session.sql(f"select * from {relation}").df()


def with_fingerprint(result: pd.DataFrame, fingerprint: str) -> pd.DataFrame:
    """`result` with the fingerprint of its input as a text column (typed even when empty)."""
    column = pd.Series([fingerprint] * len(result), index=result.index, dtype="string")
    return result.assign(**{FINGERPRINT_COLUMN: column})
