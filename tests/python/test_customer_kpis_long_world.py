"""The customer KPIs as of a year, on a world longer than a year (fixture `long_warehouse`:
scale 0.03, 465 days, seed 7; docs/generator.md, "Which world plants which customer KPI").

In the fixture and demo worlds (45 and 365 days) no first order is 365 days old, so the
planted repeat purchase rate is 0/0 (null) and only its emptiness is checked
(test_customer_kpis.py). Here it has a denominator, and the warehouse must recover the
planted headline (customers = linkable components, the planted-KPI contract) exactly:
numerator, denominator and value of the repeat purchase rate and of the omnichannel buyer
share (trailing 365 days, a full year of history inside the window here).

The planted values are recomputed a second way from the truth's orders and per-record
components, the true-people values from the true person of each order, and the warehouse's
customers must partition the non-cancelled orders of the whole period exactly as the
components do (the repeat rule reaches back to the first order, not only a year).

The world is chosen so that its 365-day edge is populated: customers' first orders lie
within a day on both sides of `end - 365 days`, so a warehouse whose as-of date or
"at least 365 days old" comparison is one day off publishes another denominator
(test_the_365_day_edge_is_populated makes sure the world keeps that property).
"""

from __future__ import annotations

import pandas as pd
import pytest

from customer_kpi_rules import (
    TRAILING,
    omnichannel_counts,
    period_end,
    planted_kpis,
    repeat_counts,
    with_components,
)

pytestmark = pytest.mark.long_world

ONE_DAY = pd.Timedelta(days=1)


@pytest.fixture(scope="module")
def kpis(long_world) -> dict:
    return planted_kpis(long_world)


@pytest.fixture(scope="module")
def end(long_world) -> pd.Timestamp:
    """The truth's period end: midnight after the last simulated day."""
    return period_end(long_world)


@pytest.fixture(scope="module")
def published(long_warehouse) -> pd.Series:
    with long_warehouse.connect() as con:
        frame = con.execute("select * from marts.kpi_customers_as_of").df()
    assert len(frame) == 1
    return frame.iloc[0]


@pytest.fixture(scope="module")
def orders(long_world, long_warehouse) -> pd.DataFrame:
    """True non-cancelled orders with their true person, linkable component and the
    warehouse's unified customer."""
    truth = pd.read_parquet(long_world.truth_dir / "orders.parquet")
    truth = truth.assign(order_key=truth["source_system"] + ":" + truth["order_ref"])
    with long_warehouse.connect() as con:
        unified = con.execute(
            "select order_key, customer_id from intermediate.int_orders_unified"
        ).df()
    merged = truth.merge(unified, on="order_key", how="left", validate="one_to_one")
    return with_components(merged[~merged["is_cancelled"]], long_world.truth_dir)


def test_the_world_is_longer_than_a_year(long_world, end):
    parameters = long_world.generation["parameters"]
    assert parameters["days"] > 365
    assert pd.Timestamp(parameters["start"]) < end - TRAILING


def test_as_of_date_is_the_truth_period_end(published, end):
    assert pd.Timestamp(published["as_of_date"]) == end


def test_planted_repeat_purchase_rate_has_a_denominator(kpis):
    planted = kpis["repeat_purchase_rate"]
    assert planted["denominator"] > 100
    assert 0 < planted["numerator"] < planted["denominator"]
    assert planted["value"] == pytest.approx(planted["numerator"] / planted["denominator"])
    assert planted["true_people"]["denominator"] > 100


def test_the_rules_reproduce_the_planted_values_per_component(kpis, orders, end):
    """A second way to the planted headline: the truth's rules over the linkable
    components (each one customer)."""
    for name, rule in (
        ("repeat_purchase_rate", repeat_counts),
        ("omnichannel_buyer_share", omnichannel_counts),
    ):
        planted = kpis[name]
        assert rule(orders, "component", end) == (
            planted["numerator"],
            planted["denominator"],
        ), name


def test_the_rules_reproduce_the_true_people_values_per_true_person(kpis, orders, end):
    for name, rule in (
        ("repeat_purchase_rate", repeat_counts),
        ("omnichannel_buyer_share", omnichannel_counts),
    ):
        planted = kpis[name]["true_people"]
        assert rule(orders, "person_id", end) == (
            planted["numerator"],
            planted["denominator"],
        ), name


def test_the_365_day_edge_is_populated(kpis, orders, end):
    """A day earlier or later the repeat denominator differs: the exact test below
    catches an as-of date or an age comparison one day off in either direction."""
    denominator = kpis["repeat_purchase_rate"]["denominator"]
    assert repeat_counts(orders, "component", end - ONE_DAY)[1] < denominator
    assert repeat_counts(orders, "component", end + ONE_DAY)[1] > denominator


def test_warehouse_customers_partition_the_orders_as_the_components_do(orders):
    """Over the whole period (the repeat rule reaches back to each first order): the same
    orders stitched, one customer per component, one component per customer."""
    assert (orders["component"].notna() == orders["customer_id"].notna()).all()
    stitched = orders[orders["customer_id"].notna()]
    assert (stitched.groupby("component")["customer_id"].nunique() == 1).all()
    assert (stitched.groupby("customer_id")["component"].nunique() == 1).all()


def test_warehouse_finds_the_planted_repeat_purchase_rate_exactly(kpis, published):
    planted = kpis["repeat_purchase_rate"]
    assert published["repeat_purchase_rate_numerator"] == planted["numerator"]
    assert published["repeat_purchase_rate_denominator"] == planted["denominator"]
    assert published["repeat_purchase_rate"] == pytest.approx(planted["value"])


def test_warehouse_finds_the_planted_omnichannel_share_exactly(kpis, published):
    planted = kpis["omnichannel_buyer_share"]
    assert planted["denominator"] > 100
    assert 0 < planted["numerator"] < planted["denominator"]
    assert published["omnichannel_buyer_share_numerator"] == planted["numerator"]
    assert published["omnichannel_buyer_share_denominator"] == planted["denominator"]
    assert published["omnichannel_buyer_share"] == pytest.approx(planted["value"])
