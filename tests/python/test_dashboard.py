"""End to end: the Streamlit dashboard on the fixture warehouse, in headless chromium.

The app is started on a free localhost port against a copy of the fixture
warehouse (as the published file), every page is opened and screenshotted, a
filter is changed, and KPI values shown are compared with the same numbers read
straight from the marts here. The server is stopped whatever happens.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dashboard_server import dashboard_server
from headless import headless_browser
from omnichannel.paths import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "dashboard"))
from formatting import money, percent, ratio  # noqa: E402


@dataclass(frozen=True)
class PageCheck:
    url_path: str
    title: str
    chart_titles: list[str]
    # (KPI label, the value the page must show, computed from the marts here)
    kpis: Callable[[duckdb.DuckDBPyConnection], dict[str, str]]


def _one(connection: duckdb.DuckDBPyConnection, sql: str) -> tuple:
    return connection.execute(sql).fetchone()


def channels_kpis(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    transactions, visitors = _one(
        connection,
        "select sum(transaction_count), sum(footfall_visitor_count)"
        " from marts.kpi_store_conversion_daily",
    )
    values = {"Store conversion rate": percent(ratio(transactions, visitors), 2)}
    for platform in ("web", "app"):
        purchases, sessions = _one(
            connection,
            "select sum(purchase_session_count), sum(session_count)"
            f" from marts.kpi_digital_conversion_daily where platform = '{platform}'",
        )
        values[f"{platform.capitalize()} conversion rate"] = percent(ratio(purchases, sessions), 2)
    return values


def executive_kpis(
    connection: duckdb.DuckDBPyConnection, channel: str | None = None
) -> dict[str, str]:
    where = f"where order_channel = '{channel}'" if channel else ""
    net_sales, cm1, cm2, cm3 = _one(
        connection,
        "select sum(net_sales_amount_eur), sum(cm1_amount_eur), sum(cm2_amount_eur),"
        f" sum(cm3_amount_eur) from marts.fct_channel_pnl {where}",
    )
    return {
        "Net sales": money(float(net_sales)),
        "CM1": money(float(cm1)),
        "CM2": money(float(cm2)),
        "CM3": money(float(cm3)),
        "CM3 margin": percent(ratio(float(cm3), float(net_sales))),
    }


def customers_kpis(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    customers, omni, ordering = _one(
        connection,
        "select customer_count, omnichannel_buyer_share_numerator,"
        " omnichannel_buyer_share_denominator from marts.kpi_customers_as_of"
        " order by as_of_date desc limit 1",
    )
    return {
        "Customers": f"{customers:,}",
        "Omnichannel buyer share": percent(ratio(omni, ordering)),
    }


def marketing_kpis(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    net_sales, spend = _one(
        connection,
        "select sum(net_sales_amount_eur), sum(marketing_spend_amount_eur)"
        " from marts.fct_channel_pnl",
    )
    attributed, ad_spend = _one(
        connection,
        "select sum(attributed_net_sales_amount_eur), sum(ad_spend_amount_eur)"
        " from marts.kpi_marketing_roas_monthly where attribution_model = 'last_non_direct'"
        " and ad_platform not in ('(none)', 'unattributed')",
    )
    last_touch_roas = ratio(float(attributed or 0), float(ad_spend or 0))
    return {
        "MER": f"{float(net_sales) / float(spend):.2f}",
        "Marketing spend": money(float(spend)),
        "ROAS, last non-direct touch (all platforms)": "–"
        if last_touch_roas is None
        else f"{last_touch_roas:.2f}",
    }


def journey_kpis(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    ropo, store_sales = _one(
        connection,
        "select sum(ropo_net_sales_amount_eur), sum(store_net_sales_amount_eur)"
        " from marts.kpi_cross_channel_monthly",
    )
    return {"ROPO share of store sales": percent(ratio(float(ropo), float(store_sales)))}


def satisfaction_kpis(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    top_two, responses = _one(
        connection,
        "select sum(csat_top_two_box_count), sum(csat_response_count)"
        " from marts.kpi_satisfaction_monthly where buyer_segment = 'buyer'",
    )
    return {"CSAT, buyers": percent(ratio(float(top_two or 0), float(responses or 0)))}


def operations_kpis(connection: duckdb.DuckDBPyConnection) -> dict[str, str]:
    on_time, in_full, due = _one(
        connection,
        "select sum(otd_rate_numerator), sum(otif_rate_numerator), sum(otd_rate_denominator)"
        " from marts.kpi_delivery_daily",
    )
    accurate, counts = _one(
        connection,
        "select count(*) filter (where is_within_tolerance), count(*) from marts.fct_cycle_counts",
    )
    return {
        "On-time delivery (OTD)": percent(ratio(float(on_time), float(due))),
        "OTIF": percent(ratio(float(in_full), float(due))),
        "Inventory record accuracy": percent(ratio(float(accurate), float(counts))),
    }


PAGES = [
    PageCheck(
        "executive",
        "Executive overview",
        ["Net sales by week and channel (EUR)", "CM3 by week and channel (EUR)"],
        executive_kpis,
    ),
    PageCheck(
        "channels",
        "Channels and conversion",
        ["Conversion rate by week and channel", "Closed funnel: sessions reaching each step"],
        channels_kpis,
    ),
    PageCheck(
        "customers",
        "Customers",
        ["Cohort retention: share of each first-order cohort ordering again in month n"],
        customers_kpis,
    ),
    PageCheck(
        "marketing",
        "Marketing",
        [
            "MER by week (net sales per euro of marketing)",
            "Revenue per lead by lead source",
            "Net sales attributed to each traffic channel, by attribution model",
        ],
        marketing_kpis,
    ),
    PageCheck(
        "journey",
        "Journey and cross-channel",
        ["Journey stage funnel: customers first reaching each stage", "ROPO and reverse ROPO"],
        journey_kpis,
    ),
    PageCheck(
        "satisfaction",
        "Satisfaction",
        ["CSAT by touchpoint channel: buyers vs non-buyers"],
        satisfaction_kpis,
    ),
    PageCheck(
        "operations",
        "Operations",
        ["On-time delivery and OTIF by week of the promised date", "Inventory record accuracy"],
        operations_kpis,
    ),
]


def settle(page) -> None:
    """Wait until Streamlit finished running the page's script."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=30_000)


