"""The weekly demand forecast: structure and reproducibility on the fixture world, and on
the demo world (when a demo warehouse has been built) that it beats the seasonal-naive
baseline's WAPE for A-class items.

The demo-world check needs `make build` (or `omnichannel build`) first: fitting a year of
weekly history for ~2,800 series takes about a minute, too heavy for CI, so CI checks the
fixture world (45 days: five whole weeks, the backtest shrinks to one-week horizons).
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from omnichannel.forecast import (
    SERIES_KEYS,
    backtest_cutoffs,
    backtest_demand,
    forecast_demand,
    input_fingerprint,
    kept_rows,
    split_silent_series,
    with_fingerprint,
    with_silent_series,
)

HISTORY_COLUMNS = ["week_start_date", "sku", "location_id", "channel", "units_sold"]


@pytest.fixture(scope="module")
def history(warehouse) -> pd.DataFrame:
    assert warehouse.outcome.success, warehouse.outcome.failures
    with warehouse.connect() as con:
        return con.execute(
            f"select {', '.join(HISTORY_COLUMNS)} from intermediate.int_demand_weeks_summed"
        ).df()


def test_cutoffs_are_four_rolling_origins():
    weeks = list(pd.date_range("2025-01-06", periods=51, freq="W-MON"))
    cutoffs, horizon = backtest_cutoffs(weeks, horizon=8, step=4, windows=4)
    assert horizon == 8
    assert cutoffs == [weeks[30], weeks[34], weeks[38], weeks[42]]
    short, short_horizon = backtest_cutoffs(weeks[:5], horizon=8, step=4, windows=4)
    assert (short, short_horizon) == (weeks[:4], 1)


def test_backtest_is_reproducible(warehouse, history):
    first = backtest_demand(history, horizon=8, step=4, windows=4)
    second = backtest_demand(history, horizon=8, step=4, windows=4)
    pd.testing.assert_frame_equal(first, second)
    with warehouse.connect() as con:
        built = con.execute(
            f"select {', '.join(first.columns)} from intermediate.int_demand_forecasts_backtested "
            "order by sku, location_id, channel, cutoff_week_start_date, week_start_date"
        ).df()
    for frame in (first, built):
        for column in ("cutoff_week_start_date", "week_start_date"):
            frame[column] = pd.to_datetime(frame[column])
    pd.testing.assert_frame_equal(
        first.reset_index(drop=True), built, check_dtype=False, check_exact=True
    )


def test_forecast_tables_have_every_series_and_week(warehouse):
    (pairs, weeks, rows, negative) = warehouse.query(
        "select count(distinct location_id || sku), count(distinct week_start_date), count(*), "
        "sum(case when forecast_units < 0 then 1 else 0 end) from marts.fct_demand_forecasts"
    )[0]
    assert weeks == 8 and rows == pairs * weeks and negative == 0
    (series,) = warehouse.query(
        "select count(distinct location_id || sku) from intermediate.int_demand_weeks_summed"
    )[0]
    assert pairs == series > 0
    (cutoffs,) = warehouse.query(
        "select count(distinct cutoff_week_start_date) from marts.kpi_forecast_accuracy"
    )[0]
    assert cutoffs == 4


def test_accuracy_recomputes_from_the_backtest(warehouse):
    """WAPE of the 'all' rows, a second way: errors per SKU x location x week in pandas."""
    with warehouse.connect() as con:
        cells = con.execute(
            "select sku, location_id, cutoff_week_start_date, week_start_date, "
            "sum(actual_units) as actual, sum(forecast_units) as forecast "
            "from intermediate.int_demand_forecasts_backtested group by all"
        ).df()
        published = con.execute(
            "select sum(model_wape_numerator) / sum(model_wape_denominator) "
            "from marts.kpi_forecast_accuracy where channel = 'all'"
        ).fetchone()[0]
    expected = (cells["actual"] - cells["forecast"]).abs().sum() / cells["actual"].sum()
    assert published == pytest.approx(expected, rel=1e-12)


@pytest.mark.demo
def test_model_beats_seasonal_naive_for_a_class_on_the_demo_world(demo_warehouse):
    """On the demo world (a year of weekly history per SKU) the fitted model's WAPE for the
    A class is below the seasonal-naive baseline's, both recomputed from the published
    numerators and denominators."""
    with demo_warehouse.connect() as con:
        model_wape, baseline_wape = con.execute(
            "select sum(model_wape_numerator) / sum(model_wape_denominator), "
            "sum(baseline_wape_numerator) / sum(baseline_wape_denominator) "
            "from marts.kpi_forecast_accuracy where abc_class = 'A' and channel = 'all'"
        ).fetchone()
    assert model_wape < baseline_wape, (model_wape, baseline_wape)


def test_fingerprint_decides_whether_rows_are_kept():
    """Same history in another row order: same fingerprint, the stored rows are kept;
    one week's units changed (a late correction) or other parameters: refit (None)."""
    history = pd.DataFrame(
        {
            "week_start_date": pd.to_datetime(["2025-01-06", "2025-01-13", "2025-01-06"]).date,
            "sku": ["A", "A", "B"],
            "location_id": ["W1", "W1", "W1"],
            "channel": ["online", "online", "store"],
            "units_sold": [3, 4, 5],
        }
    )
    fingerprint = input_fingerprint(history, "predicted", 8)
    assert input_fingerprint(history.iloc[::-1], "predicted", 8) == fingerprint
    corrected = history.assign(units_sold=[3, 4, 6])
    assert input_fingerprint(corrected, "predicted", 8) != fingerprint
    assert input_fingerprint(history, "predicted", 9) != fingerprint
    con = duckdb.connect()
    assert kept_rows(con, "forecasts", fingerprint) is None  # no table yet
    stored = with_fingerprint(
        pd.DataFrame({"sku": ["A", "B"], "forecast_units": [1.0, 2.0]}), fingerprint
    )
    con.register("stored_frame", stored)
    con.execute("create table forecasts as select * from stored_frame")
    kept = kept_rows(con, "forecasts", fingerprint)
    assert kept is not None
    assert sorted(kept.itertuples(index=False, name=None)) == [
        ("A", 1.0, fingerprint),
        ("B", 2.0, fingerprint),
    ]
    assert kept_rows(con, "forecasts", input_fingerprint(corrected, "predicted", 8)) is None


