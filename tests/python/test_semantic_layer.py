"""The semantic layer answers with the marts' numbers.

`mf validate-configs` (with the data-warehouse checks) runs on the fixture
warehouse, then `mf query` is run for a sample of metrics by channel and month,
and every value is compared with the same number computed here straight from the
marts with SQL (sums of numerators and denominators, not MetricFlow's plan).
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from omnichannel.semantic_layer import prepare_workdir, read_metrics, run_mf


@pytest.fixture(scope="module")
def mf_workdir(warehouse, tmp_path_factory) -> Path:
    """A scratch mf project with a private copy of the fixture warehouse."""
    assert warehouse.outcome.success, "\n".join(warehouse.outcome.failures)
    workdir = tmp_path_factory.mktemp("mf")
    prepare_workdir(workdir, warehouse.duckdb_path, warehouse.target_dir / "semantic_manifest.json")
    return workdir


def mf_rows(workdir: Path, metrics: list[str], group_by: list[str]) -> list[dict[str, str]]:
    out = workdir / f"{'_'.join(metrics)[:80]}.csv"
    run_mf(
        [
            "query",
            "--metrics",
            ",".join(metrics),
            "--group-by",
            ",".join(group_by),
            "--csv",
            str(out),
        ],
        workdir,
        target="test",
    )
    with open(out) as handle:
        return list(csv.DictReader(handle))


def number(text: str) -> float | None:
    return None if text in ("", "None", "nan") else float(text)


def same(value: float | None, expected: float | None, **tolerance: float) -> bool:
    """Equal within tolerance; a null (empty denominator) only equals a null."""
    if value is None or expected is None:
        return value is None and expected is None
    return value == pytest.approx(expected, **tolerance)


def month_key(text: str) -> str:
    return text[:7]


def test_mf_validate_configs_passes_with_warehouse_checks(mf_workdir):
    """Semantic checks, then every dimension, entity, measure and metric queried on the warehouse."""
    completed = run_mf(["validate-configs"], mf_workdir, target="test", check=False)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output[-4000:]
    assert "Successfully validated metrics against data warehouse" in output, output[-4000:]
    assert "Breaking issues" not in output, output[-4000:]


def test_every_metric_is_described(warehouse):
    metrics = read_metrics(warehouse.target_dir / "semantic_manifest.json")
    assert len(metrics) >= 30
    assert [m.name for m in metrics if not m.description or not m.label] == []


def test_digital_conversion_by_platform_and_month_equals_the_mart(mf_workdir, warehouse):
    rows = mf_rows(
        mf_workdir,
        ["digital_sessions", "digital_purchase_sessions", "digital_conversion_rate"],
        ["metric_time__month", "digital_conversion_day__platform"],
    )
    got = {
        (month_key(r["metric_time__month"]), r["digital_conversion_day__platform"]): (
            number(r["digital_sessions"]),
            number(r["digital_purchase_sessions"]),
            number(r["digital_conversion_rate"]),
        )
        for r in rows
    }
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        expected_rows = connection.execute(
            "select strftime(session_date, '%Y-%m') as month, platform,"
            " sum(session_count), sum(purchase_session_count)"
            " from marts.kpi_digital_conversion_daily group by 1, 2"
        ).fetchall()
    assert len(expected_rows) >= 2
    assert set(got) == {(month, platform) for month, platform, _, _ in expected_rows}
    for month, platform, sessions, purchases in expected_rows:
        mf_sessions, mf_purchases, mf_rate = got[(month, platform)]
        assert (mf_sessions, mf_purchases) == (sessions, purchases)
        assert same(mf_rate, purchases / sessions if sessions else None, rel=1e-9)


def test_store_conversion_and_cumulative_sessions_equal_the_marts(mf_workdir, warehouse):
    rows = mf_rows(
        mf_workdir,
        ["store_conversion_rate", "digital_sessions_month_to_date"],
        ["metric_time__day"],
    )
    got = {r["metric_time__day"][:10]: r for r in rows}
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        store = connection.execute(
            "select strftime(local_date, '%Y-%m-%d'), sum(transaction_count), sum(footfall_visitor_count)"
            " from marts.kpi_store_conversion_daily group by 1"
        ).fetchall()
        sessions = connection.execute(
            "select strftime(session_date, '%Y-%m-%d'), sum(sum(session_count)) over"
            " (partition by date_trunc('month', session_date) order by session_date"
            "  rows between unbounded preceding and current row)"
            " from marts.kpi_digital_conversion_daily group by session_date"
        ).fetchall()
    assert store and sessions
    for day, transactions, visitors in store:
        expected = transactions / visitors if visitors else None
        assert same(number(got[day]["store_conversion_rate"]), expected, rel=1e-9), day
    for day, month_to_date in sessions:
        assert number(got[day]["digital_sessions_month_to_date"]) == month_to_date, day


def test_pnl_lines_and_contribution_margins_by_channel_and_month_equal_the_mart(
    mf_workdir, warehouse
):
    """CM1-CM3 are derived metrics (formulas over summed lines): they must equal the
    mart's own CM columns summed, to the cent; MER re-aggregates as a ratio of sums."""
    metrics = ["net_sales", "cm1", "cm2", "cm3", "marketing_efficiency_ratio"]
    rows = mf_rows(mf_workdir, metrics, ["metric_time__month", "channel_pnl_day__order_channel"])
    got = {
        (month_key(r["metric_time__month"]), r["channel_pnl_day__order_channel"]): [
            number(r[m]) for m in metrics
        ]
        for r in rows
    }
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        expected_rows = connection.execute(
            "select strftime(pnl_date, '%Y-%m'), order_channel,"
            " sum(net_sales_amount_eur), sum(cm1_amount_eur), sum(cm2_amount_eur),"
            " sum(cm3_amount_eur), sum(marketing_spend_amount_eur)"
            " from marts.fct_channel_pnl group by 1, 2"
        ).fetchall()
    assert {channel for _, channel, *_ in expected_rows} >= {"web", "app", "store"}
    assert set(got) == {(month, channel) for month, channel, *_ in expected_rows}
    for month, channel, net_sales, cm1, cm2, cm3, spend in expected_rows:
        mf_net, mf_cm1, mf_cm2, mf_cm3, mf_mer = got[(month, channel)]
        for value, expected in ((mf_net, net_sales), (mf_cm1, cm1), (mf_cm2, cm2), (mf_cm3, cm3)):
            assert value == pytest.approx(float(expected), abs=0.005), (month, channel)
        expected_mer = float(net_sales) / float(spend) if spend else None
        assert same(mf_mer, expected_mer, rel=1e-9), (month, channel)


