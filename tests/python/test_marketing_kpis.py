"""Marketing, satisfaction, attribution and cross-channel marts against the generator's truth.

The truth (kpis.json) is computed on the TRUE person behind every record; the warehouse
only knows the unified customers its identity graph stitched. Where both coincide the
ratios are asserted exactly (numerator and denominator). Where identity makes the truth
fuzzy, the gap is not tolerated blindly: the truth is recomputed with the truth's own
persons (source_records.parquet) but keeping only the links the warehouse can see, and
the warehouse must equal that, to the cent; then the gap is what identity cannot see,
and it can only go one way (the warehouse never finds more than the truth). Against the
generator's `identifiable` values (the truth's rule on the linkable components, what a
perfect warehouse stitches) the warehouse is exact: same pairs, same flags, same totals.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def kpis(fixture_world) -> dict:
    return json.loads((fixture_world.truth_dir / "kpis.json").read_text())


@pytest.fixture(scope="module")
def truth_orders(fixture_world) -> pd.DataFrame:
    orders = pd.read_parquet(fixture_world.truth_dir / "orders.parquet")
    orders["order_key"] = orders["source_system"] + ":" + orders["order_ref"]
    return orders


@pytest.fixture(scope="module")
def true_person(fixture_world) -> pd.DataFrame:
    """(source_system, source_table, source_record_id) -> the true person_id."""
    return pd.read_parquet(fixture_world.truth_dir / "source_records.parquet")


@pytest.fixture(scope="module")
def warehouse_orders(warehouse) -> pd.DataFrame:
    with warehouse.connect() as con:
        return con.execute(
            "select order_key, customer_id, net_sales_amount_eur"
            " from intermediate.int_orders_unified"
        ).df()


@pytest.fixture(scope="module")
def identifiable(fixture_world) -> pd.DataFrame:
    """Per record, the truth's flag: reachable to its person through non-junk identifiers and
    references (docs/generator.md, "Identifiable KPIs")."""
    return pd.read_parquet(fixture_world.truth_dir / "identifiable_records.parquet")


ORDER_TABLES = (("ecommerce", "orders"), ("store_pos", "transactions"), ("marketplace", "orders"))


def components_of(identifiable: pd.DataFrame, system: str, table: str) -> pd.Series:
    """record id -> the truth's identity component (-1: the record carries no identifier)."""
    rows = identifiable[
        (identifiable["source_system"] == system) & (identifiable["source_table"] == table)
    ]
    return pd.Series(rows["component"].to_numpy(), index=rows["source_record_id"].to_numpy())


def order_components(identifiable: pd.DataFrame) -> pd.Series:
    """order_key -> the truth's identity component."""
    parts = []
    for system, table in ORDER_TABLES:
        found = components_of(identifiable, system, table)
        parts.append(pd.Series(found.to_numpy(), index=system + ":" + found.index))
    return pd.concat(parts)


def persons_of(true_person: pd.DataFrame, system: str, table: str, key: str) -> pd.DataFrame:
    rows = true_person[
        (true_person["source_system"] == system) & (true_person["source_table"] == table)
    ]
    return rows[["source_record_id", "person_id"]].rename(columns={"source_record_id": key})


def totals(warehouse, mart: str, ratio: str, where: str = "1 = 1") -> tuple[float, float]:
    ((numerator, denominator),) = warehouse.query(
        f"select sum({ratio}_numerator), sum({ratio}_denominator) from marts.{mart} where {where}"
    )
    return float(numerator or 0), float(denominator or 0)


def cents(value: float | Decimal) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


# ------------------------------------------------------------------------------ leads


@pytest.fixture(scope="module")
def lead_orders(warehouse, true_person, truth_orders, warehouse_orders) -> pd.DataFrame:
    """Every (lead, order) pair of the truth's RPL: the lead's true person ordered within 90
    days of its creation, with whether the warehouse put that order under the lead's customer."""
    with warehouse.connect() as con:
        leads = con.execute(
            "select lead_id, customer_id as lead_customer_id, created_at"
            " from intermediate.int_leads_converted"
        ).df()
    leads = leads.merge(persons_of(true_person, "crm", "leads", "lead_id"), on="lead_id")
    pairs = leads.merge(
        truth_orders[["order_key", "person_id", "ordered_at", "net_sales_eur"]], on="person_id"
    )
    pairs = pairs[
        (pairs["ordered_at"] >= pairs["created_at"])
        & (pairs["ordered_at"] < pairs["created_at"] + pd.Timedelta(days=90))
    ]
    pairs = pairs.merge(warehouse_orders, on="order_key", how="left")
    pairs["is_seen"] = pairs["customer_id"] == pairs["lead_customer_id"]
    return pairs


