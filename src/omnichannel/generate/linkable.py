"""Which records a perfect warehouse could tie to their person, and the KPIs it could compute.

The planted KPIs of ``truth`` count TRUE people, including purchases and views that
carry no identifier at all (a cash receipt, a cookie that never logs in). Here the
same definitions are computed only over *identifiable* records, with the generator's
own knowledge of who is behind what:

- a **node** is a non-junk identifier as the extracts carry it (an email, lower-cased
  and trimmed; a phone, in any format; a loyalty card; a shop account; an app device;
  a browser cookie, also as the GA client id a web form stores (a lead, a newsletter
  sign-up); a marketplace buyer id; a CRM contact; a payment card fingerprint)
  or a reference one record makes to another (an order id named by a purchase event,
  a points entry, a store return, a support ticket or a survey; a call id; a message
  id in a tracked link; a lead id). Junk identifiers never link: the placeholders the
  generator plants (``test@test.com``, a phone of zeros, a store's default loyalty
  card ``L9..0000000``);
- every record links the nodes it carries; the connected components of that graph
  are what any warehouse could ever stitch from the extracts: each component is one
  customer of a perfect warehouse (a person whose records no extract links is several);
- a record is **identifiable** when its component holds a (non-junk) identifier: a
  perfect warehouse maps it to that component's customer. An anonymous cash receipt
  nobody names, or an order whose only identifier is junk, is not.
  Every KPI is the truth's rule evaluated on this partition: omnichannel buyers are
  components with orders in 2+ channels; KPIs over pairs of records (a store order and
  a view, a lead and an order, a response and an order) count a pair when both lie in
  one component, each reachable from the other.

The result is published beside each identity-dependent KPI of ``kpis.json`` as
``identifiable`` (numerator, denominator, value, definition), and per record in
``identifiable_records.parquet``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from omnichannel.generate.extracts import MARKETPLACE_SERVICE_PHONE
from omnichannel.generate.world import LOGIN, PURCHASE, VIEW_ITEM, World

# the placeholder identifiers the generator plants (mess.py, extracts.py)
JUNK_EMAILS = frozenset({"test@test.com"})
JUNK_CARD = r"^L9\d{2}0{7}$"  # a store's default loyalty card
REFERENCE = "ref:"


def _split_first(values: pd.Series, separator: str) -> tuple[pd.Series, pd.Series]:
    """`values.str.split(separator, n=1, expand=True)` for text with a separator in every
    value, split by Arrow in one pass instead of a Python `str.split` per row."""
    parts = pc.split_pattern(pa.array(values), separator, max_splits=1)
    return tuple(
        pd.Series(pc.list_element(parts, i), index=values.index, dtype=values.dtype) for i in (0, 1)
    )


def _isin(values: pd.Series, candidates) -> np.ndarray:
    """`values.isin(candidates)` as a boolean array; text is looked up in Arrow's hash set
    (pandas builds Python lists for Arrow-backed text). A missing value is never in."""
    left, right = (
        pd.Series(values),
        pd.Series(list(candidates) if isinstance(candidates, set) else candidates),
    )
    if pd.api.types.is_string_dtype(left) and pd.api.types.is_string_dtype(right):
        try:
            found = pc.is_in(pa.array(left), value_set=pa.array(right.dropna()), skip_nulls=True)
            return found.to_numpy(zero_copy_only=False).astype(bool)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            pass
    return left.isin(right).to_numpy(bool)


def _text(values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def _plain(kind: str, values) -> pd.Series:
    values = _text(values)
    return (kind + ":" + values.astype(str)).where(values.notna())


def _distinct(values) -> tuple[np.ndarray, pd.Series]:
    """Codes (-1: missing) and the distinct values of text, so that a per-value rule runs
    once per distinct value (an address recurs on every message sent to it)."""
    codes, uniques = pd.factorize(_text(values))
    return codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object)


def _by_code(per_distinct: pd.Series, codes: np.ndarray, missing=np.nan) -> np.ndarray:
    """The value of each row's distinct value; `missing` where the row has none."""
    values = per_distinct.to_numpy(dtype=object if missing is np.nan else bool)
    result = np.full(len(codes), missing, dtype=values.dtype)
    present = codes >= 0
    result[present] = values[codes[present]]
    return result


