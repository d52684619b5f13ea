"""The `omnichannel` command line: generate the world, check it, build and publish the warehouse."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from omnichannel.metrics_cli import metrics_app

app = typer.Typer(
    no_args_is_help=True,
    help="Omnichannel retail warehouse: generate demo extracts, check them, build with dbt.",
)
console = Console(stderr=True)
app.add_typer(metrics_app, name="metrics")

# The small world of the pytest suite (tests/python/conftest.py), also compared across engines.
FIXTURE_WORLD = {"scale": 0.03, "days": 45, "start": "2025-01-01", "seed": 7}


@app.callback()
def main_callback() -> None:
    """Omnichannel retail warehouse: generate demo extracts, check them, build with dbt."""


@app.command()
def generate(
    scale: float = typer.Option(
        1.0, help="World size: 1 is about 10,000 people; rows grow linearly."
    ),
    days: int = typer.Option(365, help="Days simulated."),
    start: str = typer.Option("2025-01-01", help="First day, YYYY-MM-DD."),
    seed: int = typer.Option(42, help="Random seed: same seed, same bytes."),
    out: Path = typer.Option(Path("data/raw"), help="Where the raw extracts go."),
    truth: Path = typer.Option(
        Path("data/truth"), help="Where the ground truth goes (never read by dbt)."
    ),
    skip_if_current: bool = typer.Option(
        False, "--skip-if-current", help="Do nothing when OUT already holds this world."
    ),
) -> None:
    """Simulate the retailer and write every raw extract and its ground truth."""
    import datetime as dt

    from omnichannel.generate import generate_world, is_up_to_date

    try:
        first_day = dt.date.fromisoformat(start)
    except ValueError:
        console.print(f"[red]--start must be a date YYYY-MM-DD, got {start!r}[/red]")
        raise typer.Exit(code=2) from None
    if skip_if_current and is_up_to_date(out, scale, days, first_day, seed):
        console.print(f"{out} already holds this world (scale {scale}, {days} days, seed {seed})")
        return
    report = generate_world(scale, days, first_day, seed, out, truth, show_progress=True)
    console.print(
        f"wrote {report['total_rows']:,} rows in {report['seconds']:.1f} s "
        f"({report['rows_per_second']:,} rows/s) to {out}; truth in {truth}"
    )
    peaks = ", ".join(f"{name} {mb:,.0f}" for name, mb in report["peak_rss_mb"].items())
    console.print(f"peak resident set (MB): {peaks}")


@app.command("check-raw")
def check_raw_command(
    raw: Path = typer.Option(Path("data/raw"), help="The raw extracts to check."),
) -> None:
    """Landing checks (contract schema per file, Great Expectations per table) before dbt runs."""
    from omnichannel.quality import check_raw

    report = check_raw(raw, show_progress=True)
    if report.ok:
        console.print(
            f"[green]landing checks passed[/green]: {report.files_checked:,} files, "
            f"{report.rows_checked:,} rows"
        )
        return
    console.print(
        f"[red]landing checks failed[/red] ({len(report.failures)} findings); nothing is built:"
    )
    for failure in report.failures:
        console.print(f"  - {failure.path}: {failure.expectation}")
        for example in failure.examples[:5]:
            console.print(f"      {example}")
    raise typer.Exit(code=1)


@app.command()
def build(
    select: str = typer.Option(None, "--select", "-s", help="dbt selector; default: everything."),
    exclude: str = typer.Option(None, "--exclude", help="dbt exclusion."),
    target: str = typer.Option(
        None,
        "--target",
        "-t",
        help="dbt target (dev, prod, test, spark_ci); default OMNICHANNEL_TARGET or dev.",
    ),
    full_refresh: bool = typer.Option(
        False, "--full-refresh", help="Rebuild incremental models (loads late days too)."
    ),
    publish: bool = typer.Option(
        None,
        "--publish/--no-publish",
        help="Publish when the audit passes; default: yes for a whole build, no with --select.",
    ),
    skip_audit: bool = typer.Option(
        False, "--skip-audit", help="Development only: no mart audit (never with --publish)."
    ),
    skip_landing_checks: bool = typer.Option(
        False, "--skip-landing-checks", help="Development only: no landing checks on the raw files."
    ),
    max_row_drop: float = typer.Option(
        None,
        "--max-row-drop",
        help="Largest share a mart may shrink by against the published one (0.25).",
    ),
) -> None:
    """Write, audit, publish: landing checks, dbt build, mart audit, atomic publish.

    The build writes data/build/warehouse.duckdb; only a build whose landing
    checks, dbt tests and mart audit all passed replaces, atomically,
    data/published/warehouse.duckdb, the file BI tools read.
    """
    from omnichannel.pipeline import BuildOptions, build_and_publish
    from omnichannel.publish import BuildLockedError
    from omnichannel.settings import SettingsError

    if skip_audit and publish:
        console.print("[red]--skip-audit is for development builds: it cannot be published[/red]")
        raise typer.Exit(code=2)
    options = BuildOptions(
        select=select,
        exclude=exclude,
        target=target,
        full_refresh=full_refresh,
        publish=False if skip_audit else publish,
        skip_audit=skip_audit,
        skip_landing_checks=skip_landing_checks,
        max_row_drop=max_row_drop,
    )
    try:
        result = build_and_publish(options, say=console.print)
    except (SettingsError, BuildLockedError) as error:
        console.print(f"[red]cannot build:[/red] {error}")
        raise typer.Exit(code=2) from None
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/yellow] {warning}")
    if not result.ok:
        console.print(
            f"[red]{result.stage} failed[/red] ({len(result.failures)} failing checks); "
            "the published warehouse is unchanged:"
        )
        for failure in result.failures:
            console.print(f"  - {failure}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(code=1)
    if not result.published:
        console.print("[green]build passed[/green] (not published)")


@app.command()
def status(
    as_json: bool = typer.Option(False, "--json", help="Print the full status record as JSON."),
) -> None:
    """When the published warehouse was built, from which raw data, and whether a newer build failed."""
    import json

    from omnichannel.publish import attempt_state, read_build_info, read_status
    from omnichannel.settings import published_path

    published = published_path()
    current = read_status(published.parent)
    info = read_build_info(published)
    if as_json:
        print(
            json.dumps(
                {"published_file": str(published), "build_info": info, **current},
                indent=2,
                sort_keys=True,
                default=str,
            )
        )
    last_published = current.get("last_published")
    if info:
        console.print(
            f"published {published}: build {info.get('build_id')}, built {info.get('built_at')} "
            f"(target {info.get('target')}{', selection ' + info['selection'] if info.get('selection') else ''})",
            highlight=False,
        )
        console.print(
            f"  from raw {info.get('raw_root')}: days {info.get('raw_first_day')} to "
            f"{info.get('raw_last_day')}, fingerprint {info.get('raw_fingerprint')}, "
            f"generator {info.get('raw_generation')}",
            highlight=False,
        )
    else:
        console.print(f"nothing published yet at {published}: run `omnichannel build`")
    late = (last_published or {}).get("late_days_not_loaded") or []
    if late:
        console.print(
            f"[yellow]the published build misses {len(late)} late raw day(s) "
            f"({', '.join(sorted({d['day'] for d in late}))}): `omnichannel build --full-refresh` "
            "loads them[/yellow]"
        )
    last_attempt = current.get("last_attempt")
    if last_attempt and last_attempt.get("build_id") != (last_published or {}).get("build_id"):
        state = attempt_state(last_attempt)
        started = last_attempt.get("started_at")
        if state == "running":
            console.print(f"a newer build (started {started}) is running")
        elif state == "interrupted":
            console.print(
                f"[yellow]a newer build (started {started}) was interrupted before it finished; "
                "the published warehouse is the one above[/yellow]"
            )
        elif state == "failed":
            console.print(
                f"[yellow]a newer build (started {started}) failed at "
                f"{last_attempt.get('stage')}; the published warehouse is the one above:[/yellow]"
            )
            for failure in (last_attempt.get("failures") or [])[:20]:
                console.print(f"  - {failure}", markup=False, highlight=False, soft_wrap=True)
    elif last_attempt:
        console.print("no newer build has failed since")
    if not info:
        raise typer.Exit(code=1)


@app.command("export-segments")
def export_segments_command(
    file_format: str = typer.Option("csv", "--format", help="csv or parquet."),
    out: Path = typer.Option(..., "--out", help="File to write."),
    warehouse: Path | None = typer.Option(
        None, help="Warehouse to read (default: the published data/published/warehouse.duckdb)."
    ),
    salt: str | None = typer.Option(
        None, help="Salt of the hashed CRM key (default: $OMNICHANNEL_CRM_KEY_SALT or a fixed one)."
    ),
) -> None:
    """CRM activation: consented customers' segments with a hashed key, from the published warehouse."""
    from omnichannel.export_segments import ExportError, export_segments
    from omnichannel.paths import PUBLISHED_WAREHOUSE

    try:
        report = export_segments(warehouse or PUBLISHED_WAREHOUSE, out, file_format, salt)
    except ExportError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(code=2) from None
    console.print(
        f"wrote {report.rows_written:,} consented customers of {report.customers_in_mart:,} "
        f"to {report.out} ({report.file_format})"
    )


