"""Marketing, satisfaction, attribution and cross-channel marts against the generator's truth.

Every planted headline of kpis.json is asserted exactly (numerator and denominator, money
to the cent). For the KPIs that depend on who the person is, the headline counts customers
as metrics.md defines them (the planted-KPI contract, docs/generator.md: the truth's rule
on the linkable components of the extracts, what a perfect warehouse stitches), and the
warehouse equals it: same pairs, same flags, same totals, recomputed here a second way from
the per-record components. Beside it, `true_people` applies the rule to the TRUE person
behind every record (source_records.parquet), which no warehouse can see; the gap is not
tolerated blindly but recomputed: keeping only the links the warehouse can see, the true
pairs give the warehouse's value to the cent, and the gap only goes one way (the warehouse
never finds more than the true people).
"""

from __future__ import annotations

import json
from decimal import Decimal

import numpy as np
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
        kpis["revenue_per_lead_eur"]["true_people"]["numerator"]
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
    true_people = kpis["lead_conversion_rate"]["true_people"]
    assert converted <= true_people["numerator"]
    assert lead_orders["lead_id"].nunique() == true_people["numerator"]


def test_leads_are_the_planted_values_exactly(warehouse, kpis, lead_orders, identifiable):
    """The planted headline counts the (lead, order) pairs whose order is reachable from the
    lead through non-junk identifiers and references (one linkable component: the lead's
    customer). It is recomputed from those pairs (a second way), and the warehouse stitches
    exactly those pairs under the lead's customer: its revenue equals to the cent, its
    converted leads exactly. The difference to the true-people values is
    test_lead_conversion_is_the_truths_seen_through_identity's."""
    lead_component = components_of(identifiable, "crm", "leads").reindex(lead_orders["lead_id"])
    order_component = order_components(identifiable).reindex(lead_orders["order_key"])
    pairs = lead_orders.assign(
        is_identifiable=(lead_component.to_numpy() == order_component.to_numpy())
        & (lead_component.to_numpy() >= 0)
    )
    rpl = kpis["revenue_per_lead_eur"]
    conversion = kpis["lead_conversion_rate"]
    known = pairs[pairs["is_identifiable"]]
    assert cents(known["net_sales_eur"].sum()) == cents(rpl["numerator"])
    assert known["lead_id"].nunique() == conversion["numerator"]
    assert rpl["numerator"] <= rpl["true_people"]["numerator"]
    assert conversion["numerator"] <= conversion["true_people"]["numerator"]

    differing = pairs[pairs["is_identifiable"] != pairs["is_seen"]]
    assert differing.empty, differing[["lead_id", "order_key", "is_identifiable", "is_seen"]]
    revenue, leads = totals(warehouse, "kpi_leads_monthly", "revenue_per_lead_eur")
    converted, _ = totals(warehouse, "kpi_leads_monthly", "lead_conversion_rate")
    assert leads == rpl["denominator"] == conversion["denominator"]
    assert cents(revenue) == cents(rpl["numerator"])
    assert converted == conversion["numerator"]
    assert revenue / leads == pytest.approx(rpl["value"], abs=1e-9)
    assert converted / leads == pytest.approx(conversion["value"], abs=1e-12)


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
    """Over both segments CSAT and NPS are exact (planted headline and true people alike).
    Against the true people: a survey about an order makes its respondent
    a buyer even when the till did not identify them; a survey about no order (NPS, or CSAT
    after a ticket, call or lead follow-up) needs identity to link the respondent to a recent
    order. So the split can only move a true buyer to non-buyers (never a false buyer), and
    the warehouse's buyer segment equals the truth's minus exactly those responses."""
    found = totals(warehouse, "kpi_satisfaction_monthly", survey_type)
    for pick in (lambda k: k, lambda k: k["true_people"]):
        both = [pick(kpis[f"{survey_type}_{segment}"]) for segment in ("buyers", "non_buyers")]
        assert found == (sum(k["numerator"] for k in both), sum(k["denominator"] for k in both))
    of_type = response_buyers[response_buyers["survey_type"] == survey_type]
    assert not (of_type["is_buyer"] & ~of_type["is_true_buyer"]).any()
    missed = of_type[of_type["is_true_buyer"] & ~of_type["is_buyer"]]
    buyer_numerator, buyer_responses = totals(
        warehouse, "kpi_satisfaction_monthly", survey_type, "buyer_segment = 'buyer'"
    )
    truth = kpis[f"{survey_type}_buyers"]["true_people"]
    assert buyer_responses == truth["denominator"] - len(missed)
    if survey_type == "csat":
        missed_top_two = int((missed["score"] >= 4).sum())
        assert buyer_numerator == truth["numerator"] - missed_top_two