def _email(values) -> pd.Series:
    codes, distinct = _distinct(values)
    email = distinct.str.strip().str.lower()
    node = ("email:" + email).where(email.notna() & (email != "") & ~email.isin(JUNK_EMAILS))
    return pd.Series(_by_code(node, codes), dtype=object)


def _phone(values, person) -> pd.Series:
    """A phone in any format is its person's number; a number of zeros is junk."""
    codes, distinct = _distinct(values)
    digits = distinct.str.replace(r"\D", "", regex=True)
    real = digits.notna() & (digits.str.strip("0") != "")
    return ("phone:" + _text(person).astype(str)).where(_by_code(real, codes, missing=False))


def _card(values) -> pd.Series:
    codes, distinct = _distinct(values)
    card = distinct.str.strip().str.upper()
    node = ("loyalty:" + card).where(card.notna() & ~card.str.match(JUNK_CARD, na=False))
    return pd.Series(_by_code(node, codes), dtype=object)


def _ga_client_id(values) -> pd.Series:
    """The browser cookie a web form stored: the client id itself, or the raw `_ga` cookie
    `GA1.<depth>.<client id>` (staging's `normalize_ga_client_id`)."""
    codes, distinct = _distinct(values)
    client = distinct.str.strip()
    raw_cookie = client.str.upper().str.startswith("GA1.").fillna(False).astype(bool)
    client = client.where(~raw_cookie, client.str.split(".", n=2).str[2])
    node = ("cookie:" + client).where(client.notna() & (client != ""))
    return pd.Series(_by_code(node, codes), dtype=object)


