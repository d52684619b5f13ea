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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