@pytest.mark.parametrize("survey_type", ["csat", "nps"])
def test_satisfaction_buyers_are_the_planted_split_exactly(
    warehouse, kpis, response_buyers, truth_orders, identifiable, survey_type
):
    """The planted headline calls a respondent a buyer when a non-cancelled order in the 90
    days before is reachable from the response through non-junk identifiers and references
    (one linkable component: the respondent's customer). The planted split is recomputed
    from those pairs (a second way), and the warehouse's buyer flag equals it response by
    response; CSAT and NPS per segment equal the planted values exactly."""
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
        truth = kpis[f"{survey_type}_{segment}"]
        expected = of_type[of_type["is_identifiable_buyer"] == is_buyer]
        assert (score_sum(expected), len(expected)) == (truth["numerator"], truth["denominator"])
        where = f"buyer_segment = '{'buyer' if is_buyer else 'non_buyer'}'"
        found = totals(warehouse, "kpi_satisfaction_monthly", survey_type, where)
        assert found == (truth["numerator"], truth["denominator"])
    buyers = kpis[f"{survey_type}_buyers"]
    assert buyers["denominator"] <= buyers["true_people"]["denominator"]
    differing = of_type[of_type["is_identifiable_buyer"] != of_type["is_buyer"]]
    assert differing.empty, differing[["response_id", "is_identifiable_buyer", "is_buyer"]]


# ------------------------------------------------------------------------------ cross-channel


def test_ropo_share_is_a_lower_bound_of_the_true_people_share(warehouse, kpis, truth_orders):
    """`true_people` matches a store order to its TRUE buyer's product views; the warehouse
    (and the planted headline) only to an identified buyer's stitched views. Every ROPO order it finds is a true one, the
    store sales are the same, and the missing ROPO sales are true ROPO orders of an anonymous
    store buyer or of a buyer whose qualifying views were made on a cookie never logged in."""
    ropo, store = totals(warehouse, "kpi_cross_channel_monthly", "ropo_share_of_store_sales")
    truth = kpis["ropo_share_of_store_sales"]["true_people"]
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


def test_ropo_is_the_planted_share_exactly(warehouse, kpis, truth_orders, identifiable):
    """The planted headline flags a store order with a view of the category in the 14 days
    before on a web or app session reachable from the order through non-junk identifiers and
    references (one linkable component: the buyer's customer). The truth's flagged orders
    recompute its numerator (a second way), and the warehouse flags exactly those orders:
    its ROPO sales equal to the cent, so the share is exact (no 0.5-point tolerance)."""
    truth = kpis["ropo_share_of_store_sales"]
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
    assert ropo / store == pytest.approx(truth["value"], abs=1e-12)


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


# ------------------------------------------------------------------------------ attribution truth

MODELS = ("first_touch", "last_non_direct", "linear", "time_decay", "position_based", "markov")


@pytest.fixture(scope="module")
def attribution_touches(fixture_world) -> pd.DataFrame:
    """The truth's (conversion, touch) rows with cents per model, variants `customer` (the
    touches of the order's identity component: the planted headline) and `true_people` (the
    true buyer's touches)."""
    touches = pd.read_parquet(fixture_world.truth_dir / "attribution_touches.parquet")
    touches["order_key"] = touches["source_system"] + ":" + touches["order_ref"]
    touches["touch_id"] = touches["touch_id"].fillna("-")
    return touches


