"""Turn benchmark results into ratios against the targets, docs/benchmarks.md, a log-log plot
and bench/results.json."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

GIB = 1024**3

# name: (description, comparison, target)
TARGETS: dict[str, tuple[str, str, float]] = {
    "build_over_floor": ("full build (models only) / single-scan floor, top scale", "<=", 6.0),
    "incremental_over_full": ("one incremental day / full refresh, top scale", "<=", 0.05),
    "build_loglog_slope": ("log-log slope of full-build time against scale", "<=", 1.05),
    "peak_memory_gib": ("peak memory (RSS of dbt, GiB), top scale", "<=", 4.0),
    "generator_rows_per_second": ("generator rows per second, top scale", ">=", 1_000_000.0),
}


def loglog_slope(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Least-squares slope of log(y) against log(x)."""
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError("need at least two (x, y) points")
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    var = sum((x - mx) ** 2 for x in lx)
    if var == 0:
        raise ValueError("x values must differ")
    return sum((x - mx) * (y - my) for x, y in zip(lx, ly, strict=True)) / var


def _median(entry: dict[str, Any]) -> float:
    return float(entry["seconds"]["median"])


def _peak_rss_gib(runs: list[dict[str, Any] | None]) -> float | None:
    """The largest measured peak RSS of these runs in GiB (None when none was measured)."""
    values = [float(run["peak_rss_bytes"]) for run in runs if run and run.get("peak_rss_bytes")]
    return max(values) / GIB if values else None


def compute_ratios(scales: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The five target ratios from per-scale results (the top scale is the largest one)."""
    ordered = sorted(scales, key=lambda entry: entry["scale"])
    top = ordered[-1]
    build = top["dbt"]["models_only"]
    values: dict[str, float | None] = {
        "build_over_floor": _median(build) / _median(top["scan_floor"]),
        "incremental_over_full": (
            _median(top["incremental"]) / _median(build) if top.get("incremental") else None
        ),
        "build_loglog_slope": (
            loglog_slope(
                [e["scale"] for e in ordered], [_median(e["dbt"]["models_only"]) for e in ordered]
            )
            if len(ordered) >= 2
            else None
        ),
        "peak_memory_gib": _peak_rss_gib(
            [build, top["dbt"].get("with_tests"), top.get("incremental")]
        ),
        "generator_rows_per_second": float(top["generation"]["rows_per_second"]),
    }
    ratios = {}
    for name, (description, comparison, target) in TARGETS.items():
        value = values[name]
        met = (
            None if value is None else (value <= target if comparison == "<=" else value >= target)
        )
        ratios[name] = {
            "description": description,
            "value": None if value is None else round(value, 4),
            "target": f"{comparison} {target:g}",
            "met": met,
        }
    return ratios


def write_json(results: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


SERIES = (
    ("generation", lambda e: e["generation"]),
    ("single-scan floor", lambda e: e["scan_floor"]),
    ("dbt run (models only)", lambda e: e["dbt"]["models_only"]),
    ("dbt build (with tests)", lambda e: e["dbt"].get("with_tests")),
    ("one incremental day", lambda e: e.get("incremental")),
)


def write_plot(results: dict[str, Any], path: Path) -> None:
    """Median time (min-max bars) against scale, log-log, one line per measurement."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scales = sorted(results["scales"], key=lambda entry: entry["scale"])
    figure, axes = plt.subplots(figsize=(7.5, 5), dpi=120)
    for label, pick in SERIES:
        points = [(entry["scale"], pick(entry)) for entry in scales if pick(entry)]
        if not points:
            continue
        xs = [x for x, _ in points]
        medians = [m["seconds"]["median"] for _, m in points]
        lower = [m["seconds"]["median"] - m["seconds"]["min"] for _, m in points]
        upper = [m["seconds"]["max"] - m["seconds"]["median"] for _, m in points]
        axes.errorbar(xs, medians, yerr=[lower, upper], marker="o", capsize=3, label=label)
    xs = [entry["scale"] for entry in scales]
    if len(xs) >= 2:
        base = scales[0]["dbt"]["models_only"]["seconds"]["median"]
        axes.plot(
            xs,
            [base * x / xs[0] for x in xs],
            linestyle=":",
            color="grey",
            label="slope 1 (linear)",
        )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("scale (1 = about 10,000 people)")
    axes.set_ylabel("seconds (median; bars: min-max)")
    slope = results["ratios"]["build_loglog_slope"]["value"]
    axes.set_title(f"omnichannel benchmark: time against scale (dbt run slope {slope})")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=8)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def _fmt_generation(generation: dict[str, Any]) -> str:
    """The generator's wall seconds (whole process), which its rows/s divide by."""
    if "wall_seconds" in generation:
        return _fmt_seconds({"seconds": generation["wall_seconds"]})
    return _fmt_seconds(generation)