def _weekly(series: dict[tuple[str, str, str], list[int]]) -> pd.DataFrame:
    """A dense weekly history from {(sku, location, channel): units per week}."""
    rows = []
    for (sku, location, channel), units in series.items():
        weeks = pd.date_range("2025-01-06", periods=len(units), freq="W-MON").date
        rows += [(week, sku, location, channel, u) for week, u in zip(weeks, units, strict=True)]
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


SELLING = [3, 0, 5, 2, 0, 4, 6, 1, 0, 3, 2, 5]


def test_copies_share_a_fit_and_silent_series_forecast_zero():
    """A series with the same history as another gets the same forecast as when it is
    fitted alone (the sharing changes nothing), and a history that never sold forecasts
    zero, as the fit of it alone does."""
    history = _weekly(
        {
            ("A", "W1", "online"): SELLING,
            ("B", "W1", "online"): SELLING,
            ("C", "W1", "store"): [0] * len(SELLING),
        }
    )
    together = forecast_demand(history, horizon=3).set_index(SERIES_KEYS)
    for sku in ("A", "B", "C"):
        alone = forecast_demand(history[history["sku"] == sku], horizon=3).set_index(SERIES_KEYS)
        pd.testing.assert_frame_equal(
            together.loc[[sku]], alone, check_exact=True, check_index_type=False
        )
    assert (together.loc[["C"], "forecast_units"] == 0).all()
    assert together.loc[["A"], "forecast_units"].gt(0).any()


def test_a_new_silent_series_keeps_the_fitted_rows():
    """An appended day inside an open week can only add a series that is silent in every
    whole week: the selling series' fingerprint stays, and the kept rows plus the silent
    series' rows equal a refit of the whole history (forecast and backtest)."""
    before = _weekly({("A", "W1", "online"): SELLING})
    after = pd.concat([before, _weekly({("N", "W2", "store"): [0] * len(SELLING)})])
    selling_before, _ = split_silent_series(before)
    selling_after, silent_after = split_silent_series(after)
    assert input_fingerprint(selling_before, "p", 3) == input_fingerprint(selling_after, "p", 3)
    for run in (
        lambda h: forecast_demand(h, horizon=3),
        lambda h: backtest_demand(h, horizon=3, step=2, windows=2),
    ):
        kept = run(before)
        silent_rows = run(silent_after)
        combined = with_silent_series(kept, silent_rows, list(silent_rows.columns))
        pd.testing.assert_frame_equal(combined, run(after), check_dtype=False, check_exact=True)


def test_every_series_keeps_its_own_keys():
    """The series are numbered internally and their keys looked up again at the end: each
    output row carries the keys of the series it forecasts, also for keys that contain
    the old id separator or sort differently one column at a time: every series' rows
    equal the forecast of that series alone, and the backtest's actual units follow their
    series (Z|1 sells twice what X sells at W2)."""
    history = _weekly(
        {
            ("Z|1", "W1", "online"): [2 * u for u in SELLING],
            ("X", "W2", "online"): SELLING,
            ("X", "W1", "store"): [0] * len(SELLING),
        }
    )
    together = forecast_demand(history, horizon=3)
    assert set(map(tuple, together[SERIES_KEYS].to_numpy())) == {
        ("Z|1", "W1", "online"),
        ("X", "W2", "online"),
        ("X", "W1", "store"),
    }
    for keys, rows in history.groupby(SERIES_KEYS):
        alone = forecast_demand(rows, horizon=3)
        mine = together.set_index(SERIES_KEYS).loc[[keys]].reset_index()
        pd.testing.assert_frame_equal(mine, alone, check_exact=True, check_dtype=False)
    backtest = backtest_demand(history, horizon=2, step=2, windows=2)
    actual = backtest.groupby(SERIES_KEYS)["actual_units"].sum()
    assert actual.loc[("Z|1", "W1", "online")] == 2 * actual.loc[("X", "W2", "online")] > 0