@pytest.fixture(scope="module")
def warehouse_attribution(warehouse) -> pd.DataFrame:
    """fct_attribution per (conversion, touch position), cents per model, with the touch's raw
    record id (a session: 'visitor_id@ISO start', as the truth names it), the touch's and the
    order's unified customer."""
    with warehouse.connect() as con:
        rows = con.execute(
            """
            select
                windowed.order_key,
                windowed.touch_position,
                windowed.attribution_channel,
                coalesce(
                    case
                        when touches.touchpoint_type = 'session'
                            then touches.visitor_id || '@'
                                || strftime(touches.touched_at, '%Y-%m-%dT%H:%M:%SZ')
                        else touches.source_record_id
                    end,
                    '-'
                ) as touch_id,
                touches.customer_id as touch_customer_id,
                windowed.customer_id as order_customer_id
            from intermediate.int_conversion_touches_windowed as windowed
            left join intermediate.int_touchpoints_unified as touches
                on windowed.touchpoint_key = touches.touchpoint_key
            """
        ).df()
        cents = con.execute(
            "select order_key, coalesce(touch_position, 0) as touch_position, attribution_model,"
            " cast(round(attributed_net_sales_amount_eur * 100) as bigint) as cents,"
            " attribution_weight"
            " from marts.fct_attribution"
        ).df()
    rows["touch_position"] = rows["touch_position"].fillna(0).astype(int)
    wide = cents.pivot_table(
        index=["order_key", "touch_position"], columns="attribution_model", values="cents"
    ).add_suffix("_cents")
    weight = cents[cents["attribution_model"] == "markov"].set_index(
        ["order_key", "touch_position"]
    )["attribution_weight"]
    return rows.join(wide, on=["order_key", "touch_position"]).join(
        weight.rename("markov_weight"), on=["order_key", "touch_position"]
    )


def paths_of(touches: pd.DataFrame) -> pd.Series:
    """order_key -> its touches' record ids in path order ('-' for none)."""
    ordered = touches.sort_values(["order_key", "touch_position"])
    return ordered.groupby("order_key")["touch_id"].agg(",".join)


def same_path_orders(identifiable: pd.DataFrame, found: pd.DataFrame) -> set[str]:
    truth, warehouse = paths_of(identifiable), paths_of(found)
    assert set(truth.index) == set(warehouse.index)  # one conversion per non-cancelled order
    return set(truth.index[truth.to_numpy() == warehouse.reindex(truth.index).to_numpy()])


def test_planted_attribution_shares_add_up_and_recompute(kpis, attribution_touches, truth_orders):
    """Every model and variant credits all net sales of the non-cancelled orders (numerators
    add up to the denominator, to the cent), kpis.json holds the sums of the per-touch cents,
    and first and last touch recompute a second way: each conversion's whole net sales to the
    channel of its first (last) touch, or to `unattributed`."""
    shares = kpis["attribution_share_by_channel"]
    assert set(shares) == set(MODELS)
    live = truth_orders[~truth_orders["is_cancelled"]].set_index("order_key")["net_sales_eur"]
    total = cents(round(live.sum(), 2))
    assert total > 0
    for variant, pick in (("customer", lambda r: r), ("true_people", lambda r: r["true_people"])):
        rows = attribution_touches[attribution_touches["variant"] == variant]
        assert set(rows["order_key"]) == set(live.index)
        for model in MODELS:
            ratios = {channel: pick(ratio) for channel, ratio in shares[model].items()}
            assert {cents(r["denominator"]) for r in ratios.values()} == {total}
            assert sum(cents(r["numerator"]) for r in ratios.values()) == total, (variant, model)
            per_channel = rows.groupby("attribution_channel")[f"{model}_cents"].sum()
            assert {c: cents(r["numerator"]) for c, r in ratios.items()} == {
                c: int(per_channel.get(c, 0)) for c in ratios
            }
        for model, position in (("first_touch", 1), ("last_non_direct", None)):
            end = rows["path_length"] if position is None else position
            ends = rows[(rows["touch_position"] == end) | (rows["path_length"] == 0)]
            recomputed = (
                live.reindex(ends["order_key"])
                .groupby(ends["attribution_channel"].to_numpy())
                .sum()
            )
            ratios = {channel: pick(ratio) for channel, ratio in shares[model].items()}
            assert {c: cents(round(v, 2)) for c, v in recomputed.items()} == {
                c: cents(r["numerator"]) for c, r in ratios.items() if r["numerator"]
            }


def test_customer_attribution_touches_are_true_touches(kpis, attribution_touches):
    """The identity components of the truth each hold one person, so an order's customer
    touches are some of its true buyer's touches: a conversion can only lose touches to
    identity, and the planted unattributed share is at least the true-people one."""
    pairs = attribution_touches[attribution_touches["touch_id"] != "-"]
    true_pairs = pairs[pairs["variant"] == "true_people"]
    true = set(zip(true_pairs["order_key"], true_pairs["touch_id"], strict=True))
    known = pairs[pairs["variant"] == "customer"]
    assert set(zip(known["order_key"], known["touch_id"], strict=True)) <= true
    for model in MODELS:
        unattributed = kpis["attribution_share_by_channel"][model]["unattributed"]
        assert unattributed["numerator"] >= unattributed["true_people"]["numerator"]


