"""Helpers shared by the fault tests (tests/python/test_faults_*.py): worlds, env, checksums."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb

from omnichannel.paths import PROJECT_ROOT

OMNICHANNEL = str(Path(sys.executable).with_name("omnichannel"))


def warehouse_env(root: Path, raw: Path) -> dict[str, str]:
    """Variables that point a build at files under `root` (never the worktree's data/)."""
    return {
        "OMNICHANNEL_TARGET": "test",
        "OMNICHANNEL_RAW_ROOT": str(raw),
        "OMNICHANNEL_DUCKDB_PATH": str(root / "build" / "warehouse.duckdb"),
        "OMNICHANNEL_DUCKDB_TEMP": str(root / "build" / "duckdb_tmp"),
        "OMNICHANNEL_PUBLISHED_PATH": str(root / "published" / "warehouse.duckdb"),
        "DBT_TARGET_PATH": str(root / "target"),
        "DBT_LOG_PATH": str(root / "logs"),
    }


def subprocess_env(variables: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OMNICHANNEL_")}
    env.update(variables)
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "200"
    return env


@contextlib.contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    """Set `variables` in os.environ for an in-process build, then restore what was there."""
    previous = {key: os.environ.get(key) for key in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def day_of(folder: Path) -> dt.date:
    return dt.date.fromisoformat(folder.name.split("=", 1)[1])


def move_days(source: Path, destination: Path, days: set[dt.date]) -> None:
    """Move the `date=` folders of `days` (every daily table) from one raw tree to another."""
    for folder in sorted(source.glob("*/*/date=*")):
        if day_of(folder) in days:
            target = destination / folder.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(folder), str(target))


def relation_checksums(database: Path, schemas: tuple[str, ...]) -> dict[str, tuple[int, str]]:
    """Every table or view of `schemas`: (rows, md5 of its rows in sorted order).

    Doubles are rounded to 9 decimals first so that a different summation order
    in a parallel aggregate does not count as a different result.
    """
    sums = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        columns: dict[str, list[tuple[str, str]]] = {}
        for schema, table, column, data_type in connection.execute(
            "select table_schema, table_name, column_name, data_type "
            "from information_schema.columns where table_catalog = current_database() "
            f"and table_schema in ({', '.join('?' for _ in schemas)}) "
            "order by table_schema, table_name, ordinal_position",
            list(schemas),
        ).fetchall():
            columns.setdefault(f"{schema}.{table}", []).append((column, data_type))
        for relation, cols in sorted(columns.items()):
            parts = [
                f"coalesce(cast(round(\"{c}\", 9) as varchar), '~')"
                if t in ("DOUBLE", "FLOAT")
                else f"coalesce(cast(\"{c}\" as varchar), '~')"
                for c, t in cols
            ]
            row = " || '|' || ".join(parts)
            rows, digest = connection.execute(
                f"select count(*), md5(coalesce(string_agg(r, chr(10) order by r), '')) "
                f"from (select {row} as r from {relation})"
            ).fetchone()
            sums[relation] = (rows, digest)
    return sums


__all__ = ["OMNICHANNEL", "PROJECT_ROOT"]