def _fmt_seconds(entry: dict[str, Any] | None) -> str:
    if not entry:
        return "-"
    s = entry["seconds"]
    return f"{s['median']:.1f} ({s['min']:.1f}-{s['max']:.1f})"


def _gib(value: float | int | None) -> str:
    return "-" if value is None else f"{float(value) / GIB:.2f}"


def render_markdown(results: dict[str, Any], plot_name: str, notes: str = "") -> str:
    """docs/benchmarks.md: machine, commands, figures per scale, ratios, layers, slowest models."""
    machine, config = results["machine"], results["config"]
    scales = sorted(results["scales"], key=lambda entry: entry["scale"])
    lines = [
        "# Benchmarks",
        "",
        "What the warehouse costs to build, measured by `omnichannel bench` (`make bench`).",
        "Every timing is repeated and shown as **median (min-max)** in seconds. dbt times are",
        "dbt's own `elapsed_time` (run_results.json: from the first node to the last, after",
        "parsing); the wall time of the whole `dbt` process, parse included, is in",
        "`bench/results.json`. Memory is the peak resident set of the process tree,",
        "sampled every 50 ms, and DuckDB's own peak (`duckdb_memory()`, sampled on a",
        "cursor of the same database).",
        "",
        "## Machine",
        "",
        f"- {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']:.0f} GiB RAM, {machine['os']}",
        f"- Python {machine['python']}, DuckDB {machine['duckdb']}, dbt-core {machine['dbt_core']},"
        f" dbt-duckdb {machine['dbt_duckdb']}",
        f"- git commit `{results['git_commit']}`, run started {results['started_at']}",
        f"- settings: memory_limit {config['memory_limit']}, {config['threads']} dbt/DuckDB threads,"
        f" {config['days']} days per world, seed {config['seed']}, {config['repeats']} repeats",
        "",
        "## Reproduce",
        "",
        "```bash",
        "make bench   # the figures below: " + results["command"],
        "omnichannel bench --quick   # a smoke run of the harness on tiny worlds (not for figures)",
        "```",
        "",
        "Worlds, logs, every run's run_results.json and DuckDB memory samples stay under",
        f"`{results['config'].get('work_dir', 'data/bench')}` (one folder per scale, one per run).",
        "",
        "## Figures",
        "",
        "| scale | raw rows | raw events | raw MiB | generation (wall) | rows/s (wall) | single-scan floor |"
        " dbt run (models) | dbt build (tests) | incremental day | peak RSS GiB | DuckDB peak GiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for entry in scales:
        dbt = entry["dbt"]
        runs = [dbt["models_only"], dbt.get("with_tests"), entry.get("incremental")]
        rss = _peak_rss_gib(runs)
        duck = max(float(run.get("duckdb_memory_peak_bytes") or 0) for run in runs if run)
        lines.append(
            f"| {entry['scale']:g} | {entry['generation']['total_rows']:,} |"
            f" {entry['generation']['event_rows']:,} | {entry['raw_bytes'] / 1024**2:,.0f} |"
            f" {_fmt_generation(entry['generation'])} | {entry['generation']['rows_per_second']:,} |"
            f" {_fmt_seconds(entry['scan_floor'])} | {_fmt_seconds(dbt['models_only'])} |"
            f" {_fmt_seconds(dbt.get('with_tests'))} | {_fmt_seconds(entry.get('incremental'))} |"
            f" {'-' if rss is None else f'{rss:.2f}'} | {duck / GIB:.2f} |"
        )
    failed = sorted(
        {
            node
            for entry in scales
            for node in (entry["dbt"].get("with_tests") or {}).get("failed_tests", [])
        }
    )
    lines += [
        "",
        "Raw events are the web and app analytics events; raw rows count every extract.",
        (
            "Data tests that failed in a timed `dbt build` (the time still counts): "
            + ", ".join(f"`{node}`" for node in failed)
            if failed
            else "Every timed `dbt build` passed all its tests."
        ),
        "",
        f"![time against scale, log-log]({plot_name})",
        "",
        "## Ratios against the targets (one run)",
        "",
        "| ratio | value | target | met |",
        "|---|---|---|---|",
    ]
    for ratio in results["ratios"].values():
        met = {True: "yes", False: "**no**", None: "n/a"}[ratio["met"]]
        value = ratio["value"]
        shown = (
            "-" if value is None else (f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3f}")
        )
        lines.append(f"| {ratio['description']} | {shown} | {ratio['target']} | {met} |")
    spill = results.get("spill")
    if spill:
        lines += [
            "",
            "## DuckDB spills instead of dying",
            "",
            (
                "A window over every raw web event and a wide sort (`omnichannel.bench.scenarios.spill_sql`),"
                f" at scale {spill['scale']:g}"
                if spill["query"] == "raw_events"
                else "A window over a million generated rows (`synthetic_spill_sql`)"
            )
            + f", with `memory_limit = '{spill['limit']}'` and a temp directory:"
            f" completed **{'yes' if spill['completed'] else 'no'}**,"
            f" temporary storage peak {spill['temp_peak_bytes'] / 1024**2:,.0f} MiB"
            f" (spilled: {'yes' if spill['spilled'] else 'no'}), DuckDB memory peak"
            f" {spill['duckdb_memory_peak_bytes'] / 1024**2:,.0f} MiB, {spill['seconds']:.1f} s"
            f" against {spill['unconstrained_seconds']:.1f} s unconstrained"
            f" (`memory_limit = '{spill.get('reference_limit', 'the run limit')}'`); same result as unconstrained:"
            f" **{'yes' if spill['result_equal_to_unconstrained'] else 'no'}**.",
        ]
    top = scales[-1]
    lines += ["", f"## Layers at scale {top['scale']:g} (dbt run, models only, median run)", ""]
    lines += ["| layer | models | summed model seconds |", "|---|---|---|"]
    for layer, summary in top["dbt"]["models_only"]["layers"].items():
        lines.append(f"| {layer} | {summary['nodes']} | {summary['seconds']:.1f} |")
    lines += [
        "",
        "Model seconds overlap across the dbt threads, so their sum exceeds the elapsed time.",
        "",
        f"## Ten slowest models at scale {top['scale']:g}",
        "",
        "| model | layer | seconds |",
        "|---|---|---|",
    ]
    for model in top["dbt"]["models_only"]["slowest_models"]:
        lines.append(f"| {model['model']} | {model['layer']} | {model['seconds']:.2f} |")
    if top.get("incremental"):
        lines += [
            "",
            f"## Slowest models of the incremental day at scale {top['scale']:g}",
            "",
            "| model | layer | seconds |",
            "|---|---|---|",
        ]
        for model in top["incremental"]["slowest_models"]:
            lines.append(f"| {model['model']} | {model['layer']} | {model['seconds']:.2f} |")
    if notes:
        lines += ["", notes.strip()]
    return "\n".join(lines) + "\n"


def write_markdown(results: dict[str, Any], path: Path, plot_path: Path, notes: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        plot_name = str(plot_path.relative_to(path.parent))
    except ValueError:
        plot_name = str(plot_path)
    path.write_text(render_markdown(results, plot_name, notes))
