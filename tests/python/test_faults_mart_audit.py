"""The mart audit catches each kind of wrong mart, and passes the project's real marts.

A hand-made warehouse holds one good mart and one mart per fault; the
manifest beside it declares them the way dbt would (contract types, key
tests, constraints). Each fault must be reported against its own mart, and
the good mart must pass, so no rule fires by accident.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from omnichannel.quality.late_days import days_not_loaded
from omnichannel.quality.marts import audit_marts, mart_specs
from omnichannel.settings import project_vars

GOOD_ROWS = """
    select * from (values
        (date '2025-01-01', 'web', 2, 10, cast(0.2 as double), cast(10.50 as decimal(18, 2)), 'Paid Search'),
        (date '2025-01-01', 'app', 0, 0, null, cast(0 as decimal(18, 2)), 'Direct'),
        (date '2025-01-02', 'web', 1, 4, cast(0.25 as double), cast(3.10 as decimal(18, 2)), 'Email')
    ) as t(order_date, order_channel, conversion_numerator, conversion_denominator,
           conversion_rate, net_sales_amount_eur, default_channel_group)
"""
CONTRACT = {
    "order_date": "date",
    "order_channel": "varchar",
    "conversion_numerator": "integer",
    "conversion_denominator": "integer",
    "conversion_rate": "double",
    "net_sales_amount_eur": "decimal(18,2)",
    "default_channel_group": "text",
}
KEY = ["order_date", "order_channel"]
# mart -> (SQL that makes it from the good rows, check the audit must report)
BROKEN = {
    "kpi_rate_above_one": (
        "select * replace (cast(1.5 as double) as conversion_rate) from good",
        "expect_column_values_to_be_between on conversion_rate in [0",
    ),
    "kpi_negative_numerator": (
        "select * replace (-1 as conversion_numerator) from good",
        "expect_column_values_to_be_between on conversion_numerator in [0",
    ),
    "kpi_zero_not_null": (
        "select * replace (coalesce(conversion_rate, 0) as conversion_rate) from good",
        "conversion_rate = conversion_numerator / conversion_denominator, null when the "
        "denominator is empty",
    ),
    "kpi_duplicate_key": (
        "select * replace ('web' as order_channel) from good",
        "expect_compound_columns_to_be_unique on ['order_date', 'order_channel']",
    ),
    "kpi_null_in_not_null": (
        "select * replace (case when order_channel = 'app' then null else order_date end "
        "as order_date) from good",
        "expect_column_values_to_not_be_null on order_date",
    ),
    "kpi_email_leak": (
        "select * replace (case when order_channel = 'app' then ' Anna.Muster@Example.com' "
        "else default_channel_group end as default_channel_group) from good",
        "no PII on default_channel_group",
    ),
    "kpi_phone_leak": (
        "select * replace (case when order_channel = 'app' then '+49 (0)151 2345678' "
        "else order_channel end as order_channel) from good",
        "no PII on order_channel",
    ),
    "kpi_wrong_type": (
        "select * replace (cast(net_sales_amount_eur as double) as net_sales_amount_eur) from good",
        "column type of net_sales_amount_eur",
    ),
    "kpi_missing_column": (
        "select order_date, order_channel, conversion_numerator, conversion_denominator, "
        "conversion_rate, net_sales_amount_eur from good",
        "columns match the contract",
    ),
    "kpi_shrunk": ("select * from good where order_channel = 'app'", "row_count"),
}
UNDECLARED = "kpi_left_behind"  # in the warehouse, not in the manifest
KEYLESS = "kpi_without_key"  # in the manifest without any key


def model_node(name: str, with_key: bool = True) -> dict:
    return {
        "resource_type": "model",
        "package_name": "omnichannel",
        "name": name,
        "alias": name,
        "schema": "marts",
        "config": {"materialized": "table", "meta": {}},
        "constraints": [{"type": "primary_key", "columns": KEY}] if with_key else [],
        "columns": {
            column: {
                "data_type": data_type,
                "constraints": [{"type": "not_null"}] if column == "order_date" else [],
            }
            for column, data_type in CONTRACT.items()
        },
    }


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("mart_audit")
    marts = ["kpi_good", *BROKEN, KEYLESS]
    manifest = {
        "metadata": {"project_name": "omnichannel"},
        "nodes": {f"model.omnichannel.{m}": model_node(m, m != KEYLESS) for m in marts},
    }
    manifest["nodes"]["test.omnichannel.not_null_kpi_good_order_channel"] = {
        "resource_type": "test",
        "test_metadata": {"name": "not_null", "kwargs": {"column_name": "order_channel"}},
        "attached_node": "model.omnichannel.kpi_good",
        "column_name": "order_channel",
        "config": {"where": None},
    }
    previous, current = root / "previous.duckdb", root / "current.duckdb"
    with duckdb.connect(str(previous)) as connection:
        connection.execute("create schema marts")
        connection.execute(f"create table marts.kpi_shrunk as {GOOD_ROWS}")
    with duckdb.connect(str(current)) as connection:
        connection.execute(f"create temp table good as {GOOD_ROWS}")
        connection.execute("create schema marts")
        connection.execute("create table marts.kpi_good as select * from good")
        connection.execute(f"create table marts.{KEYLESS} as select * from good")
        connection.execute(f"create table marts.{UNDECLARED} as select * from good")
        for mart, (sql, _) in BROKEN.items():
            connection.execute(f"create table marts.{mart} as {sql}")
    return audit_marts(current, manifest, previous=previous, max_row_drop=0.25), manifest


def failures_of(report, mart: str) -> list[str]:
    return [str(f) for f in report.failures if f.relation == f"marts.{mart}"]


def test_the_good_mart_passes(audited):
    report, _ = audited
    assert "marts.kpi_good" in report.relations
    assert failures_of(report, "kpi_good") == []


@pytest.mark.parametrize("mart", sorted(BROKEN))
def test_each_broken_mart_is_reported_for_its_fault(audited, mart):
    report, _ = audited
    found = failures_of(report, mart)
    assert any(BROKEN[mart][1] in failure for failure in found), found


def test_pii_values_are_counted_never_printed(audited):
    report, _ = audited
    text = "\n".join(str(f) for f in report.failures)
    assert "Anna" not in text and "2345678" not in text
    assert "1 values look like an email address" in text


def test_a_relation_that_is_no_model_and_a_mart_without_key_fail(audited):
    report, _ = audited
    assert any("is a model of the project" in f for f in failures_of(report, UNDECLARED))
    assert any("declares a primary key" in f for f in failures_of(report, KEYLESS))


def test_keys_come_from_constraints_and_tests(audited):
    _, manifest = audited
    spec = mart_specs(manifest)["kpi_good"]
    assert spec.keys == [tuple(KEY)]
    assert spec.not_null == ["order_channel", "order_date"]


def test_the_projects_marts_pass_the_audit(warehouse):
    report = audit_marts(warehouse.duckdb_path, warehouse.manifest())
    assert report.relations, "the fixture warehouse has marts"
    assert report.ok, [str(f) for f in report.failures]


def test_a_complete_build_misses_no_raw_day(warehouse):
    missing = days_not_loaded(
        warehouse.duckdb_path,
        warehouse.manifest(),
        Path(warehouse.world.raw_dir),
        int(project_vars()["lookback_days"]),
    )
    assert missing == []
