"""The benchmark harness (`omnichannel bench`): its measurements and report are well formed.

No timing is asserted here: performance lives in docs/benchmarks.md. These
tests check that the harness measures what it says (every raw row scanned,
memory sampled, spill detected, ratios computed right) on tiny inputs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pytest
import yaml

from omnichannel.bench import probe
from omnichannel.bench.dbt_process import (
    bench_profiles_dir,
    layer_summary,
    node_timings,
    slowest_models,
)
from omnichannel.bench.measure import run_measured, summarize
from omnichannel.bench.query import run_query
from omnichannel.bench.report import compute_ratios, loglog_slope
from omnichannel.bench.runner import BenchConfig, write_outputs
from omnichannel.bench.scenarios import prove_spill, scan_floor_sql, synthetic_spill_sql


def test_summarize_gives_median_min_max_of_samples():
    assert summarize([3.0, 1.0, 2.0]) == {
        "median": 2.0,
        "min": 1.0,
        "max": 3.0,
        "samples": [3.0, 1.0, 2.0],
    }
    assert summarize([4.0, 1.0])["median"] == 2.5
    with pytest.raises(ValueError):
        summarize([])


def test_loglog_slope_recovers_the_exponent():
    xs = [1.0, 3.0, 10.0]
    assert loglog_slope(xs, [5 * x for x in xs]) == pytest.approx(1.0)
    assert loglog_slope(xs, [2 * x**2 for x in xs]) == pytest.approx(2.0)
    assert loglog_slope(xs, [7.0, 7.0, 7.0]) == pytest.approx(0.0)


def _entry(scale: float, floor: float, run: float, incremental: float, rss: int, rows_s: int):
    stats = lambda value: {"median": value, "min": value, "max": value, "samples": [value]}  # noqa: E731
    return {
        "scale": scale,
        "generation": {"rows_per_second": rows_s},
        "scan_floor": {"seconds": stats(floor)},
        "dbt": {
            "models_only": {"seconds": stats(run), "peak_rss_bytes": rss},
            "with_tests": {"seconds": stats(run * 2), "peak_rss_bytes": rss + 1024**3},
        },
        "incremental": {"seconds": stats(incremental), "peak_rss_bytes": rss},
    }


def test_ratios_are_computed_from_the_top_scale_and_all_scales():
    gib = 1024**3
    scales = [
        _entry(10.0, floor=20.0, run=100.0, incremental=4.0, rss=2 * gib, rows_s=1_200_000),
        _entry(1.0, floor=2.0, run=10.0, incremental=1.0, rss=gib, rows_s=900_000),
    ]
    ratios = compute_ratios(scales)
    assert ratios["build_over_floor"]["value"] == pytest.approx(5.0)
    assert ratios["build_over_floor"]["met"] is True
    assert ratios["incremental_over_full"]["value"] == pytest.approx(0.04)
    assert ratios["incremental_over_full"]["met"] is True
    assert ratios["build_loglog_slope"]["value"] == pytest.approx(1.0)
    assert ratios["peak_memory_gib"]["value"] == pytest.approx(3.0)  # the with-tests build
    assert ratios["peak_memory_gib"]["met"] is True
    assert ratios["generator_rows_per_second"]["value"] == 1_200_000
    slow = compute_ratios([_entry(1.0, 1.0, 7.0, 1.0, 5 * gib, 10)])
    assert slow["build_over_floor"]["met"] is False
    assert slow["incremental_over_full"]["met"] is False
    assert slow["build_loglog_slope"]["met"] is None  # one scale: no slope
    assert slow["peak_memory_gib"]["met"] is False
    assert slow["generator_rows_per_second"]["met"] is False


def test_report_plot_and_json_are_written(tmp_path: Path):
    gib = 1024**3
    scales = []
    for scale, run in ((0.1, 1.0), (1.0, 9.0)):
        entry = _entry(
            scale, floor=run / 4, run=run, incremental=run / 50, rss=gib, rows_s=2_000_000
        )
        entry["raw_bytes"] = 5 * 1024**2
        entry["generation"].update(
            {"total_rows": 1000, "event_rows": 600, "seconds": entry["scan_floor"]["seconds"]}
        )
        for run_entry in (*entry["dbt"].values(), entry["incremental"]):
            run_entry["duckdb_memory_peak_bytes"] = gib // 2
            run_entry["layers"] = {"staging": {"nodes": 3, "seconds": 1.5}}
            run_entry["slowest_models"] = [{"model": "stg_x", "layer": "staging", "seconds": 0.5}]
        scales.append(entry)
    config = BenchConfig.quick(work_dir=tmp_path)
    results = {
        "started_at": "2026-01-01T00:00:00Z",
        "command": config.command,
        "git_commit": "abc1234",
        "machine": {
            "cpu": "test cpu",
            "cores": 2,
            "memory_gib": 24.0,
            "os": "Linux",
            "python": "3.11",
            "duckdb": "1.4.5",
            "dbt_core": "1.11",
            "dbt_duckdb": "1.11",
        },
        "config": {"memory_limit": "3GB", "threads": 2, "days": 10, "seed": 42, "repeats": 1},
        "scales": scales,
        "spill": {
            "query": "synthetic",
            "limit": "64MB",
            "completed": True,
            "temp_peak_bytes": 10 * 1024**2,
            "spilled": True,
            "duckdb_memory_peak_bytes": 60 * 1024**2,
            "seconds": 2.0,
            "unconstrained_seconds": 1.0,
            "result_equal_to_unconstrained": True,
            "scale": 1.0,
        },
    }
    results["ratios"] = compute_ratios(scales)
    write_outputs(results, config)
    assert json.loads(config.json_path.read_text()) == json.loads(json.dumps(results))
    assert config.plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = config.report_path.read_text()
    assert (
        "| 1 | 1,000 | 600 | 5 | 2.2 (2.2-2.2) | 2,000,000 | 2.2 (2.2-2.2) | 9.0 (9.0-9.0) |"
        in report
    )
    assert (
        "| full build (models only) / single-scan floor, top scale | 4.000 | <= 6 | yes |" in report
    )
    assert "benchmarks_scaling.png" in report
    assert "| stg_x | staging | 0.50 |" in report


def test_run_measured_sees_the_peak_resident_set_of_the_child(tmp_path: Path):
    allocate = "import time; block = bytearray(300 * 1024**2); block[::4096] = b'x' * len(block[::4096]); time.sleep(0.5)"
    measured = run_measured([sys.executable, "-c", allocate], tmp_path)
    assert measured.ok
    assert measured.peak_rss_bytes > 300 * 1024**2
    assert measured.peak_rss_bytes < 2 * 1024**3


def test_scan_floor_reads_every_row_of_every_raw_table(fixture_world):
    result = run_query(scan_floor_sql(fixture_world.raw_dir), "1GB", 2)
    counted = {row[0]: int(row[1]) for row in result["rows"]}
    assert counted == {name: int(rows) for name, rows in fixture_world.generation["rows"].items()}
    assert result["duckdb_memory_peak_bytes"] >= 0


def test_duckdb_spills_to_disk_instead_of_failing_under_a_low_memory_limit(tmp_path: Path):
    proof = prove_spill("synthetic", synthetic_spill_sql(1_000_000), "64MB", "2GB", 2, tmp_path)
    assert proof.completed
    assert proof.temp_peak_bytes > 0
    assert proof.result_equal_to_unconstrained
    assert proof.as_dict()["spilled"] is True


def test_probe_plugin_records_duckdb_memory_peaks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    out = tmp_path / "peaks.json"
    monkeypatch.setenv(probe.PROBE_ENV, str(out))
    monkeypatch.setattr(probe, "_SAMPLERS", [])
    connection = duckdb.connect()
    plugin = probe.Plugin(name="bench_probe", plugin_config={})
    plugin.configure_connection(connection)
    connection.execute(
        "create table t as select range as n, md5(cast(range as varchar)) as s from range(2000000)"
    )
    connection.execute("select count(distinct s) from t").fetchall()
    probe._SAMPLERS[0].stop()
    connection.close()
    probe._write_peaks()
    peaks = json.loads(out.read_text())
    assert peaks["connections"] == 1
    assert peaks["samples"] > 0
    assert peaks["duckdb_memory_peak_bytes"] > 10 * 1024**2  # the 2M-row table lives in memory


def test_bench_profile_loads_the_probe_on_duckdb_targets_only(tmp_path: Path):
    profiles = yaml.safe_load((bench_profiles_dir(tmp_path) / "profiles.yml").read_text())
    outputs = profiles["omnichannel"]["outputs"]
    assert outputs["dev"]["plugins"] == [
        {"module": "omnichannel.bench.probe", "alias": "bench_probe"}
    ]
    assert "plugins" not in outputs["spark_ci"]
    assert outputs["dev"]["settings"]["memory_limit"].startswith("{{ env_var(")


def test_layers_and_slowest_models_from_the_fixture_build(warehouse):
    manifest = warehouse.manifest()
    timings = node_timings(warehouse.run_results(), manifest)
    layers = layer_summary(timings)
    models_per_layer: dict[str, int] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model":
            layer = Path(node["path"]).parts[0]
            models_per_layer[layer] = models_per_layer.get(layer, 0) + 1
    for layer, count in models_per_layer.items():
        assert layers[layer]["nodes"] == count
    assert layers["test"]["nodes"] > 0
    slowest = slowest_models(timings)
    assert len(slowest) == 10
    seconds = [model["seconds"] for model in slowest]
    assert seconds == sorted(seconds, reverse=True)
    assert all(not model["model"].startswith("test") for model in slowest)
