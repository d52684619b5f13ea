"""The truth behind the extracts: who is behind each record, and the headline KPIs.

Computed from the clean world (before the mess is planted), with the
definitions of the metric dictionary, so that a warehouse that implements
them on the cleaned extracts can be checked against these numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from omnichannel.generate import text
from omnichannel.generate.schema import TABLES
from omnichannel.generate.world import (
    PAGE_VIEW,
    PROMOTIONS,
    SELECT_PROMOTION,
    TRAFFIC_SOURCES,
    VIEW_ITEM,
    VIEW_PROMOTION,
    World,
)


def round_half_away(values: np.ndarray) -> np.ndarray:
    """Round to the cent the way SQL `round(x, 2)` does: half away from zero."""
    values = np.asarray(values, dtype=float)
    return np.sign(values) * np.floor(np.abs(values) * 100 + 0.5) / 100


def source_records(out: dict[str, pd.DataFrame], people: pd.DataFrame) -> pd.DataFrame:
    frames = []
    person_ids = text.strings(people["person_id"])
    for table in TABLES:
        if table.qualified_name not in out:  # the event exports stream their records
            continue
        frame = out[table.qualified_name]
        person = frame["_person"].to_numpy()
        carried = person >= 0
        key = text.strings(frame[table.key[0]]).filter(pa.array(carried))
        # a record counts once (its first row): duplicates are within one table
        first = _first_occurrences(key)
        key, person = key.filter(pa.array(first)), person[carried][first]
        frames.append(
            pd.DataFrame(
                {
                    "source_system": table.system,
                    "source_table": table.name,
                    "source_record_id": text.column(key),
                    "person_id": text.column(person_ids.take(pa.array(person))),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _first_occurrences(values: pa.Array) -> np.ndarray:
    """True at the first row of every distinct value (nulls count as one value)."""
    codes = pc.dictionary_encode(values, null_encoding="encode").indices.to_numpy()
    first = np.zeros(len(codes), dtype=bool)
    first[np.unique(codes, return_index=True)[1]] = True
    return first


def _line_net_eur(world: World) -> pd.DataFrame:
    ref = world.tables["_reference"]
    lines = world.lines.merge(
        world.orders[
            ["order_id", "ordered_at", "order_channel", "is_cancelled", "person_index", "store_id"]
        ],
        on="order_id",
    )
    rate = ref.eur_per_unit(lines["currency"].to_numpy(), lines["ordered_at"].to_numpy())
    lines["gross_eur"] = round_half_away(
        lines["unit_price"].to_numpy() * lines["quantity"].to_numpy() * rate
    )
    lines["discount_eur"] = round_half_away(lines["discount_amount"].to_numpy() * rate)
    cost = ref.products.set_index("sku")["unit_cost_eur"].reindex(lines["sku"]).to_numpy()
    lines["cogs_eur"] = round_half_away(cost * lines["quantity"].to_numpy())
    return lines


def ratio(numerator: float, denominator: float, definition: str) -> dict:
    return {
        "value": (float(numerator) / float(denominator)) if denominator else None,
        "numerator": float(numerator),
        "denominator": float(denominator),
        "definition": definition,
    }


# The planted-KPI contract for the KPIs that depend on who the person is (docs/generator.md,
# "The planted-KPI contract"): the headline counts CUSTOMERS as metrics.md defines them (the
# unified id of the identity graph; anonymous activity never stitched stays anonymous), i.e.
# the linkable components of the extracts (linkable.py), computed here from the clean world.
# The same rule over TRUE people stays beside it, under this key, for information.
TRUE_PEOPLE = "true_people"
WHY_TRUE_PEOPLE = {
    "buyers": "true people include buyers whose orders carry no identifier (a cash receipt, a "
    "store's default loyalty card) and people whose records no extract links (one person, "
    "several customers); no warehouse can see who they are",
    "pairs": "true people also pair records no extract links: a receipt with no identifier, "
    "a view or visit on a cookie or device never tied to a login, purchase or tracked link, "
    "an account or browser of the same person never linked to the other record; no "
    "warehouse can see those pairs",
    "touches": "true people also credit touches on cookies and devices never tied to a login, "
    "purchase or tracked link, and touches of buyers whose receipt carries no identifier; no "
    "warehouse can tie those touches to those orders",
}


def plant_customer_headline(kpi: dict, customer: dict, why: str) -> None:
    """Make `customer` (value, numerator, denominator, definition over customers, metrics.md
    "Customer") the headline of `kpi`, whose headline so far is the rule over TRUE people;
    that moves under `true_people`, with `why` no warehouse can see it."""
    true_people = {key: kpi.pop(key) for key in ("value", "numerator", "denominator", "definition")}
    kpi.update(customer)
    kpi[TRUE_PEOPLE] = {**true_people, "why_no_warehouse_sees_it": WHY_TRUE_PEOPLE[why]}


def promotion_ctr(
    events: pd.DataFrame, sessions: pd.DataFrame, end_s: np.datetime64
) -> dict[str, object]:
    """On-site promotion CTR: select_promotion / view_promotion events of human sessions
    inside the period, per platform and per promotion (both platforms)."""
    code = events["code"].to_numpy()
    session = events["session_number"].to_numpy()
    human = ~sessions["is_bot"].to_numpy()[session] & (events["at"].to_numpy() < end_s)
    platform = sessions["platform"].to_numpy()[session]
    promotion = events["promotion"].to_numpy()
    views, clicks = human & (code == VIEW_PROMOTION), human & (code == SELECT_PROMOTION)
    kpis: dict[str, object] = {}
    for name in ("web", "app"):
        on = platform == name
        kpis[f"promotion_ctr_{name}"] = ratio(
            (clicks & on).sum(),
            (views & on).sum(),
            f"select_promotion / view_promotion events of {name} sessions (GA4 promotion CTR), bots excluded",
        )
    kpis["promotion_ctr_by_promotion"] = {
        promotion_id: ratio(
            (clicks & (promotion == i)).sum(),
            (views & (promotion == i)).sum(),
            f"select_promotion / view_promotion events of {promotion_id}, web and app, bots excluded",
        )
        for i, (promotion_id, *_) in enumerate(PROMOTIONS)
    }
    return kpis


def delivered_store_returns(returns: pd.DataFrame, end_day: np.datetime64) -> pd.DataFrame:
    """The store returns the extracts deliver: a return is dated by the store's local day
    (`_date`), so one late on the last UTC day can fall on the day after the period, which
    the writer never writes (it writes the period's days only); it returns nothing (2 on the
    scale-3, 366-day world, seed 42: a store and a web order stayed net of them)."""
    return returns[returns["_date"].to_numpy().astype("datetime64[D]") < end_day]


def compute_truth(world: World, out: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Truth tables (orders, sessions) and the KPIs, from the clean world.

    The KPIs that depend on who the person is (omnichannel and repeat purchase, ROPO, leads,
    CSAT/NPS buyers) are computed here over TRUE people; `linkable.plant_customer_kpis`
    then makes the value over customers (the linkable components) their headline and keeps
    these under `true_people` (see `plant_customer_headline`)."""
    ref = world.tables["_reference"]
    people = world.people
    end_s = world.tables["_end"]
    end_day = end_s.astype("datetime64[D]")
    lines = _line_net_eur(world)
    live = lines[~lines["is_cancelled"]]

    # returned value in EUR, at the return date's rate, credited to the original order's channel
    refunds = out["ecommerce.refunds"]
    pos_returns = delivered_store_returns(out["store_pos.returns"], end_day)
    returned = pd.concat(
        [
            pd.DataFrame(
                {
                    "order_id": refunds["order_id"],
                    "amount": refunds["amount"],
                    "currency": refunds["currency"],
                    "day": pd.to_datetime(refunds["refunded_ts"].str[:10]),
                }
            ),
            pd.DataFrame(
                {
                    "order_id": pos_returns["original_order_ref"],
                    "amount": pos_returns["refund_amount"],
                    "currency": pos_returns["currency"],
                    "day": pd.to_datetime(pos_returns["_date"]),
                }
            ),
        ],
        ignore_index=True,
    )
    returned["returned_eur"] = round_half_away(
        returned["amount"].to_numpy()
        * ref.eur_per_unit(returned["currency"].to_numpy(), returned["day"].to_numpy())
    )
    returned = returned.merge(world.orders[["order_id", "order_channel"]], on="order_id")

    orders = world.orders.copy()
    per_order = live.groupby("order_id")[["gross_eur", "discount_eur", "cogs_eur"]].sum()
    orders = orders.join(per_order, on="order_id")
    orders["returned_eur"] = (
        orders["order_id"].map(returned.groupby("order_id")["returned_eur"].sum()).fillna(0.0)
    )
    orders["net_sales_eur"] = np.where(
        orders["is_cancelled"],
        0.0,
        orders["gross_eur"].fillna(0) - orders["discount_eur"].fillna(0) - orders["returned_eur"],
    )

    # ROPO and reverse ROPO on the true person's online product views and store visits
    events = world.events
    sessions = world.sessions
    views = events[events["code"] == VIEW_ITEM][["session_number", "at", "sku"]]
    views = views.assign(
        person_index=sessions["person_index"].to_numpy()[views["session_number"].to_numpy()],
        category_id=ref.products["category_id"].to_numpy()[views["sku"].to_numpy()],
    )
    category = ref.products.set_index("sku")["category_id"]
    store_lines = live[live["order_channel"] == "store"][
        ["order_id", "sku", "person_index", "ordered_at"]
    ]
    store_lines = store_lines[store_lines["person_index"] >= 0].assign(
        category_id=lambda f: category.reindex(f["sku"]).to_numpy()
    )
    matched = store_lines.merge(
        views[["person_index", "at", "category_id"]], on=["person_index", "category_id"]
    )
    matched = matched[
        (matched["at"] < matched["ordered_at"])
        & (matched["at"] >= matched["ordered_at"] - pd.Timedelta(days=14))
    ]
    ropo_orders = set(matched["order_id"])
    orders["is_ropo"] = text.isin(orders["order_id"], list(ropo_orders))
    visits = world.tables["_store_tx"][["person_index", "ordered_at"]].rename(
        columns={"ordered_at": "visit_at"}
    )
    online_orders = orders[
        text.isin(orders["order_channel"], ["web", "app", "phone"]) & (orders["person_index"] >= 0)
    ][["order_id", "person_index", "ordered_at"]]
    rev = online_orders.merge(visits[visits["person_index"] >= 0], on="person_index")
    rev = rev[
        (rev["visit_at"] < rev["ordered_at"])
        & (rev["visit_at"] >= rev["ordered_at"] - pd.Timedelta(days=14))
    ]
    orders["is_reverse_ropo"] = text.isin(orders["order_id"], rev["order_id"])

    shipments = world.tables["_shipments"]
    due = shipments["promised"].to_numpy() < end_day
    on_time = shipments["delivered_day"].notna().to_numpy() & (
        shipments["delivered_day"].to_numpy() <= shipments["promised"].to_numpy()
    )
    in_full = on_time & shipments["in_full"].to_numpy()
    orders = orders.merge(
        pd.DataFrame(
            {
                "order_id": shipments["order_id"],
                "is_on_time": np.where(due, on_time, None),
                "is_in_full": np.where(due, in_full, None),
            }
        ),
        on="order_id",
        how="left",
    )
    orders["person_id"] = np.where(
        orders["person_index"] >= 0,
        people["person_id"].to_numpy()[np.maximum(orders["person_index"].to_numpy(), 0)],
        None,
    )

    truth_orders = orders[
        [
            "order_id",
            "source_system",
            "person_id",
            "order_channel",
            "ordered_at",
            "fulfilment_method",
            "is_cancelled",
            "net_sales_eur",
            "is_ropo",
            "is_reverse_ropo",
            "is_on_time",
            "is_in_full",
        ]
    ].rename(columns={"order_id": "order_ref"})

    # sessions: engagement as GA4 defines it, from the events themselves
    session_of_event = events["session_number"].to_numpy()
    sessions = sessions.assign(
        page_views=np.bincount(
            session_of_event,
            weights=events["code"].to_numpy() == PAGE_VIEW,
            minlength=len(sessions),
        ),
        engagement_msec=np.bincount(
            session_of_event, weights=events["engagement_msec"].to_numpy(), minlength=len(sessions)
        ),
    )
    sessions["is_engaged"] = ~sessions["is_bot"] & (
        (sessions["engagement_msec"] > 10_000)
        | (sessions["page_views"] >= 2)
        | sessions["has_purchase"]
    )
    sessions["is_returning"] = ~sessions["is_first_of_visitor"].to_numpy()
    truth_sessions = pd.DataFrame(
        {
            "visitor_id": text.column(world.tables["_session_text"].visitor),
            "platform": sessions["platform"],
            "session_start": sessions["start_at"],
            "is_bot": sessions["is_bot"],
            "has_purchase": sessions["has_purchase"],
            "is_engaged": sessions["is_engaged"],
            "is_returning_visitor": sessions["is_returning"],
            "default_channel_group": text.column(
                pa.array([source[0] for source in TRAFFIC_SOURCES]).take(
                    pa.array(sessions["source_index"].to_numpy())
                )
            ),
            "person_id": text.column(
                text.take(text.strings(people["person_id"]), sessions["person_index"].to_numpy())
            ),
        }
    )

    kpis: dict[str, object] = {}
    footfall = out["store_footfall.hourly_counts"]["visitors_in"].sum()
    kpis["store_conversion_rate"] = ratio(
        len(world.tables["_store_tx"]),
        footfall,
        "store transactions / door-counter visitors, all stores and days",
    )
    human = sessions.loc[
        ~sessions["is_bot"], ["platform", "has_purchase", "is_returning", "is_engaged"]
    ]
    for platform in ("web", "app"):
        s = human[human["platform"] == platform]
        kpis[f"{platform}_conversion_rate"] = ratio(
            s["has_purchase"].sum(),
            len(s),
            f"{platform} sessions with a purchase / {platform} sessions (GA4 sessions, bots excluded)",
        )
        kpis[f"returning_visit_rate_{platform}"] = ratio(
            s["is_returning"].sum(),
            len(s),
            f"{platform} sessions of a visitor (cookie or device) with an earlier session / {platform} sessions, bots excluded",
        )
        kpis[f"engagement_rate_{platform}"] = ratio(
            s["is_engaged"].sum(),
            len(s),
            f"engaged {platform} sessions (GA4: >10 s, a purchase, or 2+ page/screen views) / sessions",
        )
    kpis.update(promotion_ctr(events, sessions, end_s))
    kpis["otd_rate"] = ratio(
        on_time[due].sum(),
        due.sum(),
        "shipments delivered (or ready for pick-up) on or before the ORIGINAL promised date / shipments whose promised date is before the end of the period",
    )
    kpis["otif_rate"] = ratio(
        in_full[due].sum(),
        due.sum(),
        "shipments on time and with every ordered unit / same denominator as OTD",
    )
    shop_orders = orders[orders["source_system"] == "ecommerce"]
    shop_live = shop_orders[~shop_orders["is_cancelled"]]
    kpis["bopis_share_of_online_orders"] = ratio(
        (shop_live["fulfilment_method"] == "bopis").sum(),
        len(shop_live),
        "non-cancelled shop orders (web, app, phone) picked up in store / non-cancelled shop orders",
    )
    kpis["ship_from_store_share_of_online_orders"] = ratio(
        (shop_live["fulfilment_method"] == "ship_from_store").sum(),
        len(shop_live),
        "non-cancelled shop orders shipped from a store / non-cancelled shop orders",
    )
    kpis["oversell_rate"] = ratio(
        (shop_orders["is_cancelled"]).sum(),
        len(shop_orders),
        "shop orders cancelled for lack of stock / all shop orders (web, app, phone)",
    )
    store_orders = orders[(orders["order_channel"] == "store")]
    kpis["ropo_share_of_store_sales"] = ratio(
        store_orders.loc[store_orders["is_ropo"], "net_sales_eur"].sum(),
        store_orders["net_sales_eur"].sum(),
        "net sales of store orders whose TRUE buyer viewed a product of the same category online in the 14 days before / store net sales",
    )
    buyers = orders[
        (orders["person_index"] >= 0)
        & ~orders["is_cancelled"]
        & (orders["ordered_at"] >= end_s - np.timedelta64(365 * 86400, "s"))
    ]
    channels = buyers.groupby("person_index")["order_channel"].nunique()
    kpis["omnichannel_buyer_share"] = ratio(
        (channels >= 2).sum(),
        len(channels),
        "true people who bought in 2+ order channels in the trailing 365 days / people who bought in that window",
    )
    kpis["net_sales_eur_by_channel"] = {
        c: float(round(v, 2))
        for c, v in orders.groupby("order_channel")["net_sales_eur"].sum().sort_index().items()
    }
    cogs = orders.groupby("order_channel")["cogs_eur"].sum()
    kpis["cm1_eur_by_channel"] = {
        c: float(
            round(
                orders.loc[orders["order_channel"] == c, "net_sales_eur"].sum() - cogs.get(c, 0.0),
                2,
            )
        )
        for c in sorted(orders["order_channel"].unique())
    }
    counts = out["erp.cycle_counts"]
    abc = ref.products.set_index("sku")["abc_class"].reindex(counts["sku"]).to_numpy()
    tolerance = pd.Series({"A": 0.0, "B": 0.02, "C": 0.05}).reindex(abc).to_numpy()
    within = (
        np.abs(counts["system_units"].to_numpy() - counts["counted_units"].to_numpy())
        <= tolerance * counts["counted_units"].to_numpy()
    )
    kpis["inventory_record_accuracy"] = ratio(
        within.sum(),
        len(counts),
        "cycle counts whose system quantity is within the ABC tolerance (A exact, B 2%, C 5%) of the counted quantity / cycle counts",
    )
    stock = world.tables["_stock"]
    kpis["stockout_rate"] = ratio(
        (stock == 0).sum(),
        stock.size,
        "SKU-location-days with zero units on hand at end of day / SKU-location-days (every SKU is active at every location)",
    )
    responses = out["surveys.responses"]
    resp_person = responses["_person"].to_numpy()
    resp_at = pd.to_datetime(responses["responded_ts"], format="%Y-%m-%dT%H:%M:%SZ").to_numpy()
    bought = orders[(orders["person_index"] >= 0) & ~orders["is_cancelled"]][
        ["person_index", "ordered_at"]
    ]
    r = pd.DataFrame(
        {"response_id": responses["response_id"], "person_index": resp_person, "at": resp_at}
    ).merge(bought, on="person_index", how="left")
    r = r[(r["ordered_at"] < r["at"]) & (r["ordered_at"] >= r["at"] - pd.Timedelta(days=90))]
    is_buyer = text.isin(responses["response_id"], r["response_id"])
    score = responses["score"].to_numpy()
    kind = responses["survey_type"].to_numpy()
    for label, mask in (("buyers", is_buyer), ("non_buyers", ~is_buyer)):
        csat = mask & (kind == "csat")
        kpis[f"csat_{label}"] = ratio(
            (score[csat] >= 4).sum(),
            csat.sum(),
            f"CSAT responses scoring 4-5 / CSAT responses, {label} (the TRUE respondent ordered in the 90 days before the response)",
        )
        nps = mask & (kind == "nps")
        promoters, detractors = (score[nps] >= 9).sum(), (score[nps] <= 6).sum()
        kpis[f"nps_{label}"] = {
            "value": (100.0 * (promoters - detractors) / nps.sum()) if nps.sum() else None,
            "numerator": float(promoters - detractors),
            "denominator": float(nps.sum()),
            "definition": f"NPS points: (promoters 9-10 - detractors 0-6) / responses x 100, {label} (the TRUE respondent ordered in the 90 days before the response)",
        }
    leads = out["crm.leads"]
    lead_at = pd.to_datetime(leads["created_ts"], format="%Y-%m-%dT%H:%M:%SZ").to_numpy()
    lp = pd.DataFrame(
        {
            "lead_id": leads["lead_id"],
            "person_index": leads["_person"].to_numpy(),
            "lead_at": lead_at,
        }
    )
    lo = lp.merge(orders[["person_index", "ordered_at", "net_sales_eur"]], on="person_index")
    lo = lo[
        (lo["ordered_at"] >= lo["lead_at"])
        & (lo["ordered_at"] < lo["lead_at"] + pd.Timedelta(days=90))
    ]
    kpis["revenue_per_lead_eur"] = ratio(
        round(lo["net_sales_eur"].sum(), 2),
        len(leads),
        "net sales of orders placed by the lead's TRUE person within 90 days of the lead's creation / leads created",
    )
    kpis["lead_conversion_rate"] = ratio(
        lo["lead_id"].nunique(),
        len(leads),
        "leads whose TRUE person ordered within 90 days of creation / leads",
    )
    first_order = (
        orders[(orders["person_index"] >= 0) & ~orders["is_cancelled"]]
        .groupby("person_index")["ordered_at"]
        .min()
    )
    old_enough = first_order[first_order <= end_s - np.timedelta64(365 * 86400, "s")]
    kpis["repeat_purchase_rate"] = ratio(
        0,
        len(old_enough),
        "true people with 2+ orders within 365 days of their first / true people whose first order is at least 365 days old (null when the period is shorter than a year)",
    )
    if len(old_enough):
        o = orders[(orders["person_index"].isin(old_enough.index)) & ~orders["is_cancelled"]]
        o = o.join(first_order.rename("first_at"), on="person_index")
        again = o[
            (o["ordered_at"] > o["first_at"])
            & (o["ordered_at"] <= o["first_at"] + pd.Timedelta(days=365))
        ]
        kpis["repeat_purchase_rate"] = ratio(
            again["person_index"].nunique(),
            len(old_enough),
            kpis["repeat_purchase_rate"]["definition"],
        )
    return {"orders": truth_orders, "sessions": truth_sessions, "kpis": kpis, "_orders": orders}


