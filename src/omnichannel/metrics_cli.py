"""`omnichannel metrics`: list the semantic layer's metrics and query them with MetricFlow."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

metrics_app = typer.Typer(
    no_args_is_help=True,
    help="The semantic layer: list metrics, query one or a saved query (MetricFlow).",
)
console = Console(stderr=True)


def _semantic_manifest() -> Path:
    """The project's semantic manifest, freshly parsed (`dbt parse`, partial: a few seconds)."""
    from omnichannel.dbt_runner import run_dbt
    from omnichannel.semantic_layer import SEMANTIC_MANIFEST

    outcome = run_dbt(["parse", "--quiet"])
    if not outcome.success or not SEMANTIC_MANIFEST.exists():
        console.print("[red]dbt parse failed[/red]: " + "; ".join(outcome.failures))
        raise typer.Exit(code=1)
    return SEMANTIC_MANIFEST


@metrics_app.command("list")
def list_metrics() -> None:
    """Every metric: name, type, label and definition."""
    from omnichannel.semantic_layer import read_metrics

    metrics = read_metrics(_semantic_manifest())
    table = Table(show_lines=False)
    table.add_column("metric", no_wrap=True, min_width=max(len(m.name) for m in metrics))
    table.add_column("type", no_wrap=True)
    table.add_column("label")
    table.add_column("description")
    for metric in metrics:
        table.add_row(metric.name, metric.type, metric.label, metric.description)
    Console().print(table)
    console.print(f"{len(metrics)} metrics")


def _run_on_published(args: list[str], warehouse: Path) -> None:
    from omnichannel.semantic_layer import prepare_workdir, run_mf

    if not warehouse.exists():
        console.print(f"[red]{warehouse} does not exist[/red]: run `make build` first")
        raise typer.Exit(code=1)
    with tempfile.TemporaryDirectory(prefix="omnichannel-mf-") as scratch:
        workdir = Path(scratch)
        prepare_workdir(workdir, warehouse, _semantic_manifest())
        completed = run_mf(args, workdir, check=False)
    print(completed.stdout)
    if completed.returncode != 0 or "ERROR:" in completed.stdout:
        console.print(completed.stderr[-2000:])
        raise typer.Exit(code=1)


def _published() -> Path:
    from omnichannel.paths import PUBLISHED_WAREHOUSE

    return PUBLISHED_WAREHOUSE


@metrics_app.command("query")
def query(
    metrics: list[str] = typer.Argument(..., help="Metric names, e.g. net_sales cm1."),
    group_by: str = typer.Option(
        "metric_time__month", "--group-by", help="Comma-separated dimensions."
    ),
    where: str = typer.Option(None, "--where", help="MetricFlow where filter."),
    start: str = typer.Option(None, "--start", help="First metric_time, YYYY-MM-DD."),
    end: str = typer.Option(None, "--end", help="Last metric_time, YYYY-MM-DD."),
    order: str = typer.Option(None, "--order", help="Comma-separated order, '-' for desc."),
    csv: Path = typer.Option(None, "--csv", help="Write the result to this CSV file."),
    warehouse: Path = typer.Option(None, help="Warehouse file; default: the published one."),
) -> None:
    """Query metrics with `mf query` on (a private copy of) the published warehouse."""
    args = ["query", "--metrics", ",".join(metrics), "--group-by", group_by]
    for flag, value in (
        ("--where", where),
        ("--start-time", start),
        ("--end-time", end),
        ("--order", order),
    ):
        if value:
            args += [flag, value]
    if csv:
        args += ["--csv", str(csv.resolve())]
    _run_on_published(args, warehouse or _published())


@metrics_app.command("saved-query")
def saved_query(
    name: str = typer.Argument(..., help="Saved query name (see models/semantic/)."),
    csv: Path = typer.Option(None, "--csv", help="Write the result to this CSV file."),
    warehouse: Path = typer.Option(None, help="Warehouse file; default: the published one."),
) -> None:
    """Run a saved query (the dashboard's views and exports) with `mf query --saved-query`."""
    args = ["query", "--saved-query", name]
    if csv:
        args += ["--csv", str(csv.resolve())]
    _run_on_published(args, warehouse or _published())