def test_every_lead_counts_once(warehouse, kpis):
    _, leads = totals(warehouse, "kpi_leads_monthly", "revenue_per_lead_eur")
    assert leads == kpis["revenue_per_lead_eur"]["denominator"] > 0
    assert totals(warehouse, "kpi_leads_monthly", "lead_conversion_rate")[1] == leads


def test_the_truths_lead_orders_recompute_to_the_cent(warehouse, kpis, lead_orders):
    """The truth's RPL numerator is recomputed from its (lead, order) pairs (a second way), and
    the warehouse's equals the pairs it can see: those whose order is stitched to the lead's
    unified customer. No order of another person is ever counted."""
    assert cents(lead_orders["net_sales_eur"].sum()) == cents(
        kpis["revenue_per_lead_eur"]["numerator"]
    )
    revenue, _ = totals(warehouse, "kpi_leads_monthly", "revenue_per_lead_eur")
    seen = lead_orders[lead_orders["is_seen"]]
    assert cents(revenue) == cents(seen["net_sales_eur"].sum())
    with warehouse.connect() as con:
        counted = con.execute(
            "select leads.lead_id, orders.order_key"
            " from intermediate.int_leads_converted as leads"
            " inner join intermediate.int_orders_unified as orders"
            "   on leads.customer_id = orders.customer_id"
            "   and orders.ordered_at >= leads.created_at"
            "   and orders.ordered_at < leads.created_at + interval 90 day"
        ).df()
    truth_pairs = set(zip(lead_orders["lead_id"], lead_orders["order_key"], strict=True))
    assert set(zip(counted["lead_id"], counted["order_key"], strict=True)) <= truth_pairs


def test_lead_conversion_is_the_truths_seen_through_identity(warehouse, kpis, lead_orders):
    converted, leads = totals(warehouse, "kpi_leads_monthly", "lead_conversion_rate")
    assert converted == lead_orders.loc[lead_orders["is_seen"], "lead_id"].nunique()
    assert converted <= kpis["lead_conversion_rate"]["numerator"]
    assert lead_orders["lead_id"].nunique() == kpis["lead_conversion_rate"]["numerator"]


def test_leads_are_the_identifiable_values_exactly(warehouse, kpis, lead_orders, identifiable):
    """A perfect warehouse counts the (lead, order) pairs whose order is reachable from the
    lead through non-junk identifiers and references (one linkable component). The truth's
    identifiable values are recomputed from those pairs (a second way), and the warehouse
    stitches exactly those pairs under the lead's customer: its revenue equals to the cent,
    its converted leads exactly. The difference to the planted values is
    test_lead_conversion_is_the_truths_seen_through_identity's."""
    lead_component = components_of(identifiable, "crm", "leads").reindex(lead_orders["lead_id"])
    order_component = order_components(identifiable).reindex(lead_orders["order_key"])
    pairs = lead_orders.assign(
        is_identifiable=(lead_component.to_numpy() == order_component.to_numpy())
        & (lead_component.to_numpy() >= 0)
    )
    rpl = kpis["revenue_per_lead_eur"]["identifiable"]
    conversion = kpis["lead_conversion_rate"]["identifiable"]
    known = pairs[pairs["is_identifiable"]]
    assert cents(known["net_sales_eur"].sum()) == cents(rpl["numerator"])
    assert known["lead_id"].nunique() == conversion["numerator"]
    assert rpl["numerator"] <= kpis["revenue_per_lead_eur"]["numerator"]
    assert conversion["numerator"] <= kpis["lead_conversion_rate"]["numerator"]

    differing = pairs[pairs["is_identifiable"] != pairs["is_seen"]]
    assert differing.empty, differing[["lead_id", "order_key", "is_identifiable", "is_seen"]]
    revenue, leads = totals(warehouse, "kpi_leads_monthly", "revenue_per_lead_eur")
    converted, _ = totals(warehouse, "kpi_leads_monthly", "lead_conversion_rate")
    assert leads == rpl["denominator"] == conversion["denominator"]
    assert cents(revenue) == cents(rpl["numerator"])
    assert converted == conversion["numerator"]


# ------------------------------------------------------------------------------ satisfaction