def test_average_order_value_by_channel_equals_the_orders_mart(mf_workdir, warehouse):
    rows = mf_rows(mf_workdir, ["average_order_value", "orders_placed"], ["order__order_channel"])
    got = {r["order__order_channel"]: r for r in rows}
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        expected_rows = connection.execute(
            "select order_channel, sum(net_sales_amount_eur),"
            " count(*) filter (where not is_cancelled)"
            " from marts.fct_orders group by 1"
        ).fetchall()
    assert len(expected_rows) >= 3
    for channel, net_sales, orders in expected_rows:
        assert number(got[channel]["orders_placed"]) == orders
        expected = float(net_sales) / orders if orders else None
        assert same(number(got[channel]["average_order_value"]), expected, rel=1e-9)


def test_saved_query_for_channel_conversion_equals_the_marts(mf_workdir, warehouse):
    out = mf_workdir / "channel_conversion_by_month.csv"
    run_mf(
        ["query", "--saved-query", "channel_conversion_by_month", "--csv", str(out)],
        mf_workdir,
        target="test",
    )
    with open(out) as handle:
        got = {month_key(r["metric_time__month"]): r for r in csv.DictReader(handle)}
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        store = connection.execute(
            "select strftime(local_date, '%Y-%m'), sum(transaction_count) / sum(footfall_visitor_count)"
            " from marts.kpi_store_conversion_daily group by 1"
        ).fetchall()
        web = connection.execute(
            "select strftime(session_date, '%Y-%m'), sum(purchase_session_count) / sum(session_count)"
            " from marts.kpi_digital_conversion_daily where platform = 'web' group by 1"
        ).fetchall()
    assert store and web
    for month, rate in store:
        assert same(number(got[month]["store_conversion_rate"]), rate, rel=1e-9)
    for month, rate in web:
        assert same(number(got[month]["web_conversion_rate"]), rate, rel=1e-9)


