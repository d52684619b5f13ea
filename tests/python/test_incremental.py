"""Incremental event models equal a full refresh, late-arriving days within the lookback included.

The same small world is built twice: once in full, once in two steps where
the first build sees only the first days (and misses one late day inside the
lookback window) and the second, incremental build sees everything. Sessions
are checked too: the incremental sessionization (a session may span midnight
and the window's edge) and the table of history-dependent columns on top.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import pytest

from omnichannel.dbt_runner import run_dbt
from omnichannel.generate import generate_world

INCREMENTAL_MODELS = [
    "staging.stg_web_analytics__events",
    "staging.stg_app_analytics__events",
    "staging.stg_messaging__engagements",
    "staging.stg_fulfilment__tracking_events",
    "intermediate.int_sessions_sessionized",
    "intermediate.int_sessions_rebuilt",
]
# staging, and the sessions with what they need (the identity graph gives their customer)
SELECTION = ["staging", "+int_sessions_rebuilt"]
START = dt.date(2025, 4, 1)
DAYS = 16
FIRST_BUILD_LAST_DAY = START + dt.timedelta(days=11)
LATE_DAY = START + dt.timedelta(days=10)  # inside the 3-day lookback of the first build's last day


def build(raw: Path, database: Path, target: Path, full_refresh: bool) -> None:
    args = ["run", "--select", *SELECTION, "--target", "test", "--target-path", str(target)]
    if full_refresh:
        args.append("--full-refresh")
    outcome = run_dbt(
        ["seed", "--target", "test", "--target-path", str(target)],
        env={"OMNICHANNEL_DUCKDB_PATH": str(database), "OMNICHANNEL_RAW_ROOT": str(raw)},
    )
    assert outcome.success, outcome.failures
    outcome = run_dbt(
        args, env={"OMNICHANNEL_DUCKDB_PATH": str(database), "OMNICHANNEL_RAW_ROOT": str(raw)}
    )
    assert outcome.success, outcome.failures


def hide_days(raw: Path, keep_until: dt.date, also_hide: dt.date, parking: Path) -> None:
    for folder in sorted(raw.glob("*/*/date=*")):
        day = dt.date.fromisoformat(folder.name.split("=", 1)[1])
        if day > keep_until or day == also_hide:
            destination = parking / folder.relative_to(raw)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(folder), str(destination))


def restore_days(raw: Path, parking: Path) -> None:
    for folder in sorted(parking.glob("*/*/date=*")):
        shutil.move(str(folder), str(raw / folder.relative_to(parking)))


def table_rows(database: Path, relation: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(f"select * from {relation} order by all").fetchall()


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("incremental")
    raw = root / "raw"
    generate_world(0.03, DAYS, START, 21, raw, root / "truth", show_progress=False)
    full = root / "full.duckdb"
    build(raw, full, root / "target_full", full_refresh=True)
    stepwise = root / "stepwise.duckdb"
    parking = root / "not_yet_arrived"
    hide_days(raw, FIRST_BUILD_LAST_DAY, LATE_DAY, parking)
    build(raw, stepwise, root / "target_step", full_refresh=True)
    restore_days(raw, parking)
    build(raw, stepwise, root / "target_step", full_refresh=False)
    return full, stepwise


@pytest.mark.parametrize("model", INCREMENTAL_MODELS)
def test_incremental_build_equals_full_refresh(two_builds, model):
    full, stepwise = two_builds
    full_rows = table_rows(full, model)
    assert full_rows, model
    assert table_rows(stepwise, model) == full_rows
