"""The engine comparison (`omnichannel compare-engines`): which models it compares and what it calls equal.

The Spark side needs Java and minutes (`make spark`); here the comparison's
own rules are checked on hand-made rows and manifests, and model discovery on
the fixture build's real manifest.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from omnichannel.engines import compare_rows, missing_from, models_to_compare, values_equal
from omnichannel.paths import PROJECT_ROOT


def model_node(name: str, layer: str, materialized: str = "table", language: str = "sql") -> dict:
    return {
        "resource_type": "model",
        "name": name,
        "fqn": ["omnichannel", layer, "area", name],
        "schema": layer,
        "alias": name,
        "language": language,
        "config": {"materialized": materialized},
    }


def key_test(name: str, model: str, column: str | None, combination: list[str] | None = None):
    return {
        "resource_type": "test",
        "attached_node": f"model.omnichannel.{model}",
        "column_name": column,
        "test_metadata": {
            "name": name,
            "kwargs": {"combination_of_columns": combination} if combination else {},
        },
    }


MANIFEST = {
    "nodes": {
        "model.omnichannel.fct_orders": model_node("fct_orders", "marts"),
        "model.omnichannel.int_orders_unified": model_node("int_orders_unified", "intermediate"),
        "model.omnichannel.int_scored": model_node("int_scored", "intermediate", language="python"),
        "model.omnichannel.int_helper": model_node("int_helper", "intermediate", "ephemeral"),
        "model.omnichannel.stg_shop__orders": model_node("stg_shop__orders", "staging", "view"),
        "model.omnichannel.stg_web__events": model_node(
            "stg_web__events", "staging", "incremental"
        ),
        "seed.omnichannel.stores": {
            "resource_type": "seed",
            "name": "stores",
            "fqn": ["omnichannel", "stores"],
            "schema": "reference",
            "alias": "stores",
            "config": {"materialized": "seed"},
        },
        "test.a": key_test("unique", "fct_orders", "order_id"),
        "test.b": key_test(
            "unique_combination_of_columns", "fct_orders", None, ["order_id", "line_number"]
        ),
        "test.c": key_test(
            "unique_combination_of_columns", "int_orders_unified", None, ["Channel", "order_id"]
        ),
        "test.d": key_test("not_null", "int_scored", "score"),
    }
}


def test_models_to_compare_finds_layers_incremental_models_and_seeds():
    found = {model.name: model for model in models_to_compare(MANIFEST)}
    assert sorted(found) == [
        "fct_orders",
        "int_orders_unified",
        "int_scored",
        "stg_web__events",
        "stores",
    ]
    assert found["fct_orders"].key_columns == ("order_id",)  # the single-column key wins
    assert found["int_orders_unified"].key_columns == ("channel", "order_id")
    assert found["int_scored"].key_columns == ()  # no key test: compared as whole rows
    assert found["fct_orders"].relation == "marts.fct_orders"
    assert found["stores"].layer == "seeds"


def test_missing_from_lists_models_the_other_engine_does_not_build():
    models = models_to_compare(MANIFEST)
    spark_manifest = {
        "nodes": {k: v for k, v in MANIFEST["nodes"].items() if k != "model.omnichannel.int_scored"}
    }
    assert [model.name for model in missing_from(spark_manifest, models)] == ["int_scored"]


def test_values_equal_money_exact_ratios_within_tolerance():
    assert values_equal(Decimal("10.50"), Decimal("10.5"))
    assert not values_equal(Decimal("10.50"), Decimal("10.51"))
    assert values_equal(3, Decimal("3"))
    assert values_equal(0.1 + 0.2, 0.3)  # 5.6e-17 apart
    assert values_equal(1 / 3, 0.3333333333333333 + 1e-12)
    assert not values_equal(0.5, 0.5 + 1e-6)
    assert values_equal(None, None)
    assert not values_equal(None, 0)
    assert not values_equal(True, 1)
    assert values_equal(
        dt.datetime(2025, 1, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        dt.datetime(2025, 1, 1, 8, 0),
    )
    assert not values_equal(dt.date(2025, 1, 1), dt.date(2025, 1, 2))


def test_compare_rows_agrees_on_the_same_rows_in_any_order_and_column_order():
    duckdb_rows = [("o1", Decimal("10.00"), 0.25), ("o2", Decimal("5.00"), None)]
    spark_rows = [(None, "o2", Decimal("5.00")), (0.25, "o1", Decimal("10.00"))]
    problems = compare_rows(
        ["order_id", "net_eur", "share"],
        duckdb_rows,
        ["SHARE", "order_id", "net_eur"],
        spark_rows,
        ["order_id"],
    )
    assert problems == []


def test_compare_rows_names_what_differs():
    problems = compare_rows(
        ["order_id", "net_eur", "channel"],
        [("o1", Decimal("10.00"), "web"), ("o2", Decimal("5.00"), "app"), ("o3", None, "web")],
        ["order_id", "net_eur", "channel"],
        [("o1", Decimal("10.01"), "web"), ("o2", Decimal("5.00"), "app"), ("o4", None, "web")],
        ["order_id"],
    )
    assert problems == [
        "1 keys only on DuckDB, e.g. 'o3'",
        "1 keys only on Spark, e.g. 'o4'",
        "column net_eur: 1 rows differ, e.g. key ('o1'): DuckDB Decimal('10.00'), Spark Decimal('10.01')",
    ]


def test_compare_rows_without_key_compares_whole_rows():
    columns = ["day", "visits"]
    same = compare_rows(columns, [(1, 2), (1, 2), (3, 4)], columns, [(3, 4), (1, 2), (1, 2)])
    assert same == []
    different = compare_rows(columns, [(1, 2), (1, 2)], columns, [(1, 2), (1, 3)])
    assert len(different) == 1 and different[0].startswith("1 rows differ")
    fewer = compare_rows(columns, [(1, 2), (1, 2)], columns, [(1, 2)])
    assert fewer[0] == "row counts differ: DuckDB 2, Spark 1"


def test_compare_rows_reports_columns_only_one_engine_has():
    problems = compare_rows(["a", "b"], [(1, 2)], ["a", "c"], [(1, 2)], ["a"])
    assert problems == ["columns differ: only on DuckDB ['b'], only on Spark ['c']"]


def test_every_intermediate_and_mart_model_of_the_project_is_compared(warehouse):
    """Discovery is generic: each .sql/.py model under these folders is in the comparison."""
    compared = {model.name for model in models_to_compare(warehouse.manifest())}
    on_disk = {
        path.stem
        for layer in ("intermediate", "marts", "semantic")
        for path in Path(PROJECT_ROOT / "models" / layer).rglob("*")
        if path.suffix in {".sql", ".py"}
    }
    assert on_disk and on_disk <= compared
    assert {"stg_web_analytics__events", "exchange_rates"} <= compared
