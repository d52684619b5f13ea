"""What dbt ran per node: the statements of a `--debug --log-format json` log, by kind.

Usage:
    .venv/bin/dbt --debug --log-format json run --profiles-dir . > run.jsonl
    .venv/bin/python -m omnichannel.bench.statements run.jsonl

Each `SQLQuery` event is paired with the next `SQLQueryStatus` of the same
thread (dbt runs one statement at a time per thread) and classified by its
first words (`create table`, `comment on column`, a column query, ...). Prints
the count and seconds of each kind per materialization, then the statements per
node of each materialization.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

KINDS = (
    ("comment on column", "comment on column"),
    ("comment on", "comment on relation"),
    ("create or replace view", "create or replace view"),
    ("create view", "create view"),
    ("create table", "create table"),
    ("create temporary table", "create temp table"),
    ("create temp table", "create temp table"),
    ("create schema", "create schema"),
    ("alter", "rename"),
    ("drop", "drop"),
    ("insert", "insert"),
    ("delete", "delete"),
    ("describe", "describe"),
    ("begin", "begin"),
    ("commit", "commit"),
)


def statement_kind(sql: str) -> str:
    """The kind of one statement: its leading words, or the catalog it queries."""
    text = re.sub(r"/\*.*?\*/", " ", sql, flags=re.DOTALL)
    text = re.sub(r"\s+", " ", text).strip().lower()
    for prefix, kind in KINDS:
        if text.startswith(prefix):
            return kind
    if text.startswith(("select", "with")):
        if "information_schema.columns" in text:
            return "column query"
        if "duckdb_" in text or "information_schema" in text:
            return "catalog query"
        return "select"
    return text.split(" ", 1)[0] or "empty"


@dataclass
class StatementProfile:
    """Count and seconds per (materialization, kind); statements per node."""

    kinds: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    per_node: dict[str, int] = field(default_factory=dict)
    materialized: dict[str, str] = field(default_factory=dict)

    @property
    def statements(self) -> int:
        return sum(int(count) for count, _ in self.kinds.values())

    def per_node_by_materialization(self) -> dict[str, tuple[int, float]]:
        """Nodes and mean statements per node of each materialization."""
        grouped: dict[str, list[int]] = defaultdict(list)
        for unique_id, count in self.per_node.items():
            grouped[self.materialized.get(unique_id, "-")].append(count)
        return {
            kind: (len(counts), sum(counts) / len(counts))
            for kind, counts in sorted(grouped.items())
        }


def profile_statements(lines: Iterable[str]) -> StatementProfile:
    """Pair every statement of a dbt JSON log with its status and add it up."""
    profile = StatementProfile()
    pending: dict[str, tuple[str, str]] = {}
    kinds: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0])
    per_node: dict[str, int] = defaultdict(int)
    for line in lines:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        info, data = event.get("info", {}), event.get("data", {})
        node = data.get("node_info") or {}
        unique_id = node.get("unique_id") or "-"
        if node.get("materialized"):
            profile.materialized[unique_id] = node["materialized"]
        thread = info.get("thread", "")
        if info.get("name") == "SQLQuery":
            pending[thread] = (unique_id, statement_kind(data.get("sql", "")))
        elif info.get("name") == "SQLQueryStatus" and thread in pending:
            owner, kind = pending.pop(thread)
            entry = kinds[(profile.materialized.get(owner, "-"), kind)]
            entry[0] += 1
            entry[1] += float(data.get("elapsed") or 0.0)
            per_node[owner] += 1
    profile.kinds = dict(kinds)
    profile.per_node = dict(per_node)
    return profile


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    with Path(argv[0]).open() as log:
        profile = profile_statements(log)
    seconds = sum(total for _, total in profile.kinds.values())
    print(f"{profile.statements} statements, {seconds:.1f} s of statement time")
    for (materialized, kind), (count, total) in sorted(
        profile.kinds.items(), key=lambda item: -item[1][1]
    ):
        print(f"  {materialized:12s} {kind:24s} {int(count):6d} {total:8.2f} s")
    for materialized, (nodes, mean) in profile.per_node_by_materialization().items():
        print(f"  {materialized:12s} {nodes:4d} nodes, {mean:.1f} statements per node")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