@pytest.fixture(scope="module")
def response_buyers(warehouse, true_person, truth_orders) -> pd.DataFrame:
    """Every response with the truth's buyer flag (its true person placed a non-cancelled
    order in the 90 days before) beside the warehouse's."""
    with warehouse.connect() as con:
        responses = con.execute(
            "select response_id, survey_type, score, responded_at, is_buyer"
            " from intermediate.int_survey_responses_joined"
        ).df()
    responses = responses.merge(
        persons_of(true_person, "surveys", "responses", "response_id"), on="response_id"
    )
    live = truth_orders[~truth_orders["is_cancelled"] & truth_orders["person_id"].notna()]
    pairs = responses.merge(live[["person_id", "ordered_at"]], on="person_id")
    pairs = pairs[
        (pairs["ordered_at"] < pairs["responded_at"])
        & (pairs["ordered_at"] >= pairs["responded_at"] - pd.Timedelta(days=90))
    ]
    responses["is_true_buyer"] = responses["response_id"].isin(set(pairs["response_id"]))
    return responses


@pytest.mark.parametrize("survey_type", ["csat", "nps"])
def test_satisfaction_totals_exactly_and_the_buyer_split_only_misses_true_buyers(
    warehouse, kpis, response_buyers, survey_type
):
    """Over both segments CSAT and NPS are exact. A survey about an order makes its respondent
    a buyer even when the till did not identify them; a survey about no order (NPS, or CSAT
    after a ticket, call or lead follow-up) needs identity to link the respondent to a recent
    order. So the split can only move a true buyer to non-buyers (never a false buyer), and
    the warehouse's buyer segment equals the truth's minus exactly those responses."""
    both = [kpis[f"{survey_type}_buyers"], kpis[f"{survey_type}_non_buyers"]]
    found = totals(warehouse, "kpi_satisfaction_monthly", survey_type)
    assert found == (sum(k["numerator"] for k in both), sum(k["denominator"] for k in both))
    of_type = response_buyers[response_buyers["survey_type"] == survey_type]
    assert not (of_type["is_buyer"] & ~of_type["is_true_buyer"]).any()
    missed = of_type[of_type["is_true_buyer"] & ~of_type["is_buyer"]]
    buyer_numerator, buyer_responses = totals(
        warehouse, "kpi_satisfaction_monthly", survey_type, "buyer_segment = 'buyer'"
    )
    truth = kpis[f"{survey_type}_buyers"]
    assert buyer_responses == truth["denominator"] - len(missed)
    if survey_type == "csat":
        missed_top_two = int((missed["score"] >= 4).sum())
        assert buyer_numerator == truth["numerator"] - missed_top_two


@pytest.mark.parametrize("survey_type", ["csat", "nps"])
def test_satisfaction_buyers_are_the_identifiable_split_exactly(
    warehouse, kpis, response_buyers, truth_orders, identifiable, survey_type
):
    """A perfect warehouse calls a respondent a buyer when a non-cancelled order in the 90
    days before is reachable from the response through non-junk identifiers and references
    (one linkable component). The truth's identifiable split is recomputed from those pairs
    (a second way), and the warehouse's buyer flag equals it response by response."""
    live = truth_orders[~truth_orders["is_cancelled"]]
    live = live.assign(
        component=order_components(identifiable).reindex(live["order_key"]).to_numpy()
    )
    known = response_buyers.assign(
        component=components_of(identifiable, "surveys", "responses")
        .reindex(response_buyers["response_id"])
        .to_numpy()
    )
    known = known[known["component"] >= 0]
    pairs = known.merge(live[["component", "ordered_at"]], on="component")
    pairs = pairs[
        (pairs["ordered_at"] < pairs["responded_at"])
        & (pairs["ordered_at"] >= pairs["responded_at"] - pd.Timedelta(days=90))
    ]
    of_type = response_buyers[response_buyers["survey_type"] == survey_type].assign(
        is_identifiable_buyer=lambda f: f["response_id"].isin(set(pairs["response_id"]))
    )

    def score_sum(frame: pd.DataFrame) -> int:
        if survey_type == "csat":
            return int((frame["score"] >= 4).sum())
        return int((frame["score"] >= 9).sum() - (frame["score"] <= 6).sum())

    for segment, is_buyer in (("buyers", True), ("non_buyers", False)):
        truth = kpis[f"{survey_type}_{segment}"]["identifiable"]
        expected = of_type[of_type["is_identifiable_buyer"] == is_buyer]
        assert (score_sum(expected), len(expected)) == (truth["numerator"], truth["denominator"])
        where = f"buyer_segment = '{'buyer' if is_buyer else 'non_buyer'}'"
        found = totals(warehouse, "kpi_satisfaction_monthly", survey_type, where)
        assert found == (truth["numerator"], truth["denominator"])
    assert (
        kpis[f"{survey_type}_buyers"]["identifiable"]["denominator"]
        <= kpis[f"{survey_type}_buyers"]["denominator"]
    )
    differing = of_type[of_type["is_identifiable_buyer"] != of_type["is_buyer"]]
    assert differing.empty, differing[["response_id", "is_identifiable_buyer", "is_buyer"]]