@app.command("compare-engines")
def compare_engines_command(
    world: str = typer.Option(
        "fixture",
        help="fixture: the small world of the pytest suite (generated under data/spark/fixture); "
        "demo: the demo world in data/raw (`make generate`).",
    ),
    raw: Path = typer.Option(None, help="Compare the world in this raw folder instead."),
    layers: str = typer.Option(
        "intermediate,marts,semantic", help="Model folders compared, comma-separated."
    ),
    spark_tests: bool = typer.Option(
        False,
        "--spark-tests/--no-spark-tests",
        help="Run every data test on Spark too (minutes; unit and portability tests always run).",
    ),
    incremental_check: bool = typer.Option(
        True,
        "--incremental-check/--no-incremental-check",
        help="Build Spark's incremental models on the first days first, then incrementally.",
    ),
    report_file: Path = typer.Option(
        Path("data/spark/engine_comparison.json"), "--report", help="Where the JSON report goes."
    ),
) -> None:
    """Build the same world on DuckDB and on a local Spark session and compare every model.

    Every model of the compared layers is found in the manifest; rows are
    matched on the model's primary key; money must agree to the cent and
    ratios within 1e-9. Needs the Spark dependencies (`uv sync --group spark`)
    and Java 17.
    """
    import json
    import time

    from omnichannel.engine_builds import SPARK_DIR, compare_engines

    if raw is None and world == "fixture":
        import datetime as dt

        from omnichannel.generate import generate_world, is_up_to_date

        raw = SPARK_DIR / "fixture" / "raw"
        start = dt.date.fromisoformat(FIXTURE_WORLD["start"])
        parameters = (FIXTURE_WORLD["scale"], FIXTURE_WORLD["days"], start, FIXTURE_WORLD["seed"])
        if not is_up_to_date(raw, *parameters):
            generate_world(*parameters, raw, SPARK_DIR / "fixture" / "truth", show_progress=False)
    elif raw is None and world == "demo":
        from omnichannel.paths import RAW_DIR

        raw = RAW_DIR
    elif raw is None:
        console.print(f"[red]--world is fixture or demo, got {world!r}[/red]")
        raise typer.Exit(code=2)
    if not (raw / "_generation.json").exists() and not any(raw.glob("*/*")):
        console.print(f"[red]no raw extracts in {raw}[/red]: run `make generate` first")
        raise typer.Exit(code=2)

    def show(comparison) -> None:
        mark = "[green]same[/green]" if comparison.ok else "[red]DIFFERENT[/red]"
        console.print(
            f"  {mark} {comparison.model.layer}.{comparison.model.name} "
            f"({comparison.rows_duckdb:,} rows, key {', '.join(comparison.model.key_columns) or 'whole row'})"
        )
        for problem in comparison.problems:
            console.print(f"      {problem}")

    started = time.perf_counter()
    report = compare_engines(
        raw,
        layers=tuple(layers.split(",")),
        spark_tests=spark_tests,
        incremental_check=incremental_check,
        on_model=show,
    )
    total = time.perf_counter() - started
    summary = report.as_dict() | {"total_seconds": round(total, 1)}
    report_file.parent.mkdir(parents=True, exist_ok=True)
    report_file.write_text(json.dumps(summary, indent=2, default=str) + "\n")
    for build in report.builds:
        state = "[green]built[/green]" if build.outcome.success else "[red]failed[/red]"
        console.print(f"{build.engine}: {state} in {build.seconds:.0f} s")
        for failure in build.outcome.failures:
            console.print(f"  - {failure}")
    for model in report.not_on_spark:
        console.print(f"not built on Spark ({model.language} model): {model.name}")
    same = sum(comparison.ok for comparison in report.comparisons)
    console.print(
        f"{same} of {len(report.comparisons)} models the same on both engines; "
        f"compared in {report.compare_seconds:.0f} s, {total:.0f} s in all; report in {report_file}"
    )
    if not report.ok:
        raise typer.Exit(code=1)


