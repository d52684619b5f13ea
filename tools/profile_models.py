"""Profile compiled models against a built warehouse, or compare two warehouses' tables.

    profile: run each model's compiled SQL (`create temp table as`) against the warehouse
             attached read-only as `warehouse`, with DuckDB's JSON profiler; print wall and
             process CPU seconds, rows and the costliest operators (operator seconds summed
             over threads). Compile a full refresh first (`dbt compile --full-refresh`).
    compare: `except all` both ways of each table (all tables when none is named) between two
             warehouses, on the second one's columns; prints the rows and both differences.
             `--round-doubles 9`: doubles rounded first (two builds of the same code differ in
             the last digits of parallel float sums).

    python tools/profile_models.py profile data/build/warehouse.duckdb target/compiled \
        stg_web_analytics__events int_sessions_sessionized --repeat 2
    python tools/profile_models.py compare data/build/warehouse.duckdb /tmp/main.duckdb

Run from the repository root (the raw views resolve `data/raw` relative to it).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb


def process_cpu_seconds() -> float:
    """User + system CPU of this process, DuckDB's threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def operators(node: dict[str, Any]) -> list[tuple[float, str, int]]:
    """(seconds, name, rows) of every operator of a DuckDB JSON profile tree."""
    name = str(node.get("operator_name") or node.get("operator_type") or "?").strip()
    found = [
        (float(node.get("operator_timing", 0.0)), name, int(node.get("operator_cardinality", 0)))
    ]
    for child in node.get("children", []):
        found.extend(operators(child))
    return found


def compiled_sql(compiled_dir: Path, model: str) -> str:
    paths = [p for p in compiled_dir.rglob(f"{model}.sql") if "unit_test" not in str(p)]
    if len(paths) != 1:
        raise SystemExit(f"{model}: expected one compiled file under {compiled_dir}, found {paths}")
    return paths[0].read_text()


def profile(warehouse: Path, compiled_dir: Path, models: list[str], repeat: int) -> None:
    con = duckdb.connect()
    con.execute(f"attach '{warehouse}' as warehouse (read_only)")
    con.execute("use warehouse")
    con.execute("set threads = 2")
    con.execute("set preserve_insertion_order = false")
    with tempfile.TemporaryDirectory() as tmp:
        profile_path = Path(tmp) / "profile.json"
        for model in models:
            sql = compiled_sql(compiled_dir, model)
            for run in range(repeat):
                con.execute("pragma enable_profiling = 'json'")
                con.execute(f"pragma profiling_output = '{profile_path}'")
                cpu_start, wall_start = process_cpu_seconds(), time.time()
                con.execute(f"create or replace temp table profiled as {sql}")
                wall, cpu = time.time() - wall_start, process_cpu_seconds() - cpu_start
                con.execute("pragma disable_profiling")
                row = con.execute("select count(*) from profiled").fetchone()
                rows = row[0] if row else 0
                top = sorted(operators(json.loads(profile_path.read_text())), reverse=True)[:5]
                costliest = ", ".join(
                    f"{name} {seconds:.2f}s/{card}" for seconds, name, card in top
                )
                print(
                    f"{model} #{run}: wall {wall:.2f} s, cpu {cpu:.2f} s, rows {rows} | {costliest}"
                )
        con.execute("drop table if exists profiled")


def compare(mine: Path, other: Path, tables: list[str], round_doubles: int | None) -> int:
    con = duckdb.connect()
    con.execute(f"attach '{mine}' as mine (read_only)")
    con.execute(f"attach '{other}' as other (read_only)")
    listed = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = 'other' "
        "order by schema_name, table_name"
    ).fetchall()
    differing = 0
    for schema, table in listed:
        if tables and table not in tables:
            continue
        present = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'mine' "
            "and schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchone()
        if not present or present[0] == 0:
            print(f"{schema}.{table}: not in the first warehouse")
            continue
        columns = con.execute(
            "select column_name, data_type from duckdb_columns() where database_name = 'other' "
            "and schema_name = ? and table_name = ? order by column_index",
            [schema, table],
        ).fetchall()
        select_list = ", ".join(
            f'round("{column}", {round_doubles})'
            if round_doubles is not None and data_type in ("DOUBLE", "FLOAT")
            else f'"{column}"'
            for column, data_type in columns
        )
        mine_sql = f"select {select_list} from mine.{schema}.{table}"
        other_sql = f"select {select_list} from other.{schema}.{table}"
        counts = [
            con.execute(f"select count(*) from ({sql})").fetchone()
            for sql in (
                mine_sql,
                f"{mine_sql} except all {other_sql}",
                f"{other_sql} except all {mine_sql}",
            )
        ]
        rows, only_mine, only_other = (count[0] if count else 0 for count in counts)
        differing += int(only_mine > 0 or only_other > 0)
        print(
            f"{schema}.{table}: rows {rows}, only in first {only_mine}, only in second {only_other}"
        )
    return differing


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    profile_parser = commands.add_parser("profile")
    profile_parser.add_argument("warehouse", type=Path)
    profile_parser.add_argument("compiled_dir", type=Path)
    profile_parser.add_argument("models", nargs="+")
    profile_parser.add_argument("--repeat", type=int, default=1)
    compare_parser = commands.add_parser("compare")
    compare_parser.add_argument("first", type=Path)
    compare_parser.add_argument("second", type=Path)
    compare_parser.add_argument("tables", nargs="*")
    compare_parser.add_argument(
        "--round-doubles",
        type=int,
        default=None,
        help="round double columns to this many decimals (parallel float sums differ in the last digits)",
    )
    args = parser.parse_args()
    if args.command == "profile":
        profile(args.warehouse, args.compiled_dir, args.models, args.repeat)
    else:
        raise SystemExit(
            1 if compare(args.first, args.second, args.tables, args.round_doubles) else 0
        )


if __name__ == "__main__":
    main()
