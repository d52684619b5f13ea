"""The measured scenarios of the benchmark, each repeated: generation, single-scan floor,
full dbt builds, one incremental day, and the spill proof."""

from __future__ import annotations

import json
import resource
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from omnichannel.bench.dbt_process import (
    DbtRun,
    DbtWorld,
    layer_summary,
    node_timings,
    slowest_models,
)
from omnichannel.bench.measure import Measured, run_measured, summarize
from omnichannel.generate.schema import TABLES

EVENT_TABLES = ("web_analytics.events", "app_analytics.events")

GENERATE_SNIPPET = """
import datetime as dt, json, sys
from pathlib import Path
from omnichannel.generate import generate_world
a = json.loads(sys.argv[1])
r = generate_world(a["scale"], a["days"], dt.date.fromisoformat(a["start"]), a["seed"],
                   Path(a["out"]), Path(a["truth"]), show_progress=False)
Path(a["report"]).write_text(json.dumps(r))
"""


def _python() -> str:
    return sys.executable


def measure_generation(
    world: DbtWorld, scale: float, days: int, start: str, seed: int, repeats: int
) -> dict[str, Any]:
    """Generate the world ``repeats`` times (same bytes each time); time and rows per second.

    ``wall_seconds`` is the whole process (interpreter start and imports included), as
    ``/usr/bin/time`` reports it; ``rows_per_second`` is the rows written per wall
    second of it. ``seconds`` is the generator's own clock (simulate + write) and
    ``cpu_seconds`` the CPU time of the process and its child (user + system).
    """
    seconds, walls, cpus, peak, report = [], [], [], 0, {}
    for attempt in range(repeats):
        report_file = world.root / "generation_report.json"
        args = {
            "scale": scale,
            "days": days,
            "start": start,
            "seed": seed,
            "out": str(world.raw_dir),
            "truth": str(world.truth_dir),
            "report": str(report_file),
        }
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        measured = run_measured(
            [_python(), "-c", GENERATE_SNIPPET, json.dumps(args)],
            world.root / "runs" / f"generate_{attempt}",
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if not measured.ok:
            raise RuntimeError(f"generation failed:\n{measured.tail()}")
        report = json.loads(report_file.read_text())
        seconds.append(float(report["seconds"]))
        walls.append(measured.seconds)
        peak = max(peak, measured.peak_rss_bytes)
    rows = report["rows"]
    total = int(report["total_rows"])
    return {
        "seconds": summarize(seconds),
        "wall_seconds": summarize(walls),
        "cpu_seconds": summarize(cpus),
        "rows_per_second": round(total / summarize(walls)["median"]),
        "rows_per_generator_second": round(total / summarize(seconds)["median"]),
        "step_seconds": report.get("step_seconds", {}),
        "step_cpu_seconds": report.get("step_cpu_seconds", {}),
        "peak_rss_bytes": peak,
        "total_rows": total,
        "event_rows": sum(int(rows.get(name, 0)) for name in EVENT_TABLES),
        "rows": rows,
    }


def raw_bytes(raw_dir: Path) -> int:
    return sum(path.stat().st_size for path in raw_dir.rglob("*.parquet"))


def scan_floor_sql(raw_dir: Path) -> str:
    """One query that reads every raw Parquet file once, every column, and aggregates it.

    Per table: the row count and a checksum of the hash of every column, so no
    column can be skipped; the tables are combined with ``union all``.
    """
    parts = []
    for table in TABLES:
        location = raw_dir / table.system / table.name
        if table.partition == "daily":
            reader = (
                f"read_parquet('{location}/date=*/*.parquet', hive_partitioning = true, "
                "union_by_name = true)"
            )
        else:
            reader = f"read_parquet('{location}/snapshot.parquet')"
        parts.append(
            f"select '{table.qualified_name}' as raw_table, count(*) as row_count, "
            f"sum(hash(*columns(*)) % 1000003) as checksum from {reader}"
        )
    return (
        "select raw_table, row_count, checksum from (\n"
        + "\nunion all\n".join(parts)
        + "\n) order by raw_table"
    )


def run_query_measured(
    sql: str, memory_limit: str, threads: int, temp_directory: Path | None, log_dir: Path
) -> tuple[Measured, dict[str, Any]]:
    """The query in a fresh DuckDB process (``omnichannel.bench.query``): RSS and DuckDB peaks."""
    args = {
        "sql": sql,
        "memory_limit": memory_limit,
        "threads": threads,
        "temp_directory": str(temp_directory) if temp_directory else None,
    }
    measured = run_measured([_python(), "-m", "omnichannel.bench.query", json.dumps(args)], log_dir)
    if not measured.ok:
        raise RuntimeError(f"query failed in {log_dir}:\n{measured.tail()}")
    return measured, json.loads(measured.stdout_path.read_text().strip().splitlines()[-1])


def measure_scan_floor(world: DbtWorld, repeats: int) -> dict[str, Any]:
    """The single-scan floor: what reading the raw data once costs on this machine."""
    sql = scan_floor_sql(world.raw_dir)
    seconds, rss, memory, rows = [], 0, 0, []
    for attempt in range(repeats):
        measured, result = run_query_measured(
            sql,
            world.memory_limit,
            world.threads,
            world.temp_dir,
            world.root / "runs" / f"floor_{attempt}",
        )
        seconds.append(float(result["seconds"]))
        rss = max(rss, measured.peak_rss_bytes)
        memory = max(memory, int(result["duckdb_memory_peak_bytes"]))
        rows = result["rows"]
    return {
        "seconds": summarize(seconds),
        "peak_rss_bytes": rss,
        "duckdb_memory_peak_bytes": memory,
        "rows_read": sum(int(row[1]) for row in rows),
    }


def _manifest(world: DbtWorld) -> dict[str, Any]:
    path = world.root / "target" / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _summarize_runs(world: DbtWorld, runs: list[DbtRun]) -> dict[str, Any]:
    """Median/min/max of dbt's elapsed time and wall time; memory peaks; the median run's nodes."""
    elapsed = [float(run.elapsed_seconds or run.measured.seconds) for run in runs]
    median_run = sorted(runs, key=lambda run: float(run.elapsed_seconds or 0.0))[len(runs) // 2]
    timings = node_timings(
        median_run.run_results, _manifest(world), median_run.duckdb.get("series")
    )
    return {
        "seconds": summarize(elapsed),
        "wall_seconds": summarize([run.measured.seconds for run in runs]),
        "peak_rss_bytes": max(run.measured.peak_rss_bytes for run in runs),
        "duckdb_memory_peak_bytes": max(
            int(run.duckdb.get("duckdb_memory_peak_bytes", 0)) for run in runs
        ),
        "duckdb_temp_peak_bytes": max(
            int(run.duckdb.get("duckdb_temp_peak_bytes", 0)) for run in runs
        ),
        "nodes": len(timings),
        "layers": layer_summary(timings),
        "slowest_models": slowest_models(timings),
    }


def measure_full_builds(
    world: DbtWorld, repeats: int, with_tests: bool, test_repeats: int | None = None
) -> dict[str, Any]:
    """Full builds from an empty warehouse: models only (after the seeds) and, optionally, with tests."""
    runs = []
    for attempt in range(repeats):
        world.drop_warehouse()
        world.dbt(["seed"], f"seed_{attempt}")
        runs.append(world.dbt(["run", "--full-refresh"], f"run_{attempt}"))
    result = {"models_only": _summarize_runs(world, runs)}
    if with_tests:
        builds = []
        for attempt in range(test_repeats or repeats):
            world.drop_warehouse()
            builds.append(
                world.dbt(["build", "--full-refresh"], f"build_{attempt}", allow_failed_tests=True)
            )
        result["with_tests"] = _summarize_runs(world, builds)
        result["with_tests"]["failed_tests"] = sorted({n for b in builds for n in b.failed_nodes})
    return result


def partitions_of_day(raw_dir: Path, day: str) -> list[Path]:
    """Every ``date=<day>`` partition folder of the raw extracts."""
    return sorted(raw_dir.glob(f"*/*/date={day}"))


def measure_incremental_day(world: DbtWorld, last_day: str, repeats: int) -> dict[str, Any]:
    """One day appended to the history: build without the last day, then `dbt run` with it.

    The last day's partitions are moved aside, the warehouse is built in full
    and saved; each repeat restores that warehouse, puts the day back and runs
    the incremental `dbt run`. Also times that full refresh of the history.
    """
    hidden = world.root / "hidden_day"
    shutil.rmtree(hidden, ignore_errors=True)
    moved: list[tuple[Path, Path]] = []
    for partition in partitions_of_day(world.raw_dir, last_day):
        destination = hidden / partition.relative_to(world.raw_dir)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(partition, destination)
        moved.append((destination, partition))
    if not moved:
        raise RuntimeError(f"no partition date={last_day} under {world.raw_dir}")
    try:
        world.drop_warehouse()
        world.dbt(["seed"], "incremental_seed")
        history = world.dbt(["run", "--full-refresh"], "incremental_history")
    finally:
        for source, destination in moved:
            shutil.move(source, destination)
        shutil.rmtree(hidden, ignore_errors=True)
    saved = world.root / "history.duckdb"
    shutil.copy(world.duckdb_path, saved)
    runs = []
    for attempt in range(repeats):
        shutil.copy(saved, world.duckdb_path)
        runs.append(world.dbt(["run"], f"incremental_{attempt}"))
    saved.unlink()
    result = _summarize_runs(world, runs)
    result["history_full_refresh_seconds"] = float(
        history.elapsed_seconds or history.measured.seconds
    )
    result["partitions_appended"] = len(moved)
    result["day"] = last_day
    return result


def spill_sql(raw_dir: Path) -> str:
    """A heavy query on the raw web events: a window over every event, then a wide sort."""
    events = (
        f"read_parquet('{raw_dir}/web_analytics/events/date=*/*.parquet', hive_partitioning = true, "
        "union_by_name = true)"
    )
    return f"""
with ranked as (
    select
        *,
        row_number() over (partition by event_id order by date desc, event_timestamp) as duplicate_rank,
        count(*) over (partition by user_pseudo_id) as events_of_cookie
    from {events}
),
ordered as (
    select *, row_number() over (order by user_pseudo_id, event_timestamp, event_id, page_location) as position
    from ranked
)
select count(*) as row_count, sum(duplicate_rank) as ranks, sum(events_of_cookie) as cookie_events,
       sum(hash(event_id, page_location, user_agent) % 1000003) as checksum
from ordered
"""


def synthetic_spill_sql(rows: int) -> str:
    """A heavy query on generated rows (for tiny worlds): a window ordered by a hash string."""
    return f"""
with numbered as (
    select range as n, md5(cast(range as varchar)) as label from range({int(rows)})
),
ordered as (
    select n, label, row_number() over (order by label, n) as position from numbered
)
select count(*) as row_count, sum(position * (n % 7)) as checksum from ordered
"""


@dataclass
class SpillProof:
    query: str
    limit: str
    reference_limit: str
    completed: bool
    temp_peak_bytes: int
    result_equal_to_unconstrained: bool
    seconds: float
    unconstrained_seconds: float
    duckdb_memory_peak_bytes: int
    peak_rss_bytes: int

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "spilled": self.temp_peak_bytes > 0}


def prove_spill(
    query: str, sql: str, low_limit: str, high_limit: str, threads: int, work_dir: Path
) -> SpillProof:
    """Run ``sql`` (named ``query`` in the report) under a low memory_limit with a temp directory and under a generous one.

    DuckDB must complete under the low limit by spilling (temporary storage
    seen by the sampler) and return exactly the same rows.
    """
    temp = work_dir / "spill_tmp"
    shutil.rmtree(temp, ignore_errors=True)
    measured, low = run_query_measured(sql, low_limit, threads, temp, work_dir / "spill_low")
    _, high = run_query_measured(sql, high_limit, threads, temp, work_dir / "spill_high")
    return SpillProof(
        query=query,
        limit=low_limit,
        reference_limit=high_limit,
        completed=measured.ok,
        temp_peak_bytes=int(low["duckdb_temp_peak_bytes"]),
        result_equal_to_unconstrained=low["rows"] == high["rows"],
        seconds=float(low["seconds"]),
        unconstrained_seconds=float(high["seconds"]),
        duckdb_memory_peak_bytes=int(low["duckdb_memory_peak_bytes"]),
        peak_rss_bytes=measured.peak_rss_bytes,
    )
