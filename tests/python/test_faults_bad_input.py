"""Bad raw input never reaches the published warehouse: each fault is named, nothing is published.

Each test copies a tiny generated world, breaks one file the way real
extracts break, and runs `omnichannel build` (in-process, through the CLI).
The landing checks must name the broken file, the build must stop before
dbt, the published warehouse must keep its bytes, and `omnichannel status`
must record the failed attempt. Several of these faults would otherwise pass
dbt silently: DuckDB's `union_by_name` turns a dropped or renamed column into
nulls, and a day delivered twice is deduplicated away.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from fault_tools import file_digest, warehouse_env
from omnichannel.cli import app
from omnichannel.generate import generate_world
from omnichannel.publish import publish_atomically, read_status

START = dt.date(2025, 6, 1)
DAYS = 5
BROKEN_DAY = f"date={(START + dt.timedelta(days=2)).isoformat()}"


@pytest.fixture(scope="module")
def clean_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad_input_world")
    generate_world(0.01, DAYS, START, 9, root / "raw", root / "truth", show_progress=False)
    return root / "raw"


def events_file(raw: Path) -> Path:
    return raw / "web_analytics" / "events" / BROKEN_DAY / "part-0.parquet"


def corrupt(raw: Path) -> Path:
    path = events_file(raw)
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    return path


def drop_column(raw: Path) -> Path:
    path = events_file(raw)
    pq.write_table(pq.read_table(path).drop_columns(["gclid"]), path)
    return path


def rename_column(raw: Path) -> Path:
    path = events_file(raw)
    table = pq.read_table(path)
    names = ["client_id" if n == "user_pseudo_id" else n for n in table.column_names]
    pq.write_table(table.rename_columns(names), path)
    return path


def wrong_type(raw: Path) -> Path:
    path = events_file(raw)
    table = pq.read_table(path)
    index = table.column_names.index("engagement_time_msec")
    as_text = pa.compute.cast(table["engagement_time_msec"], pa.string())
    pq.write_table(table.set_column(index, "engagement_time_msec", as_text), path)
    return path


def empty_day(raw: Path) -> Path:
    path = raw / "store_footfall" / "hourly_counts" / BROKEN_DAY / "part-0.parquet"
    table = pq.read_table(path)
    pq.write_table(table.slice(0, 0), path)
    return path


def day_twice(raw: Path) -> Path:
    path = events_file(raw)
    again = path.with_name("part-1.parquet")
    shutil.copyfile(path, again)
    return again


FAULTS: dict[str, tuple[Callable[[Path], Path], str]] = {
    "corrupt parquet": (corrupt, "file is readable Parquet"),
    "dropped column": (drop_column, "columns match the contract"),
    "renamed column": (rename_column, "columns match the contract"),
    "wrong type": (wrong_type, "column types match the contract"),
    "empty day": (empty_day, "rows in every day"),
    "day delivered twice": (day_twice, "a day is delivered once"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_bad_file_is_named_and_nothing_is_published(fault, clean_world, tmp_path):
    break_it, finding = FAULTS[fault]
    raw = tmp_path / "raw"
    shutil.copytree(clean_world, raw)
    broken = break_it(raw)
    env = warehouse_env(tmp_path, raw)
    published = Path(env["OMNICHANNEL_PUBLISHED_PATH"])
    last_green = tmp_path / "last_green.duckdb"
    with duckdb.connect(str(last_green)) as connection:
        connection.execute("create table last_green as select 42 as answer")
    publish_atomically(last_green, published)
    before = file_digest(published)

    result = CliRunner().invoke(app, ["build"], env=env)

    assert result.exit_code == 1, result.output
    assert "landing checks failed" in result.output
    failing = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert any(str(broken) in line and finding in line for line in failing), result.output
    assert "dbt build" not in result.output  # stopped before dbt
    assert file_digest(published) == before
    attempt = read_status(published.parent)["last_attempt"]
    assert attempt["state"] == "failed" and attempt["stage"] == "landing checks"
    assert any(str(broken) in failure for failure in attempt["failures"])


def test_the_clean_world_passes_the_landing_checks(clean_world):
    """The same checks on the unbroken world find nothing (none of the above is a false alarm)."""
    from omnichannel.quality import check_raw

    report = check_raw(clean_world)
    assert report.ok, report.failures
