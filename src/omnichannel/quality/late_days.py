"""Raw days an incremental model never loaded: late data older than the lookback is reported.

Incremental models re-read only the last ``var('lookback_days')`` days before
the newest day they hold (``lookback_filter``). A day delivered later than
that is skipped by every incremental run until a full refresh: the warehouse
would be missing it in silence. After each build this module compares, for
every incremental model of the manifest that carries the raw extract day
(``extract_date``, or the column named in ``meta: {late_day_column: ...}``),
the days present in the raw folders of the daily sources it is built from
(days whose Parquet files hold rows, read from the footers) with the days the
model holds. A missing day older than the model's lookback window is a day
that arrived too late; ``omnichannel build --full-refresh`` loads it.

A raw day whose every row is rejected by staging (quarantined or a
duplicate) is listed as well: the quarantine model says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

DEFAULT_DAY_COLUMN = "extract_date"


@dataclass(frozen=True)
class DayNotLoaded:
    model: str
    day: str
    sources: tuple[str, ...]
    older_than_lookback: bool

    def __str__(self) -> str:
        why = (
            "arrived after later days, older than the lookback"
            if self.older_than_lookback
            else "not loaded"
        )
        return f"{self.model}: raw day {self.day} of {', '.join(self.sources)} {why}"


def incremental_models(manifest: dict) -> dict[str, dict]:
    """unique_id -> node of every incremental model of the project."""
    project = manifest["metadata"].get("project_name") or "omnichannel"
    return {
        unique_id: node
        for unique_id, node in sorted(manifest["nodes"].items())
        if node["resource_type"] == "model"
        and node.get("package_name") == project
        and node["config"].get("materialized") == "incremental"
    }


def day_column(node: dict) -> str | None:
    """The column that holds the raw extract day, or None when the model has none."""
    meta = node["config"].get("meta") or node.get("meta") or {}
    if meta.get("late_day_column"):
        return str(meta["late_day_column"])
    return DEFAULT_DAY_COLUMN if DEFAULT_DAY_COLUMN in node.get("columns", {}) else None


def daily_sources(manifest: dict, unique_id: str) -> list[dict]:
    """The daily-partitioned sources `unique_id` is built from, through any number of models."""
    parents = manifest["parent_map"]
    seen, stack, found = set(), [unique_id], []
    while stack:
        node_id = stack.pop()
        for parent in parents.get(node_id, []):
            if parent in seen:
                continue
            seen.add(parent)
            if parent.startswith("source."):
                source = manifest["sources"][parent]
                if (source.get("meta") or {}).get("raw_partition", "daily") == "daily":
                    found.append(source)
            else:
                stack.append(parent)
    return sorted(found, key=lambda s: s["unique_id"])


def raw_days_with_rows(raw_root: Path, source: dict) -> set[str]:
    """Days of a source's raw folder whose Parquet files hold at least one row."""
    folder = Path(raw_root) / source["source_name"] / source["identifier"]
    days = set()
    for day in sorted(folder.glob("date=*")):
        rows = 0
        for path in day.glob("*.parquet"):
            try:
                rows += pq.read_metadata(path).num_rows
            except Exception:  # a corrupt file is the landing checks' finding
                continue
        if rows:
            days.add(day.name.removeprefix("date="))
    return days


def days_not_loaded(
    warehouse: Path, manifest: dict, raw_root: Path, lookback_days: int
) -> list[DayNotLoaded]:
    """Raw days each audited incremental model does not hold, oldest first."""
    import duckdb

    findings: list[DayNotLoaded] = []
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        for unique_id, node in incremental_models(manifest).items():
            column = day_column(node)
            sources = daily_sources(manifest, unique_id)
            if column is None or not sources:
                continue
            relation = f"{node['schema']}.{node.get('alias') or node['name']}"
            try:
                loaded = {
                    str(day)
                    for (day,) in connection.execute(
                        f"select distinct cast({column} as date) from {relation}"
                    ).fetchall()
                    if day is not None
                }
            except duckdb.CatalogException:
                continue  # not built (a --select build)
            raw: dict[str, list[str]] = {}
            for source in sources:
                for day in raw_days_with_rows(raw_root, source):
                    raw.setdefault(day, []).append(f"{source['source_name']}.{source['name']}")
            window_start = (
                dt.date.fromisoformat(max(loaded)) - dt.timedelta(days=lookback_days)
                if loaded
                else None
            )
            for day in sorted(set(raw) - loaded):
                older = window_start is not None and dt.date.fromisoformat(day) < window_start
                findings.append(DayNotLoaded(node["name"], day, tuple(sorted(raw[day])), older))
    return sorted(findings, key=lambda f: (f.day, f.model))
