"""Customer KPIs of the warehouse against the generator's truth, on the same population.

The planted headline of ``kpis.json`` counts customers as metrics.md defines them (the
planted-KPI contract, docs/generator.md): each linkable component of the extracts is one
customer, anonymous orders stay anonymous. The warehouse counts unified customers of the
identity graph and must equal it exactly. Beside the headline, ``true_people`` counts TRUE
people: some people are split into several customers, and some orders (a store sale
without a loyalty card, a guest checkout) cannot be tied to anybody, so no warehouse can
reach it; the gap is decomposed exactly instead of tolerated:

1. re-implement the truth's rule (``omnichannel_counts``, ``repeat_counts``) and
   check it reproduces ``true_people`` exactly when orders are grouped by true
   person - the rule is the truth's;
2. apply the same rule to the same true orders grouped by the warehouse's
   ``customer_id`` (truth order -> ``order_key`` -> ``int_orders_unified``) and
   require the warehouse's published numerator and denominator EXACTLY;
3. decompose the difference between 1 and 2 exactly, person by person: people
   whose orders in the window are all anonymous in the warehouse, omnichannel
   people who lose the flag because one channel's orders are anonymous, the
   net effect of splitting a person into several customers, and customers the
   warehouse builds from orders the truth gives no person. The identity
   ``warehouse = truth - anonymity - split + personless`` must hold to the unit,
   and no warehouse customer may hold two true people (precision on orders);
4. recompute the planted headline (the rule with each linkable component as one
   customer) from the per-record components, and require the warehouse's customers
   to partition the orders exactly as the components do, so that the published share
   equals the planted one exactly.

The repeat purchase rate is null in the 45-day fixture world (no first order is
365 days old): the warehouse must publish null over a zero denominator, as the
truth does; the rule itself is pinned by the dbt unit test on its 365-day edges
(``repeat_purchase_counts_orders_within_365_days_of_the_first``), and its value is
recovered exactly on the long world (``test_customer_kpis_long_world.py``).

BG/NBD: with the fitted parameters read from the table, the expected number of
repeat purchase days of each customer over its own observed period (the
unconditional E[X(T)] of Fader, Hardie and Lee 2005, recomputed here with a
numpy hypergeometric series, not scipy) must add up to the observed repeat
purchase days within 10% - a fit that is sensible in aggregate.
"""

from __future__ import annotations

import numpy as np
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


@pytest.fixture(scope="module")
def kpis(fixture_world) -> dict:
    return planted_kpis(fixture_world)


@pytest.fixture(scope="module")
def end(fixture_world) -> pd.Timestamp:
    """The truth's period end: midnight after the last simulated day."""
    return period_end(fixture_world)


@pytest.fixture(scope="module")
def published(warehouse) -> pd.Series:
    assert warehouse.outcome.success, warehouse.outcome.failures
    with warehouse.connect() as con:
        frame = con.execute("select * from marts.kpi_customers_as_of").df()
    assert len(frame) == 1
    return frame.iloc[0]


@pytest.fixture(scope="module")
def orders(fixture_world, warehouse) -> pd.DataFrame:
    """True orders with their true person and the warehouse's unified customer."""
    truth = pd.read_parquet(fixture_world.truth_dir / "orders.parquet")
    truth = truth.assign(order_key=truth["source_system"] + ":" + truth["order_ref"])
    with warehouse.connect() as con:
        unified = con.execute(
            "select order_key, customer_id from intermediate.int_orders_unified"
        ).df()
    merged = truth.merge(unified, on="order_key", how="left", validate="one_to_one")
    return merged[~merged["is_cancelled"]]


def test_as_of_date_is_the_truth_period_end(published, end):
    assert pd.Timestamp(published["as_of_date"]) == end


def test_the_rules_reproduce_the_true_people_values_per_true_person(kpis, orders, end):
    planted = kpis["omnichannel_buyer_share"]["true_people"]
    assert omnichannel_counts(orders, "person_id", end) == (
        planted["numerator"],
        planted["denominator"],
    )
    planted = kpis["repeat_purchase_rate"]["true_people"]
    assert repeat_counts(orders, "person_id", end) == (
        planted["numerator"],
        planted["denominator"],
    )


def test_omnichannel_share_recovered_exactly_on_the_warehouse_partition(
    kpis, published, orders, end
):
    numerator, denominator = omnichannel_counts(orders, "customer_id", end)
    assert denominator > 20, "the fixture world should have buyers"
    assert published["omnichannel_buyer_share_numerator"] == numerator
    assert published["omnichannel_buyer_share_denominator"] == denominator
    assert published["omnichannel_buyer_share"] == pytest.approx(numerator / denominator)


