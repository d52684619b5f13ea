"""The same models on two engines, compared row by row: same rows, same keys, same numbers.

Which models: every model of the compared layers (intermediate, marts and
semantic by default), every incremental model and every seed that the
DuckDB manifest holds, found from the manifest
so that a model added tomorrow is compared without touching this module. A
model the Spark manifest does not hold (a Python model disabled on Spark) is
listed as an exception, never silently dropped.

How: rows are matched on the model's primary key (the column of its
`unique` test, or the columns of its `unique_combination_of_columns` test;
a model without either is compared as a multiset of whole rows). Then every
column of every matched row must agree: text, dates, timestamps and
booleans exactly, decimals (money) exactly, and floating point numbers
(ratios) within 1e-9.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

DEFAULT_LAYERS = ("intermediate", "marts", "semantic")
FLOAT_TOLERANCE = 1e-9
EXAMPLES_SHOWN = 3

Row = tuple[object, ...]


@dataclass(frozen=True)
class ComparedModel:
    """A model to compare: where it lives and how its rows are matched."""

    unique_id: str
    name: str
    layer: str
    schema: str
    identifier: str
    language: str
    key_columns: tuple[str, ...]

    @property
    def relation(self) -> str:
        return f"{self.schema}.{self.identifier}"


@dataclass
class ModelComparison:
    """What comparing one model found; `problems` is empty when both engines agree."""

    model: ComparedModel
    rows_duckdb: int = 0
    rows_spark: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class TableReader(Protocol):
    """Reads a whole relation of one engine as column names and rows of Python values."""

    def read(self, relation: str) -> tuple[list[str], list[Row]]: ...


def _key_tests(manifest: dict) -> dict[str, list[tuple[str, ...]]]:
    """Primary keys per model, from its `unique` and `unique_combination_of_columns` tests."""
    keys: dict[str, list[tuple[str, ...]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "test" or not node.get("test_metadata"):
            continue
        model_id = node.get("attached_node")
        metadata = node["test_metadata"]
        arguments = metadata.get("kwargs", {})
        if metadata["name"] == "unique" and node.get("column_name"):
            key: tuple[str, ...] = (node["column_name"],)
        elif metadata["name"] == "unique_combination_of_columns":
            key = tuple(arguments.get("combination_of_columns") or ())
        else:
            continue
        if model_id and key:
            keys.setdefault(model_id, []).append(tuple(column.lower() for column in key))
    return keys


def models_to_compare(
    manifest: dict, layers: Sequence[str] = DEFAULT_LAYERS
) -> list[ComparedModel]:
    """Every enabled, non-ephemeral model of `layers` (the folder under models/), every
    incremental model wherever it is (incremental materialisations differ most between
    engines) and every seed (adapters load CSV cells differently)."""
    keys = _key_tests(manifest)
    models = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] == "seed":
            layer = "seeds"
        elif node["resource_type"] == "model" and len(node["fqn"]) >= 3:
            layer = node["fqn"][1]
            materialized = node["config"].get("materialized")
            if materialized == "ephemeral" or (
                layer not in layers and materialized != "incremental"
            ):
                continue
        else:
            continue
        # the shortest key: a single-column key beats a compound one
        candidates = sorted(keys.get(unique_id, []), key=lambda key: (len(key), key))
        models.append(
            ComparedModel(
                unique_id=unique_id,
                name=node["name"],
                layer=layer,
                schema=node["schema"],
                identifier=node.get("alias") or node["name"],
                language=node.get("language") or "sql",
                key_columns=candidates[0] if candidates else (),
            )
        )
    return sorted(models, key=lambda model: (model.layer, model.name))


def missing_from(manifest: dict, models: Iterable[ComparedModel]) -> list[ComparedModel]:
    """The models that `manifest` (another engine's) does not build, e.g. disabled there."""
    return [model for model in models if model.unique_id not in manifest["nodes"]]


def values_equal(left: object, right: object) -> bool:
    """One cell on both engines: exact, except floating point within 1e-9 (relative or absolute)."""
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return left == right
    if isinstance(left, int | Decimal) and isinstance(right, int | Decimal):
        return Decimal(left) == Decimal(right)
    if isinstance(left, int | float | Decimal) and isinstance(right, int | float | Decimal):
        a, b = float(left), float(right)
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=FLOAT_TOLERANCE, abs_tol=FLOAT_TOLERANCE)
    if isinstance(left, dt.datetime) and isinstance(right, dt.datetime):
        return _as_utc_naive(left) == _as_utc_naive(right)
    return left == right


