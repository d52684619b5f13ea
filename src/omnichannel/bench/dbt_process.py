"""dbt in a subprocess against one benchmark world, with its peak RSS and DuckDB's memory.

Each world has its own directory under ``data/bench/``: raw extracts, the
DuckDB file, DuckDB's spill directory, a dbt target dir (kept between runs so
dbt can parse partially) and one folder per run with its logs,
``run_results.json`` and the DuckDB memory peaks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from omnichannel.bench.measure import Measured, run_measured
from omnichannel.bench.probe import PROBE_ENV
from omnichannel.paths import PROJECT_ROOT

LAYERS = ("staging", "intermediate", "marts", "semantic")


@dataclass
class DbtRun:
    """One dbt invocation: wall time, dbt's own elapsed time, memory peaks and node timings."""

    name: str
    measured: Measured
    elapsed_seconds: float | None
    duckdb: dict[str, int]
    run_results: dict[str, Any] = field(repr=False)
    failed_nodes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.measured.ok


def bench_profiles_dir(root: Path) -> Path:
    """A copy of the project's profiles.yml whose DuckDB targets load the memory probe plugin."""
    profiles = yaml.safe_load((PROJECT_ROOT / "profiles.yml").read_text())
    for output in profiles["omnichannel"]["outputs"].values():
        if output.get("type") == "duckdb":
            output["plugins"] = [{"module": "omnichannel.bench.probe", "alias": "bench_probe"}]
    folder = root / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "profiles.yml").write_text(yaml.safe_dump(profiles, sort_keys=False))
    return folder