def explain_warehouse(window: pd.DataFrame, planted: dict) -> tuple[int, int, str]:
    """The warehouse's omnichannel numerator and denominator from `planted` (counted per
    person over the orders of `window` that carry a person_id), term by term."""
    identified = window[window["customer_id"].notna()]
    people_per_customer = identified.groupby("customer_id")["person_id"].nunique()
    assert (people_per_customer <= 1).all(), "a warehouse customer holds two true people"

    people = window[window["person_id"].notna()]
    truth_omni = people.groupby("person_id")["order_channel"].nunique() >= 2
    seen = people[people["customer_id"].notna()]
    omni_seen = (seen.groupby("person_id")["order_channel"].nunique() >= 2).reindex(
        truth_omni.index, fill_value=False
    )
    fragments = seen.groupby(["person_id", "customer_id"])["order_channel"].nunique()
    fragment_count = fragments.groupby("person_id").size().reindex(truth_omni.index, fill_value=0)
    omni_fragments = (
        (fragments >= 2).groupby("person_id").sum().reindex(truth_omni.index, fill_value=0)
    )
    personless = window[window["person_id"].isna() & window["customer_id"].notna()]
    personless = personless[~personless["customer_id"].isin(seen["customer_id"])]
    personless_channels = personless.groupby("customer_id")["order_channel"].nunique()

    lost_people = int((fragment_count == 0).sum())
    omni_lost_to_anonymity = int((truth_omni & ~omni_seen).sum())
    split_customers = int((fragment_count - 1).clip(lower=0).sum())
    split_omni_effect = int((omni_fragments - omni_seen.astype(int)).sum())
    numerator = (
        planted["numerator"]
        - omni_lost_to_anonymity
        + split_omni_effect
        + int((personless_channels >= 2).sum())
    )
    denominator = planted["denominator"] - lost_people + split_customers + len(personless_channels)
    explanation = (
        f"planted {planted['numerator']:.0f}/{planted['denominator']:.0f}; people with no "
        f"stitched order -{lost_people}; omnichannel people losing a channel to unstitched "
        f"orders -{omni_lost_to_anonymity}; split people +{split_customers} customers, "
        f"{split_omni_effect:+d} omnichannel; customers of orders without a (counted) person "
        f"+{len(personless_channels)}"
    )
    return numerator, denominator, explanation


def test_difference_to_the_true_people_is_explained_exactly(kpis, published, orders, end):
    """The gap to the TRUE world: every person, anonymous orders included."""
    window = orders[orders["ordered_at"] >= end - TRAILING]
    numerator, denominator, explanation = explain_warehouse(
        window, kpis["omnichannel_buyer_share"]["true_people"]
    )
    assert published["omnichannel_buyer_share_numerator"] == numerator, explanation
    assert published["omnichannel_buyer_share_denominator"] == denominator, explanation


@pytest.fixture(scope="module")
def identifiable_orders(fixture_world, orders) -> pd.DataFrame:
    """The true orders with their linkable component (missing when the order reaches none)."""
    return with_components(orders, fixture_world.truth_dir)


def test_the_rule_reproduces_the_planted_omnichannel_share(kpis, identifiable_orders, end):
    """The truth's rule with each linkable component as one customer (a second way to the
    planted headline)."""
    planted = kpis["omnichannel_buyer_share"]
    assert omnichannel_counts(identifiable_orders, "component", end) == (
        planted["numerator"],
        planted["denominator"],
    )
    assert planted["denominator"] > 20


def test_warehouse_finds_the_planted_share_exactly(kpis, published, identifiable_orders, end):
    """The warehouse's customers partition the orders exactly as the linkable components do
    (same orders stitched, one customer per component, one component per customer), so the
    published share equals the planted one. The difference to the true-people value is
    explained by test_difference_to_the_true_people_is_explained_exactly."""
    window = identifiable_orders[identifiable_orders["ordered_at"] >= end - TRAILING]
    assert (window["component"].notna() == window["customer_id"].notna()).all()
    stitched = window[window["customer_id"].notna()]
    assert (stitched.groupby("component")["customer_id"].nunique() == 1).all()
    assert (stitched.groupby("customer_id")["component"].nunique() == 1).all()
    planted = kpis["omnichannel_buyer_share"]
    assert published["omnichannel_buyer_share_numerator"] == planted["numerator"]
    assert published["omnichannel_buyer_share_denominator"] == planted["denominator"]
    assert published["omnichannel_buyer_share"] == pytest.approx(planted["value"])


def test_repeat_purchase_rate_is_null_in_a_world_shorter_than_a_year(kpis, published, orders, end):
    planted = kpis["repeat_purchase_rate"]
    assert planted["value"] is None and planted["denominator"] == 0
    assert planted["true_people"]["denominator"] == 0
    assert repeat_counts(orders, "customer_id", end) == (0, 0)
    assert published["repeat_purchase_rate_numerator"] == 0
    assert published["repeat_purchase_rate_denominator"] == 0
    assert pd.isna(published["repeat_purchase_rate"])


def hyp2f1_series(a: float, b: float, c: float, z: np.ndarray) -> np.ndarray:
    """Gauss's hypergeometric series, summed until the terms vanish (|z| < 1)."""
    term = np.ones_like(z)
    total = np.ones_like(z)
    for k in range(100_000):
        term = term * (a + k) * (b + k) / ((c + k) * (k + 1)) * z
        total = total + term
        if np.all(np.abs(term) <= 1e-14 * np.abs(total)):
            return total
    raise AssertionError("hypergeometric series did not converge")


def test_bgnbd_expects_the_observed_repeat_purchases_in_aggregate(warehouse):
    with warehouse.connect() as con:
        fitted = con.execute(
            "select frequency_days, tenure_days, bgnbd_r, bgnbd_alpha, bgnbd_a, bgnbd_b "
            "from intermediate.int_customer_clv_predicted"
        ).df()
    assert len(fitted) > 20
    r, alpha, a, b = (fitted[c].iloc[0] for c in ("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b"))
    assert min(r, alpha, a, b) > 0
    big_t = fitted["tenure_days"].to_numpy(dtype=float)
    expected = (
        (a + b - 1)
        / (a - 1)
        * (
            1
            - (alpha / (alpha + big_t)) ** r
            * hyp2f1_series(r, b, a + b - 1, big_t / (alpha + big_t))
        )
    )
    observed = fitted["frequency_days"].sum()
    assert observed > 0
    assert expected.sum() == pytest.approx(observed, rel=0.10), (expected.sum(), observed)