# ------------------------------------------------------------------------------ cross-channel


def test_ropo_share_is_a_lower_bound_of_the_truth(warehouse, kpis, truth_orders):
    """The truth matches a store order to its TRUE buyer's product views; the warehouse only
    to an identified buyer's stitched views. Every ROPO order it finds is a true one, the
    store sales are the same, and the missing ROPO sales are true ROPO orders of an anonymous
    store buyer or of a buyer whose qualifying views were made on a cookie never logged in."""
    ropo, store = totals(warehouse, "kpi_cross_channel_monthly", "ropo_share_of_store_sales")
    truth = kpis["ropo_share_of_store_sales"]
    assert cents(store) == cents(truth["denominator"]) > 0
    assert ropo / store <= truth["value"]
    with warehouse.connect() as con:
        flagged = con.execute(
            "select order_key, customer_id, is_ropo from marts.fct_ropo_orders"
            " where order_channel = 'store'"
        ).df()
    true_ropo = set(truth_orders.loc[truth_orders["is_ropo"], "order_key"])
    found = set(flagged.loc[flagged["is_ropo"], "order_key"])
    assert found <= true_ropo
    missed = flagged[flagged["order_key"].isin(true_ropo - found)]
    missed_sales = truth_orders.loc[truth_orders["order_key"].isin(missed["order_key"])]
    assert cents(truth["numerator"]) - cents(ropo) == cents(missed_sales["net_sales_eur"].sum())


def test_ropo_is_the_identifiable_share_exactly(warehouse, kpis, truth_orders, identifiable):
    """A perfect warehouse flags a store order with a view of the category in the 14 days
    before on a web or app session reachable from the order through non-junk identifiers and
    references (one linkable component). The truth's flagged orders recompute its
    identifiable numerator (a second way), and the warehouse flags exactly those orders: its
    ROPO sales equal to the cent."""
    truth = kpis["ropo_share_of_store_sales"]["identifiable"]
    ropo, store = totals(warehouse, "kpi_cross_channel_monthly", "ropo_share_of_store_sales")
    assert cents(store) == cents(truth["denominator"])
    flagged = identifiable[identifiable["is_identifiable_ropo"]]
    known = {f"store_pos:{key}" for key in flagged["source_record_id"]}
    assert known <= set(truth_orders.loc[truth_orders["is_ropo"], "order_key"])
    assert (order_components(identifiable).reindex(sorted(known)) >= 0).all()
    sales = truth_orders.set_index("order_key")["net_sales_eur"]
    assert cents(sales.reindex(sorted(known)).sum()) == cents(truth["numerator"])
    with warehouse.connect() as con:
        found = set(
            con.execute(
                "select order_key from marts.fct_ropo_orders"
                " where order_channel = 'store' and is_ropo"
            ).df()["order_key"]
        )
    assert found == known, (sorted(known - found)[:5], sorted(found - known)[:5])
    assert cents(ropo) == cents(truth["numerator"])


@pytest.mark.parametrize(
    "kpi", ["bopis_share_of_online_orders", "ship_from_store_share_of_online_orders"]
)
def test_fulfilment_shares_exactly(warehouse, kpis, kpi):
    found = totals(warehouse, "kpi_cross_channel_monthly", kpi)
    assert found == (kpis[kpi]["numerator"], kpis[kpi]["denominator"])


# ------------------------------------------------------------------------------ attribution


def test_every_model_attributes_all_net_sales_of_converting_orders(warehouse, truth_orders):
    """Second way to the conservation test: the truth's net sales of non-cancelled orders."""
    live = truth_orders[~truth_orders["is_cancelled"]]
    expected = cents(live["net_sales_eur"].sum())
    rows = warehouse.query(
        "select attribution_model, sum(attributed_net_sales_amount_eur)"
        " from marts.fct_attribution group by attribution_model"
    )
    assert len(rows) == 6
    assert {model: cents(total) for model, total in rows} == {model: expected for model, _ in rows}
    ((roas_total,),) = warehouse.query(
        "select sum(attributed_net_sales_amount_eur) from marts.kpi_marketing_roas_monthly"
        " where attribution_model = 'markov'"
    )
    assert cents(roas_total) == expected