def shown_kpis(page) -> dict[str, str]:
    values = {}
    for metric in page.get_by_test_id("stMetric").all():
        label = metric.get_by_test_id("stMetricLabel").inner_text().strip()
        values[label] = metric.get_by_test_id("stMetricValue").inner_text().strip()
    return values


@pytest.fixture(scope="module")
def published_copy(warehouse, tmp_path_factory) -> Path:
    assert warehouse.outcome.success, "\n".join(warehouse.outcome.failures)
    published = tmp_path_factory.mktemp("published") / "warehouse.duckdb"
    shutil.copyfile(warehouse.duckdb_path, published)
    return published


def test_dashboard_pages_show_the_marts_numbers(published_copy, tmp_path):
    from playwright.sync_api import expect

    with duckdb.connect(str(published_copy), read_only=True) as connection:
        expected = {check.url_path: check.kpis(connection) for check in PAGES}
        store_only = channels_kpis(connection)["Store conversion rate"]
        executive_store = executive_kpis(connection, "store")
        assert executive_store != expected["executive"]

    with (
        dashboard_server(published_copy, tmp_path / "streamlit.log") as url,
        headless_browser() as browser,
    ):
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        for position, check in enumerate(PAGES):
            # The first page is the app's default, served at the root.
            page.goto(f"{url}/" if position == 0 else f"{url}/{check.url_path}")
            settle(page)
            assert page.get_by_test_id("stDialog").count() == 0, "page not found"
            expect(page.get_by_role("heading", name=check.title, exact=True)).to_be_visible()
            assert page.get_by_test_id("stException").count() == 0, page.get_by_test_id(
                "stException"
            ).all_inner_texts()
            for chart_title in check.chart_titles:
                expect(page.locator("svg text", has_text=chart_title).first).to_be_attached(
                    timeout=30_000
                )
            page.screenshot(path=str(tmp_path / f"{check.url_path}.png"), full_page=True)
            shown = shown_kpis(page)
            for label, value in expected[check.url_path].items():
                assert shown.get(label) == value, (check.url_path, label, shown)

        # Change a filter: the store channel alone, on the executive overview.
        page.goto(f"{url}/")
        settle(page)
        page.get_by_test_id("stSidebar").get_by_text("store", exact=True).click()
        expect(page.get_by_test_id("stMetricValue").first).to_have_text(
            executive_store["Net sales"]
        )
        settle(page)
        assert shown_kpis(page) == executive_store
        page.screenshot(path=str(tmp_path / "executive_store_only.png"), full_page=True)

        # ... and on channels and conversion: only the store's conversion is left.
        channels_page = next(i for i, check in enumerate(PAGES) if check.url_path == "channels")
        page.goto(f"{url}/" if channels_page == 0 else f"{url}/channels")
        settle(page)
        page.get_by_test_id("stSidebar").get_by_text("store", exact=True).click()
        expect(page.get_by_test_id("stMetric")).to_have_count(1)
        settle(page)
        assert shown_kpis(page) == {"Store conversion rate": store_only}
        page.screenshot(path=str(tmp_path / "channels_store_only.png"), full_page=True)

    assert (tmp_path / "channels.png").stat().st_size > 20_000
    print(f"dashboard screenshots in {tmp_path}")