RECORD_SCHEMA = pa.schema(
    [
        ("source_system", pa.string()),
        ("source_table", pa.string()),
        ("source_record_id", pa.string()),
        ("person_id", pa.string()),
    ]
)


class RecordsFile:
    """source_records.parquet, written as the records come (the events stream in by day)."""

    def __init__(self, path: Path, person_ids: pd.Series, batch_rows: int = 1_000_000) -> None:
        self._writer = pq.ParquetWriter(path, RECORD_SCHEMA, compression="zstd")
        self._person_ids = text.strings(person_ids)
        self._batch: list[pa.Table] = []
        self._rows = 0
        self._batch_rows = batch_rows

    def add_frame(self, records: pd.DataFrame) -> None:
        self._add(pa.Table.from_pandas(records, schema=RECORD_SCHEMA, preserve_index=False))

    def add_events(self, name: str, ids: pa.Array, person_index: np.ndarray) -> None:
        system, table = name.split(".")
        n = len(ids)
        self._add(
            pa.table(
                {
                    "source_system": pa.repeat(system, n),
                    "source_table": pa.repeat(table, n),
                    "source_record_id": ids,
                    "person_id": self._person_ids.take(pa.array(person_index)),
                },
                schema=RECORD_SCHEMA,
            )
        )

    def _add(self, table: pa.Table) -> None:
        self._batch.append(table)
        self._rows += len(table)
        if self._rows >= self._batch_rows:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            self._writer.write_table(pa.concat_tables(self._batch))
        self._batch, self._rows = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()