def test_attribution_paths_are_the_customer_ones(attribution_touches, warehouse_attribution):
    """The warehouse's touch rules and window (30 days before the order, both ends included)
    are the truth's, and its customers are the truth's identity components, so every
    conversion has the planted (customer) path: the touches whose record lies in the order's
    component, by raw record id, in the same order. A differing conversion would be an order
    not stitched (its touches go to `unattributed`), a touch stitched to another customer or
    none, or a touch of another component: the message counts them."""
    known = attribution_touches[attribution_touches["variant"] == "customer"]
    same = same_path_orders(known, warehouse_attribution)
    differing = known[~known["order_key"].isin(same)]
    found = warehouse_attribution[~warehouse_attribution["order_key"].isin(same)]
    order_customer = found.groupby("order_key")["order_customer_id"].first()
    touch_customer = warehouse_attribution.drop_duplicates("touch_id").set_index("touch_id")[
        "touch_customer_id"
    ]
    lost = differing[differing["touch_id"] != "-"].assign(
        customer=lambda f: touch_customer.reindex(f["touch_id"]).to_numpy(),
        order_customer=lambda f: order_customer.reindex(f["order_key"]).to_numpy(),
    )
    lost = lost[lost["customer"].isna() | (lost["customer"] != lost["order_customer"])]
    added = found[
        ~found.set_index(["order_key", "touch_id"]).index.isin(
            differing.set_index(["order_key", "touch_id"]).index
        )
        & (found["touch_id"] != "-")
    ]
    assert differing.empty, (
        f"{differing['order_key'].nunique()} of {known['order_key'].nunique()} conversions "
        f"differ: {int(order_customer.isna().sum())} orders not stitched, "
        f"{lost['order_key'].nunique()} with touches stitched elsewhere or not at all, "
        f"{added['order_key'].nunique()} with touches of another component"
    )


@pytest.mark.parametrize("model", MODELS)
def test_attribution_is_the_planted_share_exactly(
    kpis, attribution_touches, warehouse_attribution, model
):
    """With the customer paths (test above) every touch gets the truth's cents under every
    model (largest remainder included), and per channel the warehouse's attributed net sales
    equal the planted numerators to the cent, so the shares are exact (no 0.5-point
    tolerance). Markov too: its removal effects are those of the customer paths (next test).
    True people - planted is identity alone (touches of cookies never tied to a login,
    purchase or tracked link; receipts with no identifier): no window rule makes it fuzzy."""
    known = attribution_touches[attribution_touches["variant"] == "customer"]
    column, key = f"{model}_cents", ["order_key", "touch_position"]
    truth = known.set_index(key)[column].sort_index().astype("int64")
    found = warehouse_attribution.set_index(key)[column].sort_index().astype("int64")
    assert found.equals(truth)
    per_channel = warehouse_attribution.groupby("attribution_channel")[column].sum()
    shares = kpis["attribution_share_by_channel"][model]
    assert {channel: int(per_channel.get(channel, 0)) for channel in shares} == {
        channel: cents(ratio["numerator"]) for channel, ratio in shares.items()
    }
    assert set(per_channel.index) <= set(shares)


@pytest.mark.demo
@pytest.mark.parametrize("model", MODELS)
def test_demo_attribution_is_the_planted_share_exactly(demo_warehouse, model):
    """On the demo world too (52,000 conversions): per channel, the net sales each model
    attributes equal the planted numerators of kpis.json to the cent."""
    kpis = json.loads((demo_warehouse.world.truth_dir / "kpis.json").read_text())
    shares = kpis["attribution_share_by_channel"][model]
    found = dict(
        demo_warehouse.query(
            "select attribution_channel,"
            " cast(round(sum(attributed_net_sales_amount_eur) * 100) as bigint)"
            f" from marts.fct_attribution where attribution_model = '{model}'"
            " group by attribution_channel order by attribution_channel"
        )
    )
    assert set(found) <= set(shares)
    assert {channel: found.get(channel, 0) for channel in shares} == {
        channel: cents(ratio["numerator"]) for channel, ratio in shares.items()
    }


