"""The `omnichannel` command line: generate the world, check it, build and publish the warehouse."""

from __future__ import annotations

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
def build(
    select: str = typer.Option(None, "--select", "-s", help="dbt selector; default: everything."),
    target: str = typer.Option(None, "--target", "-t", help="dbt target (dev, test, spark_ci)."),
    full_refresh: bool = typer.Option(False, "--full-refresh", help="Rebuild incremental models."),
) -> None:
    """Run `dbt build` from the project root and list the failing nodes on failure."""
    from omnichannel.dbt_runner import run_dbt

    args = ["build"]
    if select:
        args += ["--select", select]
    if target:
        args += ["--target", target]
    if full_refresh:
        args.append("--full-refresh")
    outcome = run_dbt(args)
    if not outcome.success:
        console.print("[red]dbt build failed[/red]")
        for failure in outcome.failures:
            console.print(f"  - {failure}")
        raise typer.Exit(code=1)
    console.print("[green]dbt build succeeded[/green]")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