def test_omnichannel_metrics_lists_and_queries_from_the_command_line(mf_workdir, tmp_path):
    from typer.testing import CliRunner

    from omnichannel.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["metrics", "list"])
    assert listed.exit_code == 0, listed.output
    assert "net_sales" in listed.output and "store_conversion_rate" in listed.output

    out = tmp_path / "net_sales.csv"
    queried = runner.invoke(
        app,
        [
            "metrics",
            "query",
            "net_sales",
            "--group-by",
            "metric_time__month",
            "--warehouse",
            str(mf_workdir / "warehouse.duckdb"),
            "--csv",
            str(out),
        ],
    )
    assert queried.exit_code == 0, queried.output
    with open(out) as handle:
        total = sum(float(r["net_sales"]) for r in csv.DictReader(handle))
    with duckdb.connect(str(mf_workdir / "warehouse.duckdb"), read_only=True) as connection:
        expected = float(
            connection.execute(
                "select sum(net_sales_amount_eur) from marts.fct_channel_pnl"
            ).fetchone()[0]
        )
    assert total == pytest.approx(expected, abs=0.01)


def test_monthly_customer_journey_and_satisfaction_metrics_equal_the_marts(mf_workdir, warehouse):
    """NPS is a derived metric of summed counts; CSAT, ROPO share, stage conversion and
    revenue per lead are ratios of summed numerators and denominators."""
    metrics = ["nps", "csat", "ropo_share", "stage_conversion_rate", "revenue_per_lead"]
    rows = mf_rows(mf_workdir, metrics, ["metric_time__month"])
    got = {month_key(r["metric_time__month"]): r for r in rows}
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        expected = {
            "nps": connection.execute(
                "select strftime(response_month, '%Y-%m'),"
                " 100.0 * (sum(nps_promoter_count) - sum(nps_detractor_count))"
                " / nullif(sum(nps_response_count), 0)"
                " from marts.kpi_satisfaction_monthly group by 1"
            ).fetchall(),
            "csat": connection.execute(
                "select strftime(response_month, '%Y-%m'),"
                " sum(csat_top_two_box_count) / nullif(sum(csat_response_count), 0)"
                " from marts.kpi_satisfaction_monthly group by 1"
            ).fetchall(),
            "ropo_share": connection.execute(
                "select strftime(kpi_month, '%Y-%m'),"
                " sum(ropo_net_sales_amount_eur) / nullif(sum(store_net_sales_amount_eur), 0)"
                " from marts.kpi_cross_channel_monthly group by 1"
            ).fetchall(),
            "stage_conversion_rate": connection.execute(
                "select strftime(stage_month, '%Y-%m'),"
                " sum(stage_conversion_rate_numerator)"
                " / nullif(sum(stage_conversion_rate_denominator), 0)"
                " from marts.fct_customer_journey_stages group by 1"
            ).fetchall(),
            "revenue_per_lead": connection.execute(
                "select strftime(lead_month, '%Y-%m'),"
                " sum(net_sales_90d_amount_eur) / nullif(sum(lead_count), 0)"
                " from marts.kpi_leads_monthly group by 1"
            ).fetchall(),
        }
    compared = 0
    for metric, values in expected.items():
        for month, value in values:
            expected_value = None if value is None else float(value)
            assert same(number(got[month][metric]), expected_value, rel=1e-9), (metric, month)
            compared += expected_value is not None
    assert compared >= 5