@app.command()
def bench(
    scales: str = typer.Option("1,3,10", help="Comma-separated world scales (span at least 10x)."),
    days: int = typer.Option(366, help="Days per world (the last one is the incremental day)."),
    repeats: int = typer.Option(3, help="Repeats of every timing (median, min, max reported)."),
    test_repeats: int = typer.Option(
        None, help="Repeats of the dbt build with tests (default: --repeats)."
    ),
    memory_limit: str = typer.Option(
        "2GB",
        help="DuckDB memory_limit of every run (2GB: the dbt process stays under 4 GiB at scale 10).",
    ),
    threads: int = typer.Option(2, help="dbt and DuckDB threads."),
    spill_limit: str = typer.Option("200MB", help="Low memory_limit of the spill proof."),
    with_tests: bool = typer.Option(
        True, "--with-tests/--models-only", help="Also time dbt build."
    ),
    work_dir: Path = typer.Option(None, help="Where the worlds go (default data/bench)."),
    report: Path = typer.Option(None, help="Markdown report (default docs/benchmarks.md)."),
    plot: Path = typer.Option(None, help="PNG plot (default docs/benchmarks_scaling.png)."),
    results: Path = typer.Option(
        None, help="Machine-readable results (default bench/results.json)."
    ),
    reuse_worlds: bool = typer.Option(
        False, "--reuse-worlds", help="Keep worlds (and generation timings) of an earlier run."
    ),
    quick: bool = typer.Option(
        False, "--quick", help="Smoke run: tiny worlds, one repeat, outputs in data/bench_quick."
    ),
) -> None:
    """Benchmark generation and dbt builds at several scales; write the report, plot and JSON."""
    from omnichannel.bench.runner import BenchConfig, run_benchmark

    overrides: dict = {
        key: value
        for key, value in {
            "work_dir": work_dir,
            "report_path": report,
            "plot_path": plot,
            "json_path": results,
            "reuse_worlds": reuse_worlds or None,
        }.items()
        if value is not None
    }
    if quick:
        config = BenchConfig.quick(**overrides)
    else:
        config = BenchConfig(
            scales=[float(value) for value in scales.split(",")],
            days=days,
            repeats=repeats,
            memory_limit=memory_limit,
            threads=threads,
            spill_limit=spill_limit,
            with_tests=with_tests,
            test_repeats=test_repeats,
            command=(
                f"omnichannel bench --scales {scales} --days {days} --repeats {repeats} "
                + (f"--test-repeats {test_repeats} " if test_repeats else "")
                + f"--memory-limit {memory_limit} --threads {threads}"
            ),
            **overrides,
        )
    outcome = run_benchmark(config, say=lambda message: console.print(message))
    for ratio in outcome["ratios"].values():
        mark = {True: "[green]met[/green]", False: "[red]missed[/red]", None: "n/a"}[ratio["met"]]
        console.print(f"{ratio['description']}: {ratio['value']} (target {ratio['target']}) {mark}")
    console.print(f"wrote {config.report_path}, {config.plot_path}, {config.json_path}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
