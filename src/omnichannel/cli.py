"""The `omnichannel` command line: generate the world, check it, build and publish the warehouse."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

app = typer.Typer(
    no_args_is_help=True,
    help="Omnichannel retail warehouse: generate demo extracts, check them, build with dbt.",
)
console = Console(stderr=True)


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
    target: str = typer.Option(None, "--target", "-t", help="dbt target (dev, test, spark_ci)."),
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Rebuild incremental models."),
    publish: bool = typer.Option(
        True, "--publish/--no-publish", help="Publish the build when every test passed."
    ),
) -> None:
    """Build with dbt (models, tests), then publish the warehouse if the audit passed.

    The build writes data/build/warehouse.duckdb; only a green build is copied,
    atomically, to data/published/warehouse.duckdb, the file BI tools read.
    """
    import json

    import duckdb

    from omnichannel.dbt_runner import run_dbt
    from omnichannel.paths import BUILD_WAREHOUSE, PUBLISHED_DIR, PUBLISHED_WAREHOUSE, RAW_DIR
    from omnichannel.publish import PublishAttempt, publish_atomically, record_attempt, utc_now

    started_at = utc_now()
    args = ["build"]
    if select:
        args += ["--select", select]
    if target:
        args += ["--target", target]
    if full_refresh:
        args.append("--full-refresh")
    outcome = run_dbt(args)
    generation_file = RAW_DIR / "_generation.json"
    generation = json.loads(generation_file.read_text()) if generation_file.exists() else None
    publishing = publish and not select and target in (None, "dev")
    if not outcome.success:
        console.print("[red]dbt build failed[/red]; the published warehouse is unchanged:")
        for failure in outcome.failures:
            console.print(f"  - {failure}")
        if publishing:
            record_attempt(
                PUBLISHED_DIR,
                PublishAttempt(started_at, utc_now(), False, generation, outcome.failures),
            )
        raise typer.Exit(code=1)
    console.print("[green]dbt build succeeded[/green]")
    if publishing:
        with duckdb.connect(str(BUILD_WAREHOUSE)) as connection:
            connection.execute("checkpoint")
        publish_atomically(BUILD_WAREHOUSE, PUBLISHED_WAREHOUSE)
        record_attempt(PUBLISHED_DIR, PublishAttempt(started_at, utc_now(), True, generation))
        console.print(f"published {PUBLISHED_WAREHOUSE}")


@app.command()
def status() -> None:
    """When the published warehouse was built, from which raw data, and whether a newer build failed."""
    import json

    from omnichannel.paths import PUBLISHED_DIR
    from omnichannel.publish import read_status

    current = read_status(PUBLISHED_DIR)
    if not current:
        console.print("nothing published yet: run `omnichannel build`")
        raise typer.Exit(code=1)
    print(json.dumps(current, indent=2, sort_keys=True))
    last_attempt, last_published = current.get("last_attempt"), current.get("last_published")
    if last_attempt and not last_attempt["succeeded"]:
        console.print(
            f"[yellow]the newest build ({last_attempt['started_at']}) failed; "
            f"BI tools still read the build of "
            f"{last_published['started_at'] if last_published else 'nothing'}[/yellow]"
        )


@app.command()
def bench(
    scales: str = typer.Option("1,3,10", help="Comma-separated world scales (span at least 10x)."),
    days: int = typer.Option(366, help="Days per world (the last one is the incremental day)."),
    repeats: int = typer.Option(3, help="Repeats of every timing (median, min, max reported)."),
    test_repeats: int = typer.Option(
        None, help="Repeats of the dbt build with tests (default: --repeats)."
    ),
    memory_limit: str = typer.Option("3GB", help="DuckDB memory_limit of every run."),
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
