"""Write-audit-publish under faults: a killed build, readers during a publish, red audits.

Real `omnichannel build` processes on a tiny world, restricted to the web
events staging models and the calendar mart (`SUBSET`) to stay cheap. Each
test causes its fault and then looks at the published file: same bytes,
still queryable, and `omnichannel status` tells what happened.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fault_tools import (
    OMNICHANNEL,
    PROJECT_ROOT,
    environment,
    file_digest,
    move_days,
    subprocess_env,
    warehouse_env,
)
from omnichannel.generate import generate_world
from omnichannel.publish import connect_published

SUBSET = "+stg_web_analytics__events +stg_web_analytics__events_quarantine dim_date"
START = dt.date(2025, 5, 1)
DAYS = 7
HELD_BACK = START + dt.timedelta(days=DAYS - 1)  # arrives between two builds


@dataclass
class Site:
    root: Path
    raw: Path
    parking: Path
    env: dict[str, str]

    @property
    def published(self) -> Path:
        return Path(self.env["OMNICHANNEL_PUBLISHED_PATH"])

    def build(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [OMNICHANNEL, "build", "--select", SUBSET, "--publish", *args],
            cwd=PROJECT_ROOT,
            env=subprocess_env(self.env),
            capture_output=True,
            text=True,
            timeout=600,
        )

    def status(self) -> str:
        completed = subprocess.run(
            [OMNICHANNEL, "status"],
            cwd=PROJECT_ROOT,
            env=subprocess_env(self.env),
            capture_output=True,
            text=True,
            timeout=60,
        )
        return completed.stdout + completed.stderr

    def published_state(self) -> tuple[str, int]:
        with connect_published(self.published) as connection:
            build_id = connection.execute("select build_id from audit.build_info").fetchone()[0]
            events = connection.execute(
                "select count(*) from staging.stg_web_analytics__events"
            ).fetchone()[0]
        return build_id, events


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("publish_faults")
    raw, parking = root / "raw", root / "not_yet_arrived"
    generate_world(0.01, DAYS, START, 5, raw, root / "truth", show_progress=False)
    move_days(raw, parking, {HELD_BACK})
    site = Site(root, raw, parking, warehouse_env(root, raw))
    first = site.build()
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    return site


def test_green_build_is_published_and_status_says_from_which_raw_data(site: Site):
    build_id, events = site.published_state()
    assert events > 0
    status = site.status()
    assert build_id in status
    assert str(site.raw) in status
    assert f"days {START.isoformat()} to {(HELD_BACK - dt.timedelta(days=1)).isoformat()}" in status
    assert "no newer build has failed" in status


def test_killed_build_leaves_the_published_file_and_the_next_build_needs_no_clean_up(site: Site):
    before_digest, before_state = file_digest(site.published), site.published_state()
    process = subprocess.Popen(
        [OMNICHANNEL, "build", "--select", SUBSET, "--publish", "--full-refresh"],
        cwd=PROJECT_ROOT,
        env=subprocess_env(site.env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    assert process.stdout is not None
    for line in process.stdout:  # wait until dbt has written a model and has more to do
        seen.append(line)
        if " OK created " in line:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    output = "".join(seen)
    assert process.returncode == -signal.SIGKILL, output[-3000:]
    assert "Completed successfully" not in output and "\npublished " not in output

    assert file_digest(site.published) == before_digest
    assert site.published_state() == before_state  # still opens, still answers
    assert "was interrupted" in site.status()

    again = site.build()  # no manual clean-up in between
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    build_id, events = site.published_state()
    assert build_id != before_state[0] and events == before_state[1]
    assert not list(site.published.parent.glob(".*.tmp"))


READER = r"""
import json, sys, time, duckdb
published, log, stop = sys.argv[1], sys.argv[2], sys.argv[3]
seen, errors, queries = [], [], 0
import os
while not os.path.exists(stop):
    try:
        with duckdb.connect(published, read_only=True) as connection:
            state = connection.execute(
                "select (select build_id from audit.build_info),"
                " (select count(*) from staging.stg_web_analytics__events),"
                " (select max(extract_date) from staging.stg_web_analytics__events)"
            ).fetchone()
        state = [state[0], state[1], str(state[2])]
        if not seen or seen[-1] != state:
            seen.append(state)
    except Exception as error:  # every failed query is a finding
        errors.append(repr(error))
    queries += 1
with open(log, "w") as handle:
    json.dump({"seen": seen, "errors": errors[:20], "queries": queries}, handle)