def record_nodes(world: World, out: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """(record, node) pairs of every record that carries an identifier or a reference;
    `record` is 'system.table:key' (web and app sessions: 'web.session:<number>')."""
    parts: list[tuple[str, pd.Series, list[pd.Series]]] = []

    def add(table: str, key: str, nodes) -> None:
        frame = out[table]
        parts.append((table, _text(frame[key]), nodes(frame)))

    def person(f: pd.DataFrame) -> np.ndarray:
        return f["_person"].to_numpy()

    add(
        "ecommerce.customers",
        "customer_account_id",
        lambda f: [
            _plain("account", f["customer_account_id"]),
            _email(f["email"]),
            _phone(f["phone"], person(f)),
        ],
    )
    orders = out["ecommerce.orders"]
    out = {**out, "ecommerce.orders": orders[~orders["order_id"].astype(str).str.endswith("-BAD")]}
    add(
        "ecommerce.orders",
        "order_id",
        lambda f: [
            _plain("ref", f["order_id"]),
            _plain("account", f["customer_account_id"]),
            _email(f["email"]),
            _plain("ref", f["call_id"]),
        ],
    )
    add(
        "store_pos.transactions",
        "transaction_id",
        lambda f: [
            _plain("ref", f["transaction_id"]),
            _card(f["loyalty_card_number"]),
            _email(f["receipt_email"]),
            _plain("card", f["card_fingerprint"]),
        ],
    )
    add(
        "store_pos.returns",
        "return_id",
        lambda f: [_plain("ref", f["original_order_ref"]), _card(f["loyalty_card_number"])],
    )
    add(
        "marketplace.orders",
        "marketplace_order_id",
        lambda f: [
            _plain("ref", f["marketplace_order_id"]),
            _plain("buyer", f["buyer_id"]),
            _email(f["masked_email"]),
            # the marketplaces' service numbers stand in for a missing phone: junk
            _phone(f["delivery_phone"], person(f)).where(
                ~f["delivery_phone"].isin(list(MARKETPLACE_SERVICE_PHONE.values()))
            ),
        ],
    )
    add(
        "crm.contacts",
        "contact_id",
        lambda f: [
            _plain("contact", f["contact_id"]),
            _email(f["email"]),
            _phone(f["phone"], person(f)),
            _plain("account", f["customer_account_id"]),
        ],
    )
    add(
        "crm.leads",
        "lead_id",
        lambda f: [
            _plain("ref", f["lead_id"]),
            _plain("contact", f["contact_id"]),
            _ga_client_id(f["ga_client_id"]),
        ],
    )
    for table, key in (
        ("call_centre.calls", "call_id"),
        ("call_centre.phone_orders", "phone_order_id"),
    ):
        add(
            table,
            key,
            lambda f, key=key: [
                _plain("ref", f[key]),
                _plain("ref", f["call_id"]),
                _phone(f["caller_phone"], person(f)),
                _plain("account", f["customer_account_id"]),
            ],
        )
    add(
        "support.tickets",
        "ticket_id",
        lambda f: [
            _plain("ref", f["ticket_id"]),
            _email(f["requester_email"]),
            _plain("ref", f["order_ref"]),
        ],
    )
    add(
        "surveys.responses",
        "response_id",
        lambda f: [
            _plain("ref", f["response_id"]),
            _email(f["respondent_email"]),
            _plain("account", f["customer_account_id"]),
            _plain("ref", f["touchpoint_ref"]),
        ],
    )
    add(
        "messaging.sends",
        "message_id",
        lambda f: [
            _plain("ref", f["message_id"]),
            _email(f["recipient"]).where(f["message_channel"].to_numpy() == "email"),
            _phone(f["recipient"], person(f)).where(f["message_channel"].to_numpy() == "sms"),
        ],
    )
    add(
        "messaging.subscribers",
        "subscriber_id",
        lambda f: [_email(f["email"]), _ga_client_id(f["ga_client_id"])],
    )
    add(
        "loyalty.members",
        "member_id",
        lambda f: [_card(f["card_number"]), _email(f["email"]), _phone(f["phone"], person(f))],
    )
    add(
        "loyalty.points_ledger",
        "ledger_entry_id",
        lambda f: [_card(f["card_number"]), _plain("ref", f["order_ref"])],
    )
    add(
        "app_analytics.geofence_visits",
        "visit_id",
        lambda f: [_plain("device", f["device_id"]), _plain("account", f["user_id"])],
    )

    # web and app sessions: the visitor (cookie or device), the account once logged in, the
    # order of a purchase, the message of a tracked email or SMS link; events in the period
    sessions, events, people = world.sessions, world.events, world.people
    in_period = events["at"].to_numpy() < world.tables["_end"]
    code = events["code"].to_numpy()
    n = len(sessions)
    logged = np.bincount(
        events["session_number"].to_numpy()[in_period & (code == LOGIN)], minlength=n
    )
    bought = np.bincount(
        events["session_number"].to_numpy()[in_period & (code == PURCHASE)], minlength=n
    )
    person_index = sessions["person_index"].to_numpy()
    human = person_index >= 0
    visitor = _text(world.tables["_session_text"].visitor.to_numpy(zero_copy_only=False))
    is_app = sessions["platform"].to_numpy() == "app"
    account = _text(people["account_id"].to_numpy()[np.maximum(person_index, 0)])
    shop = world.tables["_shop_orders"]
    shop = shop[shop["session_number"] >= 0]
    order_of_session = pd.Series(
        shop["order_id"].to_numpy(), index=shop["session_number"].to_numpy()
    ).reindex(np.arange(n))
    message = sessions["message_number"].to_numpy()
    from omnichannel.generate.event_extracts import message_ids

    message_text = _text(message_ids(np.maximum(message, 0)).to_numpy(zero_copy_only=False))
    session_nodes = [
        ("device:" + visitor).where(is_app, "cookie:" + visitor),
        ("account:" + account).where((logged > 0) & account.notna().to_numpy()),
        _plain("ref", order_of_session.to_numpy()).where(bought > 0),
        ("ref:" + message_text).where(message >= 0),
    ]
    keep = np.flatnonzero(human)
    parts.append(
        (
            "sessions",
            _text(np.arange(n)[keep]).astype(str),
            [s.iloc[keep].reset_index(drop=True) for s in session_nodes],
        )
    )

    frames = []
    for table, keys, nodes in parts:
        record = (table + ":" + keys.astype(str)).to_numpy()
        for node in nodes:
            node = node.reset_index(drop=True)
            valid = node.notna().to_numpy()
            frames.append(pd.DataFrame({"record": record[valid], "node": node.to_numpy()[valid]}))
    return pd.concat(frames, ignore_index=True).drop_duplicates().reset_index(drop=True)


def components(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each record's connected component (its nodes are linked through the record)."""
    record_code, records = pd.factorize(pairs["record"])
    node_code, nodes = pd.factorize(pairs["node"])
    size = len(records) + len(nodes)
    # bipartite graph record - node: a record joins all its nodes
    graph = coo_matrix(
        (np.ones(len(pairs)), (record_code, len(records) + node_code)), shape=(size, size)
    )
    _, label = connected_components(graph, directed=False)
    identity = ~pd.Series(nodes).str.startswith(REFERENCE).to_numpy()
    identifiers = np.bincount(label[len(records) :][identity], minlength=label.max() + 1)
    return pd.DataFrame(
        {
            "record": records,
            "component": label[: len(records)],
            "identifiers": identifiers[label[: len(records)]],
        }
    )


def identifiable_records(world: World, out: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per record of a known person: its component and whether it is identifiable."""
    comp = components(record_nodes(world, out))
    comp["table"], comp["key"] = _split_first(comp["record"], ":")
    person = pd.Series(-1, index=comp.index, dtype=np.int64)
    orders = world.orders
    order_person = pd.Series(orders["person_index"].to_numpy(), index=orders["order_id"].to_numpy())
    is_order = pd.Series(
        _isin(comp["table"], ["ecommerce.orders", "store_pos.transactions", "marketplace.orders"]),
        index=comp.index,
    )
    person[is_order] = order_person.reindex(comp.loc[is_order, "key"]).to_numpy()
    is_session = comp["table"] == "sessions"
    person[is_session] = world.sessions["person_index"].to_numpy()[
        comp.loc[is_session, "key"].astype(np.int64).to_numpy()
    ]
    for name, frame in out.items():
        mine = (comp["table"] == name) & ~is_order
        if mine.any() and "_person" in frame:
            key = {
                "crm.leads": "lead_id",
                "surveys.responses": "response_id",
                "ecommerce.customers": "customer_account_id",
                "crm.contacts": "contact_id",
                "call_centre.calls": "call_id",
                "call_centre.phone_orders": "phone_order_id",
                "support.tickets": "ticket_id",
                "messaging.sends": "message_id",
                "messaging.subscribers": "subscriber_id",
                "loyalty.members": "member_id",
                "app_analytics.geofence_visits": "visit_id",
            }.get(name)
            if key:
                owner = pd.Series(frame["_person"].to_numpy(), index=frame[key].astype(str))
                owner = owner[~owner.index.duplicated()]
                person[mine] = owner.reindex(comp.loc[mine, "key"]).fillna(-1).to_numpy()
    comp["person_index"] = person.to_numpy()
    # a component holding an identifier is one customer of a perfect warehouse
    comp["is_identifiable"] = (comp["person_index"] >= 0) & (comp["identifiers"] > 0)
    return comp


def _with_identifiable(kpi: dict, numerator: float, denominator: float, definition: str) -> None:
    kpi["identifiable"] = {
        "value": (float(numerator) / float(denominator)) if denominator else None,
        "numerator": float(numerator),
        "denominator": float(denominator),
        "definition": definition,
    }


def add_identifiable_kpis(
    world: World, out: dict[str, pd.DataFrame], orders: pd.DataFrame, kpis: dict
) -> pd.DataFrame:
    """Add `identifiable` to each identity-dependent KPI; return the per-record flags.

    `orders` is the truth's order frame (order_id, person_index, order_channel,
    ordered_at, is_cancelled, net_sales_eur, is_ropo)."""
    comp = identifiable_records(world, out)
    # the component of each record that carries an identifier (-1: none, anonymous)
    component = pd.Series(
        np.where(comp["identifiers"] > 0, comp["component"], -1), index=comp["record"]
    )
    order_table = orders["source_system"].map(
        {
            "ecommerce": "ecommerce.orders",
            "store_pos": "store_pos.transactions",
            "marketplace": "marketplace.orders",
        }
    )
    order_record = order_table + ":" + orders["order_id"].astype(str)
    orders = orders.assign(
        is_identifiable=_isin(order_record, comp.loc[comp["is_identifiable"], "record"]),
        component=component.reindex(order_record).fillna(-1).astype(np.int64).to_numpy(),
    )
    end_s = world.tables["_end"]

    # omnichannel buyer share over the components: each one customer of a perfect warehouse
    buyers = orders[
        (orders["component"] >= 0)
        & ~orders["is_cancelled"]
        & (orders["ordered_at"] >= end_s - np.timedelta64(365 * 86400, "s"))
    ]
    channels = buyers.groupby("component")["order_channel"].nunique()
    _with_identifiable(
        kpis["omnichannel_buyer_share"],
        (channels >= 2).sum(),
        len(channels),
        "the same rule with each linkable component (records linked through non-junk "
        "identifiers and references, what a perfect warehouse stitches) as one customer: "
        "components with non-cancelled orders in 2+ order channels in the trailing 365 days "
        "/ components with an order in that window (orders of no component left out)",
    )

    # pairs of records (a store order and a view, a lead and an order, a response and an
    # order) count when both lie in one component: each is reachable from the other
    sessions = world.sessions
    session_component = np.full(len(sessions), -1, dtype=np.int64)
    of_sessions = comp[comp["table"] == "sessions"]
    session_component[of_sessions["key"].astype(np.int64).to_numpy()] = np.where(
        of_sessions["identifiers"] > 0, of_sessions["component"], -1
    )
    session_linked = np.zeros(len(sessions), dtype=bool)
    linked_sessions = of_sessions[of_sessions["is_identifiable"]]["key"]
    session_linked[linked_sessions.astype(np.int64).to_numpy()] = True

    # ROPO: a store order with a view of the category in the 14 days before on a session
    # of the same component
    events = world.events
    ref = world.tables["_reference"]
    views = events[events["code"].to_numpy() == VIEW_ITEM][["session_number", "at", "sku"]]
    views = views.assign(
        component=session_component[views["session_number"].to_numpy()],
        category_id=ref.products["category_id"].to_numpy()[views["sku"].to_numpy()],
    )
    views = views[views["component"] >= 0]
    lines = world.lines.merge(
        orders[["order_id", "order_channel", "component", "ordered_at", "is_cancelled"]],
        on="order_id",
    )
    store = orders[orders["order_channel"] == "store"]
    store_lines = lines[
        (lines["order_channel"] == "store") & ~lines["is_cancelled"] & (lines["component"] >= 0)
    ]
    category = ref.products.set_index("sku")["category_id"]
    store_lines = store_lines.assign(category_id=category.reindex(store_lines["sku"]).to_numpy())
    matched = store_lines.merge(
        views[["component", "at", "category_id"]], on=["component", "category_id"]
    )
    matched = matched[
        (matched["at"] < matched["ordered_at"])
        & (matched["at"] >= matched["ordered_at"] - pd.Timedelta(days=14))
    ]
    ropo_orders = matched["order_id"].drop_duplicates()
    ropo = _isin(store["order_id"], ropo_orders)
    _with_identifiable(
        kpis["ropo_share_of_store_sales"],
        round(store.loc[ropo, "net_sales_eur"].sum(), 2),
        round(store["net_sales_eur"].sum(), 2),
        "net sales of store orders with a view of a product of the same category in the 14 "
        "days before on a web or app session reachable from the order through non-junk "
        "identifiers (same component) / all store net sales",
    )

    # leads: orders within 90 days of creation in the lead's component
    leads = out["crm.leads"]
    lp = pd.DataFrame(
        {
            "lead_id": leads["lead_id"].to_numpy(),
            "component": component.reindex("crm.leads:" + leads["lead_id"].astype(str))
            .fillna(-1)
            .astype(np.int64)
            .to_numpy(),
            "lead_at": pd.to_datetime(leads["created_ts"], format="%Y-%m-%dT%H:%M:%SZ").to_numpy(),
        }
    )
    lo = lp[lp["component"] >= 0].merge(
        orders[["component", "ordered_at", "net_sales_eur"]], on="component"
    )
    lo = lo[
        (lo["ordered_at"] >= lo["lead_at"])
        & (lo["ordered_at"] < lo["lead_at"] + pd.Timedelta(days=90))
    ]
    _with_identifiable(
        kpis["revenue_per_lead_eur"],
        round(lo["net_sales_eur"].sum(), 2),
        len(leads),
        "net sales of orders reachable from the lead (same component) placed within 90 days "
        "of the lead's creation / leads created",
    )
    _with_identifiable(
        kpis["lead_conversion_rate"],
        lo["lead_id"].nunique(),
        len(leads),
        "leads with an order reachable from the lead (same component) within 90 days / leads",
    )

    # satisfaction: a buyer when a non-cancelled order in the 90 days before is reachable
    # from the response (same component)
    responses = out["surveys.responses"]
    at = pd.to_datetime(responses["responded_ts"], format="%Y-%m-%dT%H:%M:%SZ").to_numpy()
    r = pd.DataFrame(
        {
            "response_id": responses["response_id"].to_numpy(),
            "component": component.reindex(
                "surveys.responses:" + responses["response_id"].astype(str)
            )
            .fillna(-1)
            .astype(np.int64)
            .to_numpy(),
            "at": at,
        }
    )
    bought = orders[~orders["is_cancelled"] & (orders["component"] >= 0)]
    r = r[r["component"] >= 0].merge(bought[["component", "ordered_at"]], on="component")
    r = r[(r["ordered_at"] < r["at"]) & (r["ordered_at"] >= r["at"] - pd.Timedelta(days=90))]
    is_buyer = _isin(responses["response_id"], r["response_id"].drop_duplicates())
    score = responses["score"].to_numpy()
    kind = responses["survey_type"].to_numpy()
    rule = (
        "a non-cancelled order in the 90 days before reachable from the response (same component)"
    )
    for label, mask in (("buyers", is_buyer), ("non_buyers", ~is_buyer)):
        segment = rule if label == "buyers" else f"every other response (no {rule})"
        csat = mask & (kind == "csat")
        _with_identifiable(
            kpis[f"csat_{label}"],
            (score[csat] >= 4).sum(),
            csat.sum(),
            f"CSAT top-2-box / CSAT responses, {label}: {segment}",
        )
        nps = mask & (kind == "nps")
        promoters, detractors = (score[nps] >= 9).sum(), (score[nps] <= 6).sum()
        kpis[f"nps_{label}"]["identifiable"] = {
            "value": (100.0 * (promoters - detractors) / nps.sum()) if nps.sum() else None,
            "numerator": float(promoters - detractors),
            "denominator": float(nps.sum()),
            "definition": f"NPS points, {label}: {segment}",
        }

    flags = comp[(comp["table"] != "sessions") & (comp["person_index"] >= 0)]
    flags = flags.assign(component=component.reindex(flags["record"]).to_numpy())[
        ["table", "key", "person_index", "is_identifiable", "component"]
    ]
    visitors = pd.DataFrame(
        {
            "table": np.where(
                sessions["platform"].to_numpy() == "app",
                "app_analytics.devices",
                "web_analytics.cookies",
            ),
            "key": world.tables["_session_text"].visitor.to_numpy(zero_copy_only=False),
            "person_index": sessions["person_index"].to_numpy(),
            "is_identifiable": session_linked,
            "component": session_component,
        }
    )
    visitors = visitors[visitors["person_index"] >= 0].drop_duplicates(["table", "key"])
    flags = pd.concat([flags, visitors], ignore_index=True)
    flags["is_identifiable_ropo"] = (flags["table"] == "store_pos.transactions") & _isin(
        flags["key"], ropo_orders
    )
    system_table = _split_first(flags["table"], ".")
    person_ids = world.people["person_id"].to_numpy()
    return pd.DataFrame(
        {
            "source_system": system_table[0].to_numpy(),
            "source_table": system_table[1].to_numpy(),
            "source_record_id": flags["key"].astype(str).to_numpy(),
            "person_id": person_ids[flags["person_index"].to_numpy()],
            "component": flags["component"].astype(np.int64).to_numpy(),
            "is_identifiable": flags["is_identifiable"].to_numpy(),
            "is_identifiable_ropo": flags["is_identifiable_ropo"].fillna(False).to_numpy(bool),
        }
    )