@dataclass
class DbtWorld:
    """Where one benchmark world lives and how dbt is pointed at it."""

    root: Path
    memory_limit: str
    threads: int

    @property
    def raw_dir(self) -> Path:
        return self.root / "raw"

    @property
    def truth_dir(self) -> Path:
        return self.root / "truth"

    @property
    def duckdb_path(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def temp_dir(self) -> Path:
        return self.root / "duckdb_tmp"

    def env(self, probe_file: Path) -> dict[str, str]:
        return {
            **os.environ,
            "OMNICHANNEL_TARGET": "dev",
            "OMNICHANNEL_DUCKDB_PATH": str(self.duckdb_path),
            "OMNICHANNEL_RAW_ROOT": str(self.raw_dir),
            "OMNICHANNEL_DUCKDB_TEMP": str(self.temp_dir),
            "OMNICHANNEL_MEMORY_LIMIT": self.memory_limit,
            "OMNICHANNEL_THREADS": str(self.threads),
            PROBE_ENV: str(probe_file),
            # no usage-statistics calls home: on an offline machine each one waits for a timeout
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        }

    def drop_warehouse(self) -> None:
        """Start from an empty warehouse (a full build from scratch)."""
        for path in (self.duckdb_path, self.duckdb_path.with_suffix(".duckdb.wal")):
            path.unlink(missing_ok=True)
        shutil.rmtree(self.temp_dir, ignore_errors=True)

    def dbt(self, args: list[str], name: str, allow_failed_tests: bool = False) -> DbtRun:
        """Run ``dbt <args>`` from the project root in a subprocess; fails loudly on a red run.

        With ``allow_failed_tests``, a run whose models all succeeded but some data tests
        failed still counts (its time is real); the failures are kept in ``failed_nodes``.
        """
        run_dir = self.root / "runs" / name
        if run_dir.exists():
            shutil.rmtree(run_dir)
        run_dir.mkdir(parents=True)
        self.temp_dir.mkdir(parents=True, exist_ok=True)
        probe_file = run_dir / "duckdb_memory.json"
        target = self.root / "target"
        dbt_bin = Path(sys.executable).parent / "dbt"
        command = [
            str(dbt_bin),
            *args,
            "--profiles-dir",
            str(bench_profiles_dir(self.root)),
            "--project-dir",
            str(PROJECT_ROOT),
            "--target-path",
            str(target),
            "--log-path",
            str(run_dir / "logs"),
        ]
        measured = run_measured(command, run_dir, env=self.env(probe_file), cwd=PROJECT_ROOT)
        results_file = target / "run_results.json"
        run_results: dict[str, Any] = {}
        if results_file.exists():
            shutil.copy(results_file, run_dir / "run_results.json")
            run_results = json.loads(results_file.read_text())
            results_file.unlink()
        failed = [
            result["unique_id"]
            for result in run_results.get("results", [])
            if result.get("status") in ("error", "fail", "runtime error")
        ]
        only_tests_failed = bool(run_results) and all(
            node.startswith(("test.", "unit_test.")) for node in failed
        )
        if not measured.ok and not (allow_failed_tests and only_tests_failed):
            raise RuntimeError(f"dbt {' '.join(args)} failed in {run_dir}:\n{measured.tail()}")
        duckdb_peaks = json.loads(probe_file.read_text()) if probe_file.exists() else {}
        return DbtRun(
            name, measured, run_results.get("elapsed_time"), duckdb_peaks, run_results, failed
        )


def layer_of(unique_id: str, path: str | None) -> str:
    """The project layer of a node: the first folder of its path under models/ (else 'other')."""
    if unique_id.startswith("model.") and path:
        first = Path(path).parts[0]
        if first in LAYERS:
            return first
    return "other"


def _execute_window(result: dict[str, Any]) -> tuple[float, float] | None:
    """Unix start and end of a node's execute step in run_results.json."""

    def parse(text: str) -> float:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()

    for step in result.get("timing", []):
        if step.get("name") == "execute" and step.get("started_at") and step.get("completed_at"):
            return parse(step["started_at"]), parse(step["completed_at"])
    return None


def node_timings(
    run_results: dict[str, Any],
    manifest: dict[str, Any] | None,
    memory_series: list[list[float]] | None = None,
) -> list[dict[str, Any]]:
    """One row per executed node of run_results.json: id, layer, seconds, status and, given
    the probe's time series, DuckDB's peak memory while the node ran (threads overlap)."""
    nodes = (manifest or {}).get("nodes", {})
    series = memory_series or []
    rows = []
    for result in run_results.get("results", []):
        unique_id = result["unique_id"]
        resource = unique_id.split(".")[0]
        path = nodes.get(unique_id, {}).get("path")
        window = _execute_window(result)
        peak = None
        if window and series:
            start, end = window
            inside = [point[1] for point in series if start - 0.5 <= point[0] <= end]
            peak = int(max(inside)) if inside else None
        rows.append(
            {
                "unique_id": unique_id,
                "resource_type": resource,
                "layer": layer_of(unique_id, path) if resource == "model" else resource,
                "seconds": float(result.get("execution_time") or 0.0),
                "status": result.get("status"),
                "duckdb_memory_peak_bytes": peak,
            }
        )
    return rows


def layer_summary(timings: list[dict[str, Any]]) -> dict[str, dict[str, float | int]]:
    """Per layer: nodes and the sum of their execution seconds (threads overlap them)."""
    summary: dict[str, dict[str, float | int]] = {}
    for row in timings:
        entry = summary.setdefault(row["layer"], {"nodes": 0, "seconds": 0.0})
        entry["nodes"] = int(entry["nodes"]) + 1
        entry["seconds"] = round(float(entry["seconds"]) + row["seconds"], 3)
    return dict(sorted(summary.items()))


def slowest_models(timings: list[dict[str, Any]], count: int = 10) -> list[dict[str, Any]]:
    """The ``count`` slowest models, slowest first (ties broken by id)."""
    models = [row for row in timings if row["resource_type"] == "model"]
    models.sort(key=lambda row: (-row["seconds"], row["unique_id"]))
    return [
        {
            "model": row["unique_id"].split(".")[-1],
            "layer": row["layer"],
            "seconds": round(row["seconds"], 3),
            "duckdb_memory_peak_bytes": row.get("duckdb_memory_peak_bytes"),
        }
        for row in models[:count]
    ]