"""


def test_readers_during_a_publish_see_the_old_or_the_new_build_never_a_mix(site: Site):
    old = site.published_state()
    move_days(site.parking, site.raw, {HELD_BACK})  # a new day: the next build differs
    log, stop = site.root / "reader.json", site.root / "reader.stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(site.published), str(log), str(stop)]
    )
    try:
        time.sleep(1.0)
        built = site.build()
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
        time.sleep(1.0)
    finally:
        stop.touch()
        reader.wait(timeout=60)
    new = site.published_state()
    observed = json.loads(log.read_text())
    assert observed["errors"] == []
    assert observed["queries"] > 20
    expected = [
        [old[0], old[1], str(HELD_BACK - dt.timedelta(days=1))],
        [new[0], new[1], str(HELD_BACK)],
    ]
    assert new[1] > old[1]
    assert observed["seen"] == expected  # the old build, then the new one, nothing else


def test_red_dbt_test_leaves_the_published_file_untouched_and_lists_the_failing_test(site: Site):
    """An export re-dates an old day as today's: fresh ids, old events; dbt's recency test fails."""
    before = file_digest(site.published)
    last_day = max(p.name for p in (site.raw / "web_analytics" / "events").glob("date=*"))
    stale_day = dt.date.fromisoformat(last_day.split("=")[1]) + dt.timedelta(days=3)
    first_day = sorted((site.raw / "web_analytics" / "events").glob("date=*"))[0]
    table = pq.read_table(first_day / "part-0.parquet")
    ids = pa.compute.binary_join_element_wise(table["event_id"], pa.scalar("-R"), "")
    stale = site.raw / "web_analytics" / "events" / f"date={stale_day.isoformat()}"
    stale.mkdir()
    pq.write_table(table.set_column(0, "event_id", ids), stale / "part-0.parquet")
    try:
        red = site.build()
    finally:
        shutil.rmtree(stale)
    output = red.stdout + red.stderr
    assert red.returncode == 1, output[-3000:]
    assert "dbt build failed" in output
    assert "recency_stg_web_analytics__events" in output
    assert "Traceback" not in red.stderr
    assert file_digest(site.published) == before
    status = site.status()
    assert "failed at dbt build" in status and "recency_stg_web_analytics__events" in status


def test_red_mart_audit_leaves_the_published_file_untouched(site: Site):
    """A wrong var shrinks a mart by three quarters: the row-count expectation fails."""
    from omnichannel.pipeline import BuildOptions, build_and_publish

    before = file_digest(site.published)
    with environment(site.env):
        result = build_and_publish(
            BuildOptions(
                select="dim_date",
                publish=True,
                skip_landing_checks=True,
                dbt_args=["--vars", "{calendar_start: '2027-01-01'}"],
            ),
            say=lambda _: None,
        )
    assert not result.ok and not result.published
    assert result.stage == "mart audit"
    assert any(
        "marts.dim_date" in f and "expect_table_row_count_to_be_between" in f
        for f in result.failures
    ), result.failures
    assert file_digest(site.published) == before
    assert not list(site.published.parent.glob(".*.tmp"))


def test_an_interrupted_copy_never_reaches_the_published_file(site: Site, monkeypatch):
    """Killed while copying: the temporary copy is incomplete, the published file untouched."""
    from omnichannel import publish

    before = file_digest(site.published)

    def copy_half_then_die(source, destination):
        Path(destination).write_bytes(Path(source).read_bytes()[:4096])
        raise KeyboardInterrupt

    monkeypatch.setattr(publish.shutil, "copyfile", copy_half_then_die)
    with pytest.raises(KeyboardInterrupt):
        publish.publish_atomically(Path(site.env["OMNICHANNEL_DUCKDB_PATH"]), site.published)
    assert file_digest(site.published) == before
    assert not list(site.published.parent.glob(".*.tmp"))
    # a temporary file left by a process that died (SIGKILL skips `finally`) is removed
    leftover = site.published.with_name(f".{site.published.name}.999999999.tmp")
    leftover.write_bytes(b"half a copy")
    monkeypatch.undo()
    publish.remove_stale_temporaries(site.published)
    assert not leftover.exists()
    assert os.path.exists(site.published)


def test_a_build_file_duckdb_cannot_open_is_set_aside(tmp_path):
    """Last resort after a crash: a build file that no longer opens is moved away, not reused."""
    from omnichannel.publish import set_aside_unreadable_build

    build_file = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(build_file)) as connection:
        connection.execute("create table t as select 1 as x")
    assert set_aside_unreadable_build(build_file) is None  # a healthy file stays
    build_file.write_bytes(b"\0" * 3000 + b"not a database")
    aside = set_aside_unreadable_build(build_file)
    assert aside is not None and aside.exists() and not build_file.exists()