def _as_utc_naive(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def _sort_key(row: Row) -> tuple:
    """Orders rows of mixed values (None first) without comparing unlike types."""
    return tuple((value is not None, type(value).__name__, value) for value in row)


def _show(key: Row) -> str:
    return ", ".join(repr(value) for value in key)


def compare_rows(
    columns_duckdb: Sequence[str],
    rows_duckdb: Sequence[Row],
    columns_spark: Sequence[str],
    rows_spark: Sequence[Row],
    key_columns: Sequence[str] = (),
) -> list[str]:
    """The differences between one model's rows on DuckDB and on Spark; empty when they agree."""
    names_duckdb = [name.lower() for name in columns_duckdb]
    names_spark = [name.lower() for name in columns_spark]
    problems = []
    if set(names_duckdb) != set(names_spark):
        only_duckdb = sorted(set(names_duckdb) - set(names_spark))
        only_spark = sorted(set(names_spark) - set(names_duckdb))
        problems.append(f"columns differ: only on DuckDB {only_duckdb}, only on Spark {only_spark}")
    columns = [name for name in names_duckdb if name in set(names_spark)]
    position_spark = [names_spark.index(name) for name in columns]
    duckdb_rows = [tuple(row) for row in rows_duckdb]
    spark_rows = [tuple(row[i] for i in position_spark) for row in rows_spark]
    if len(duckdb_rows) != len(spark_rows):
        problems.append(f"row counts differ: DuckDB {len(duckdb_rows)}, Spark {len(spark_rows)}")
    key = [name.lower() for name in key_columns if name.lower() in columns]
    if key and len(key) == len(key_columns):
        problems += _compare_by_key(columns, duckdb_rows, spark_rows, key)
    else:
        problems += _compare_as_multisets(columns, duckdb_rows, spark_rows)
    return problems


def _compare_by_key(
    columns: Sequence[str], rows_duckdb: Sequence[Row], rows_spark: Sequence[Row], key: list[str]
) -> list[str]:
    positions = [columns.index(name) for name in key]
    by_key_duckdb = {tuple(row[i] for i in positions): row for row in rows_duckdb}
    by_key_spark = {tuple(row[i] for i in positions): row for row in rows_spark}
    problems = []
    if len(by_key_duckdb) != len(rows_duckdb) or len(by_key_spark) != len(rows_spark):
        problems.append(f"key {key} is not unique on one of the engines")
    only_duckdb = sorted(set(by_key_duckdb) - set(by_key_spark), key=_sort_key)
    only_spark = sorted(set(by_key_spark) - set(by_key_duckdb), key=_sort_key)
    if only_duckdb:
        shown = "; ".join(_show(k) for k in only_duckdb[:EXAMPLES_SHOWN])
        problems.append(f"{len(only_duckdb)} keys only on DuckDB, e.g. {shown}")
    if only_spark:
        shown = "; ".join(_show(k) for k in only_spark[:EXAMPLES_SHOWN])
        problems.append(f"{len(only_spark)} keys only on Spark, e.g. {shown}")
    mismatches: Counter[str] = Counter()
    examples: dict[str, str] = {}
    for row_key in sorted(set(by_key_duckdb) & set(by_key_spark), key=_sort_key):
        left, right = by_key_duckdb[row_key], by_key_spark[row_key]
        for position, name in enumerate(columns):
            if not values_equal(left[position], right[position]):
                mismatches[name] += 1
                examples.setdefault(
                    name,
                    f"key ({_show(row_key)}): DuckDB {left[position]!r}, Spark {right[position]!r}",
                )
    for name, count in sorted(mismatches.items()):
        problems.append(f"column {name}: {count} rows differ, e.g. {examples[name]}")
    return problems


def _compare_as_multisets(
    columns: Sequence[str], rows_duckdb: Sequence[Row], rows_spark: Sequence[Row]
) -> list[str]:
    """Without a key: sort both sides and compare row by row (with the float tolerance)."""
    sorted_duckdb = sorted(rows_duckdb, key=_sort_key)
    sorted_spark = sorted(rows_spark, key=_sort_key)
    differing = [
        (left, right)
        for left, right in zip(sorted_duckdb, sorted_spark, strict=False)
        if not all(values_equal(a, b) for a, b in zip(left, right, strict=True))
    ]
    if not differing:
        return []
    left, right = differing[0]
    return [
        f"{len(differing)} rows differ (no key: rows compared in sorted order), "
        f"e.g. DuckDB {dict(zip(columns, left, strict=True))} vs Spark {dict(zip(columns, right, strict=True))}"
    ]


def compare_model(
    model: ComparedModel, duckdb_reader: TableReader, spark_reader: TableReader
) -> ModelComparison:
    """Read `model` from both engines and compare it; a read error is a problem, not a crash."""
    result = ModelComparison(model)
    try:
        columns_duckdb, rows_duckdb = duckdb_reader.read(model.relation)
        columns_spark, rows_spark = spark_reader.read(model.relation)
    except Exception as error:  # an unreadable relation is a finding of the comparison
        result.problems.append(f"could not read {model.relation}: {str(error).splitlines()[0]}")
        return result
    result.rows_duckdb, result.rows_spark = len(rows_duckdb), len(rows_spark)
    result.problems = compare_rows(
        columns_duckdb, rows_duckdb, columns_spark, rows_spark, model.key_columns
    )
    return result