def test_cohort_retention_by_months_since_first_order_equals_the_mart(mf_workdir, warehouse):
    rows = mf_rows(
        mf_workdir,
        ["cohort_retention_rate", "cohort_customers"],
        ["cohort_offset__cohort_month__month", "cohort_offset__months_since_first_order"],
    )
    got = {
        (
            r["cohort_offset__cohort_month__month"][:7],
            int(r["cohort_offset__months_since_first_order"]),
        ): r
        for r in rows
    }
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        expected = connection.execute(
            "select strftime(cohort_month, '%Y-%m'), months_since_first_order,"
            " retention_rate_numerator, retention_rate_denominator"
            " from marts.kpi_cohort_retention_monthly"
        ).fetchall()
    assert expected
    for cohort, n, retained, cohort_size in expected:
        row = got[(cohort, n)]
        assert number(row["cohort_customers"]) == cohort_size
        rate = retained / cohort_size if cohort_size else None
        assert same(number(row["cohort_retention_rate"]), rate, rel=1e-9)


def test_roas_and_attributed_net_sales_by_model_equal_the_marts(mf_workdir, warehouse):
    rows = mf_rows(
        mf_workdir,
        ["roas", "ad_spend"],
        ["roas_campaign_month__attribution_model"],
    )
    got = {r["roas_campaign_month__attribution_model"]: r for r in rows}
    attributed = mf_rows(mf_workdir, ["attributed_net_sales"], ["attribution__attribution_model"])
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        expected = connection.execute(
            "select attribution_model, sum(attributed_net_sales_amount_eur),"
            " sum(ad_spend_amount_eur) from marts.kpi_marketing_roas_monthly group by 1"
        ).fetchall()
        conversions = float(
            connection.execute(
                "select sum(net_sales_amount_eur) from marts.fct_orders where not is_cancelled"
                " and order_key in (select order_key from marts.fct_attribution)"
            ).fetchone()[0]
        )
    assert len(expected) == 6
    for model, net_sales, spend in expected:
        assert number(got[model]["ad_spend"]) == pytest.approx(float(spend), abs=0.005)
        expected_roas = float(net_sales) / float(spend) if spend else None
        assert same(number(got[model]["roas"]), expected_roas, rel=1e-9), model
    # every model credits the converting orders' net sales exactly once
    assert len(attributed) == 6
    for row in attributed:
        assert number(row["attributed_net_sales"]) == pytest.approx(conversions, abs=0.005)


def test_delivery_and_service_metrics_by_channel_and_month_equal_the_marts(mf_workdir, warehouse):
    rows = mf_rows(
        mf_workdir,
        ["on_time_delivery_rate", "otif_rate", "due_shipments"],
        ["metric_time__month", "delivery_day__order_channel"],
    )
    got = {(month_key(r["metric_time__month"]), r["delivery_day__order_channel"]): r for r in rows}
    service = mf_rows(mf_workdir, ["tickets_per_1000_orders"], ["metric_time__month"])
    got_service = {month_key(r["metric_time__month"]): r for r in service}
    with duckdb.connect(str(warehouse.duckdb_path), read_only=True) as connection:
        expected = connection.execute(
            "select strftime(due_date, '%Y-%m'), order_channel, sum(otd_rate_numerator),"
            " sum(otif_rate_numerator), sum(otd_rate_denominator)"
            " from marts.kpi_delivery_daily group by 1, 2"
        ).fetchall()
        tickets = connection.execute(
            "select strftime(month_start_date, '%Y-%m'), 1000.0 * sum(ticket_count)"
            " / nullif(sum(order_count), 0) from marts.kpi_service_monthly group by 1"
        ).fetchall()
    assert expected and tickets
    for month, channel, on_time, in_full, due in expected:
        row = got[(month, channel)]
        assert number(row["due_shipments"]) == due
        assert same(number(row["on_time_delivery_rate"]), on_time / due if due else None, rel=1e-9)
        assert same(number(row["otif_rate"]), in_full / due if due else None, rel=1e-9)
    for month, value in tickets:
        expected_value = None if value is None else float(value)
        assert same(number(got_service[month]["tickets_per_1000_orders"]), expected_value, rel=1e-9)