def test_markov_effects_are_the_planted_ones_exactly(
    warehouse, kpis, attribution_touches, warehouse_attribution
):
    """Markov weights depend on the removal effects of the whole chain, so one differing path
    would move every channel's effect (a conversion's path lost to stitching, its touches in
    a customer's non-converting path instead). The warehouse's effects equal the planted
    ones (paths per component of a customer). What the warehouse computes on its
    own paths is exact: its removal effects (the chain's matrix squared
    `markov_squarings` times) equal the generator's linear solve on the same paths, and on
    every conversion with the customer path each touch gets its channel's effect / the
    path's channels' effects / its channel's touches. The true people's effects are kept
    beside the planted ones (kpis.json `attribution_markov_removal_effect`, `true_people`)."""
    from omnichannel.generate.attribution_truth import markov_removal_effects

    with warehouse.connect() as con:
        steps = con.execute(
            "select path_id, is_converting, step_number, attribution_channel"
            " from intermediate.int_attribution_paths_built"
            " order by is_converting desc, path_id, step_number"
        ).df()
        effects = con.execute(
            "select attribution_channel, removal_effect"
            " from intermediate.int_markov_removal_effects_computed"
        ).df()
    channels = sorted(set(steps["attribution_channel"]))
    code = pd.Index(channels).get_indexer(steps["attribution_channel"])
    path = pd.factorize(steps["path_id"])[0]
    converting = steps["is_converting"].to_numpy()
    solved = markov_removal_effects(
        (path[converting], code[converting]), (path[~converting], code[~converting])
    )
    solved.index = channels
    found = effects.set_index("attribution_channel")["removal_effect"].reindex(channels)
    assert (found - solved["removal_effect"]).abs().max() < 1e-9

    known = attribution_touches[attribution_touches["variant"] == "customer"]
    same = same_path_orders(known, warehouse_attribution)
    rows = warehouse_attribution[
        warehouse_attribution["order_key"].isin(same) & (warehouse_attribution["touch_id"] != "-")
    ].copy()
    rows["effect"] = found.reindex(rows["attribution_channel"]).fillna(0).to_numpy()
    per_channel = rows.drop_duplicates(["order_key", "attribution_channel"])
    path_effect = per_channel.groupby("order_key")["effect"].sum()
    touches = rows.groupby(["order_key", "attribution_channel"])["touch_id"].transform("size")
    total = path_effect.reindex(rows["order_key"]).to_numpy()
    length = rows.groupby("order_key")["touch_id"].transform("size").to_numpy()
    weight = np.where(
        total > 0,
        rows["effect"].to_numpy() / np.where(total > 0, total, 1.0) / touches.to_numpy(),
        1.0 / length,
    )
    assert len(rows) > 0
    assert np.abs(weight - rows["markov_weight"].to_numpy()).max() < 1e-12
    planted = kpis["attribution_markov_removal_effect"]
    assert set(planted) >= set(channels)
    headline = pd.Series({c: e["value"] for c, e in planted.items()})
    assert (found - headline.reindex(channels)).abs().max() < 1e-9


def test_ropo_rule_with_the_true_buyers_reproduces_the_truth_order_by_order(
    warehouse, fixture_world, truth_orders
):
    """The warehouse's ROPO rule on its own cleaned data, given the TRUE buyer of every store
    receipt and of every cookie and device (instead of its stitching), flags exactly the
    truth's ROPO receipts: same window [ordered_at - 14 days, ordered_at) in UTC instants on
    both sides, a view of a product of the same category (the product itself included), views
    of web and app. So the rules coincide and planted - found is identity only (see the two
    tests above and docs/generator.md, "Planted attribution shares", for the split)."""
    visitors = pd.read_parquet(fixture_world.truth_dir / "sessions.parquet")
    visitors = visitors.loc[visitors["person_id"].notna(), ["visitor_id", "person_id"]]
    with warehouse.connect() as con:
        views = con.execute(
            "select visitor_id, category_id, event_at from intermediate.int_commerce_events_stitched"
            " where event_name = 'view_item'"
        ).df()
        lines = con.execute(
            "select lines.order_key, lines.category_id, orders.ordered_at"
            " from intermediate.int_order_lines_unified as lines"
            " inner join intermediate.int_orders_unified as orders"
            "   on lines.order_key = orders.order_key"
            " where lines.order_channel = 'store'"
        ).df()
    views = views.merge(visitors.drop_duplicates(), on="visitor_id")
    store = truth_orders[truth_orders["order_channel"] == "store"]
    lines = lines.merge(store[["order_key", "person_id"]], on="order_key")
    pairs = lines.merge(views, on=["person_id", "category_id"])
    pairs = pairs[
        (pairs["event_at"] < pairs["ordered_at"])
        & (pairs["event_at"] >= pairs["ordered_at"] - pd.Timedelta(days=14))
    ]
    assert set(pairs["order_key"]) == set(store.loc[store["is_ropo"], "order_key"])
    assert store["is_ropo"].any()
