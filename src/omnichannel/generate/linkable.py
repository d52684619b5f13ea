"""Which records a perfect warehouse could tie to their person: the customers of the planted KPIs.

The metric contract (metrics.md, Conventions, "Customer") counts customers: the unified id
of the identity graph, anonymous activity never stitched staying anonymous. So the planted
headline of every KPI that depends on who the person is counts the customers the extracts
can link, computed here with the generator's own knowledge of who is behind what (never
from the warehouse); ``truth`` computed the same rules over TRUE people (purchases and views
that carry no identifier at all included: a cash receipt, a cookie that never logs in),
which stay beside the headline as ``true_people``:

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

The result is the headline (value, numerator, denominator, definition) of each
identity-dependent KPI of ``kpis.json``, the true-people value under ``true_people``
(``truth.plant_customer_headline``), and per record ``identifiable_records.parquet``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from omnichannel.generate import text
from omnichannel.generate.extracts import MARKETPLACE_SERVICE_PHONE
from omnichannel.generate.truth import plant_customer_headline, ratio
from omnichannel.generate.world import LOGIN, PURCHASE, VIEW_ITEM, World

# the placeholder identifiers the generator plants (mess.py, extracts.py)
JUNK_EMAILS = frozenset({"test@test.com"})
JUNK_CARD = r"^L9\d{2}0{7}$"  # a store's default loyalty card
REFERENCE = "ref:"


def _isin(values, candidates) -> np.ndarray:
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


def _numpy(values: pa.Array | pa.ChunkedArray, missing: int = -1) -> np.ndarray:
    """Integer Arrow values as int64, `missing` for null."""
    return pc.fill_null(values, missing).to_numpy(zero_copy_only=False).astype(np.int64)


def _distinct(values) -> tuple[np.ndarray, pd.Series]:
    """Codes (-1: missing) and the distinct values of text, so that a per-value rule runs
    once per distinct value (an address recurs on every message sent to it)."""
    encoded = pc.dictionary_encode(text.strings(values))
    return _numpy(encoded.indices), pd.Series(
        encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object
    )


def _by_code(per_distinct: pd.Series, codes: np.ndarray) -> pa.Array:
    """Each row's value of its distinct value (null where per_distinct or the row has none)."""
    values = pa.array(per_distinct.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return values.take(pa.array(codes, mask=codes < 0))


def _email_values(values) -> pa.Array:
    codes, distinct = _distinct(values)
    email = distinct.str.strip().str.lower()
    return _by_code(email.where(email.notna() & (email != "") & ~email.isin(JUNK_EMAILS)), codes)


def _phone_numbers(people: pd.DataFrame, person) -> np.ndarray:
    """The phone number of each person index as a code of its E.164 form (-1: no person).
    Two people who were given the same number get the same code: the extracts cannot tell
    them apart, so any warehouse links their records (phones are drawn at random, and at
    scale 3 a few people share one)."""
    codes, _ = pd.factorize(people["phone_e164"])
    person = np.asarray(person, dtype=np.int64)
    return np.where(person >= 0, codes.astype(np.int64)[np.maximum(person, 0)], -1)


def _phone_values(values, number) -> np.ndarray:
    """A phone in any format is its person's number (`number`, from `_phone_numbers`; -1:
    none, or a number of zeros)."""
    codes, distinct = _distinct(values)
    digits = distinct.str.replace(r"\D", "", regex=True)
    real = (digits.notna() & (digits.str.strip("0") != "")).to_numpy(bool)
    present = codes >= 0
    present[present] = real[codes[present]]
    return np.where(present, np.asarray(number, dtype=np.int64), -1)


def _card_values(values) -> pa.Array:
    codes, distinct = _distinct(values)
    card = distinct.str.strip().str.upper()
    return _by_code(card.where(card.notna() & ~card.str.match(JUNK_CARD, na=False)), codes)


def _ga_client_id_values(values) -> pa.Array:
    """The browser cookie a web form stored: the client id itself, or the raw `_ga` cookie
    `GA1.<depth>.<client id>` (staging's `normalize_ga_client_id`); null for none."""
    codes, distinct = _distinct(values)
    client = distinct.str.strip()
    raw_cookie = client.str.upper().str.startswith("GA1.").fillna(False).astype(bool)
    client = client.where(~raw_cookie, client.str.split(".", n=2).str[2])
    return _by_code(client.where(client.notna() & (client != "")), codes)


# a node column: its kind and its values (Arrow text, null for none; or int64, -1 for none)
Nodes = tuple[str, "pa.Array | np.ndarray"]


def _valid(values: pa.Array | np.ndarray) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values >= 0
    return pc.is_valid(values).to_numpy(zero_copy_only=False)


def record_nodes(world: World, out: dict[str, pd.DataFrame]) -> list[tuple[str, pa.Array, list]]:
    """Per table of records that carry an identifier or a reference: the record keys (text;
    web and app sessions: 'sessions', their session numbers) and the node columns."""
    parts: list[tuple[str, pa.Array | np.ndarray, list[Nodes]]] = []

    def plain(values) -> pa.Array:
        return text.strings(values)

    def add(table: str, key: str, nodes) -> None:
        frame = out[table]
        parts.append((table, plain(frame[key]), nodes(frame)))

    phone_number = _phone_numbers(world.people, np.arange(len(world.people)))

    def phone_of(f: pd.DataFrame) -> np.ndarray:
        """The phone number (code) of each row's person: a phone of any format stands for it."""
        index = f["_person"].to_numpy().astype(np.int64)
        return np.where(index >= 0, phone_number[np.maximum(index, 0)], -1)

    add(
        "ecommerce.customers",
        "customer_account_id",
        lambda f: [
            ("account", plain(f["customer_account_id"])),
            ("email", _email_values(f["email"])),
            ("phone", _phone_values(f["phone"], phone_of(f))),
        ],
    )
    orders = out["ecommerce.orders"]
    out = {
        **out,
        "ecommerce.orders": orders[
            ~pc.ends_with(plain(orders["order_id"]), "-BAD").to_numpy(zero_copy_only=False)
        ],
    }
    add(
        "ecommerce.orders",
        "order_id",
        lambda f: [
            ("ref", plain(f["order_id"])),
            ("account", plain(f["customer_account_id"])),
            ("email", _email_values(f["email"])),
            ("ref", plain(f["call_id"])),
        ],
    )
    add(
        "store_pos.transactions",
        "transaction_id",
        lambda f: [
            ("ref", plain(f["transaction_id"])),
            ("loyalty", _card_values(f["loyalty_card_number"])),
            ("email", _email_values(f["receipt_email"])),
            ("card", plain(f["card_fingerprint"])),
        ],
    )
    add(
        "store_pos.returns",
        "return_id",
        lambda f: [
            ("ref", plain(f["original_order_ref"])),
            ("loyalty", _card_values(f["loyalty_card_number"])),
        ],
    )
    add(
        "marketplace.orders",
        "marketplace_order_id",
        lambda f: [
            ("ref", plain(f["marketplace_order_id"])),
            ("buyer", plain(f["buyer_id"])),
            ("email", _email_values(f["masked_email"])),
            # the marketplaces' service numbers stand in for a missing phone: junk
            (
                "phone",
                np.where(
                    _isin(f["delivery_phone"], list(MARKETPLACE_SERVICE_PHONE.values())),
                    -1,
                    _phone_values(f["delivery_phone"], phone_of(f)),
                ),
            ),
        ],
    )
    add(
        "crm.contacts",
        "contact_id",
        lambda f: [
            ("contact", plain(f["contact_id"])),
            ("email", _email_values(f["email"])),
            ("phone", _phone_values(f["phone"], phone_of(f))),
            ("account", plain(f["customer_account_id"])),
        ],
    )
    add(
        "crm.leads",
        "lead_id",
        lambda f: [
            ("ref", plain(f["lead_id"])),
            ("contact", plain(f["contact_id"])),
            ("cookie", _ga_client_id_values(f["ga_client_id"])),
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
                ("ref", plain(f[key])),
                ("ref", plain(f["call_id"])),
                ("phone", _phone_values(f["caller_phone"], phone_of(f))),
                ("account", plain(f["customer_account_id"])),
            ],
        )
    add(
        "support.tickets",
        "ticket_id",
        lambda f: [
            ("ref", plain(f["ticket_id"])),
            ("email", _email_values(f["requester_email"])),
            ("ref", plain(f["order_ref"])),
        ],
    )
    add(
        "surveys.responses",
        "response_id",
        lambda f: [
            ("ref", plain(f["response_id"])),
            ("email", _email_values(f["respondent_email"])),
            ("account", plain(f["customer_account_id"])),
            ("ref", plain(f["touchpoint_ref"])),
        ],
    )

    def sends(f: pd.DataFrame) -> list[Nodes]:
        channel = plain(f["message_channel"])
        email = pc.equal(channel, "email").to_numpy(zero_copy_only=False)
        sms = pc.equal(channel, "sms").to_numpy(zero_copy_only=False)
        return [
            ("ref", plain(f["message_id"])),
            ("email", pc.if_else(pa.array(email), _email_values(f["recipient"]), None)),
            ("phone", np.where(sms, _phone_values(f["recipient"], phone_of(f)), -1)),
        ]

    add("messaging.sends", "message_id", sends)
    add(
        "messaging.subscribers",
        "subscriber_id",
        lambda f: [
            ("email", _email_values(f["email"])),
            ("cookie", _ga_client_id_values(f["ga_client_id"])),
        ],
    )
    add(
        "loyalty.members",
        "member_id",
        lambda f: [
            ("loyalty", _card_values(f["card_number"])),
            ("email", _email_values(f["email"])),
            ("phone", _phone_values(f["phone"], phone_of(f))),
        ],
    )
    add(
        "loyalty.points_ledger",
        "ledger_entry_id",
        lambda f: [("loyalty", _card_values(f["card_number"])), ("ref", plain(f["order_ref"]))],
    )
    add(
        "app_analytics.geofence_visits",
        "visit_id",
        lambda f: [("device", plain(f["device_id"])), ("account", plain(f["user_id"]))],
    )

    # web and app sessions: the visitor (cookie or device), the account once logged in, the
    # order of a purchase, the message of a tracked email or SMS link; events in the period
    sessions, events, people = world.sessions, world.events, world.people
    in_period = events["at"].to_numpy() < world.tables["_end"]
    code = events["code"].to_numpy()
    n = len(sessions)
    number = events["session_number"].to_numpy()
    logged = np.bincount(number[in_period & (code == LOGIN)], minlength=n) > 0
    bought = np.bincount(number[in_period & (code == PURCHASE)], minlength=n) > 0
    del in_period, code, number
    person_index = sessions["person_index"].to_numpy()
    keep = np.flatnonzero(person_index >= 0)
    take = pa.array(keep)
    visitor = world.tables["_session_text"].visitor.take(take)
    is_app = (sessions["platform"].to_numpy() == "app")[keep]
    account = plain(people["account_id"]).take(pa.array(person_index[keep]))
    shop = world.tables["_shop_orders"]
    shop = shop[shop["session_number"].to_numpy() >= 0]
    order_row = np.full(n, -1, dtype=np.int64)
    order_row[shop["session_number"].to_numpy()] = np.arange(len(shop))
    order_row = np.where(bought, order_row, -1)[keep]
    order = plain(shop["order_id"]).take(pa.array(order_row, mask=order_row < 0))
    message = sessions["message_number"].to_numpy()[keep]
    from omnichannel.generate.event_extracts import message_ids

    parts.append(
        (
            "sessions",
            keep,
            [
                ("device", pc.if_else(pa.array(is_app), visitor, None)),
                ("cookie", pc.if_else(pa.array(~is_app), visitor, None)),
                ("account", pc.if_else(pa.array(logged[keep]), account, None)),
                ("ref", order),
                (
                    "ref",
                    # ids of the tracked clicks only (most sessions have none)
                    message_ids(message[message >= 0]).take(
                        pa.array(np.cumsum(message >= 0) - 1, mask=message < 0)
                    ),
                ),
            ],
        )
    )
    return parts


def _code_nodes(
    parts: list[tuple[str, object, list[Nodes]]],
) -> tuple[list[list[np.ndarray]], np.ndarray]:
    """Every node column as global node numbers (-1: none), kind by kind; and whether each
    node is an identifier (not a reference)."""
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for p, (_, _, nodes) in enumerate(parts):
        for c, (kind, _) in enumerate(nodes):
            by_kind.setdefault(kind, []).append((p, c))
    coded: list[list[np.ndarray]] = [[np.empty(0, np.int64)] * len(nodes) for _, _, nodes in parts]
    identifier: list[np.ndarray] = []
    offset = 0
    for kind, columns in by_kind.items():
        values = [parts[p][2][c][1] for p, c in columns]
        if isinstance(values[0], np.ndarray):
            joined = np.concatenate(values)
            distinct, codes = np.unique(joined, return_inverse=True)
            first = int(distinct[0] < 0) if len(distinct) else 0  # -1 (none) sorts first
            codes = np.where(joined >= 0, codes - first, -1)
            count = len(distinct) - first
        else:
            encoded = pc.dictionary_encode(pa.concat_arrays([text._contiguous(v) for v in values]))
            codes, count = _numpy(encoded.indices), len(encoded.dictionary)
        codes = np.where(codes >= 0, codes + offset, -1)
        at = 0
        for (p, c), v in zip(columns, values, strict=True):
            coded[p][c] = codes[at : at + len(v)]
            at += len(v)
        identifier.append(np.full(count, kind != "ref"))
        offset += count
    return coded, np.concatenate(identifier) if identifier else np.empty(0, bool)


def _graph_components(
    record: np.ndarray, node: np.ndarray, n_records: int, identifier: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each record's connected component (its nodes are linked through the record) and the
    identifiers (non-reference nodes) of that component. Components are numbered in the
    order of their first record."""
    size = n_records + len(identifier)
    # a node of one record links nothing: only nodes of several records (or several rows of
    # one record) go into the graph, the others count as identifiers of their record's
    # component. The records' numbering is the same either way: scipy numbers components
    # in the order of their first vertex, and records are the first vertices.
    alone = np.bincount(node, minlength=len(identifier))[node] == 1
    shared = ~alone
    # bipartite graph record - node: a record joins all its nodes
    graph = coo_matrix(
        (
            np.ones(int(shared.sum()), dtype=np.float32),
            (
                record[shared].astype(np.int32),
                (n_records + node[shared]).astype(np.int32),
            ),
        ),
        shape=(size, size),
    )
    _, label = connected_components(graph, directed=False)
    del graph
    linked = np.zeros(len(identifier), dtype=bool)
    linked[node[shared]] = True
    linked = np.flatnonzero(linked)
    identifiers = np.bincount(
        np.concatenate(
            [
                label[n_records + linked[identifier[linked]]],
                label[record[alone & identifier[node]]],
            ]
        ),
        minlength=label.max() + 1,
    )
    return label[:n_records], identifiers[label[:n_records]]


def components(pairs: pd.DataFrame) -> pd.DataFrame:
    """Each record's connected component, for (record, node) text pairs."""
    record_code, records = pd.factorize(pairs["record"])
    node_code, nodes = pd.factorize(pairs["node"])
    identifier = ~pd.Series(nodes).str.startswith(REFERENCE).to_numpy(bool)
    component, identifiers = _graph_components(record_code, node_code, len(records), identifier)
    return pd.DataFrame({"record": records, "component": component, "identifiers": identifiers})


# what the identifiable records read of the world and the extracts (a child lets go of the rest)
EXTRACTS_READ = frozenset(
    {
        "ecommerce.customers",
        "ecommerce.orders",
        "store_pos.transactions",
        "store_pos.returns",
        "marketplace.orders",
        "crm.contacts",
        "crm.leads",
        "call_centre.calls",
        "call_centre.phone_orders",
        "support.tickets",
        "surveys.responses",
        "messaging.sends",
        "messaging.subscribers",
        "loyalty.members",
        "loyalty.points_ledger",
        "app_analytics.geofence_visits",
    }
)
WORLD_TABLES_READ = frozenset({"_end", "_reference", "_session_text", "_shop_orders"})

ORDER_TABLES = ("ecommerce.orders", "store_pos.transactions", "marketplace.orders")
# the key of the records whose person is the first row's `_person` of their key
PERSON_KEYS = {
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
}


class Records:
    """Every record that carries a node, numbered as the text pairs would number them (table
    by table; in a table, in order of first appearance over its node columns); per record
    its table, key, component, identifiers of the component, person and identifiability."""

    def __init__(self, world: World, out: dict[str, pd.DataFrame]) -> None:
        parts = record_nodes(world, out)
        coded, identifier = _code_nodes(parts)
        self.tables = [table for table, _, _ in parts]
        self.start = np.zeros(len(parts) + 1, dtype=np.int64)
        self.keys: list[pa.Array | np.ndarray] = []
        person: list[np.ndarray] = []
        records, nodes = [], []
        for t, ((table, keys, _), columns) in enumerate(zip(parts, coded, strict=True)):
            if isinstance(keys, np.ndarray):
                key_code, distinct = np.arange(len(keys)), keys
            else:
                encoded = pc.dictionary_encode(keys, null_encoding="encode")
                key_code, distinct = _numpy(encoded.indices), encoded.dictionary
            valid = [c >= 0 for c in columns]
            seen = np.concatenate([key_code[v] for v in valid])
            first_codes, first_at = np.unique(seen, return_index=True)
            ranked = first_codes[np.argsort(first_at, kind="stable")]
            number = np.full(len(distinct), -1, dtype=np.int64)
            number[ranked] = np.arange(len(ranked)) + self.start[t]
            self.start[t + 1] = self.start[t] + len(ranked)
            self.keys.append(
                distinct[ranked]
                if isinstance(keys, np.ndarray)
                else distinct.take(pa.array(ranked))
            )
            for v, c in zip(valid, columns, strict=True):
                records.append(number[key_code[v]])
                nodes.append(c[v])
            person.append(self._person(world, out, table, self.keys[t], key_code, ranked))
        del parts, coded
        self.component, self.identifiers = _graph_components(
            np.concatenate(records), np.concatenate(nodes), int(self.start[-1]), identifier
        )
        del records, nodes
        self.table = np.repeat(np.arange(len(self.tables)), np.diff(self.start))
        self.person_index = np.concatenate(person)
        # a component holding an identifier is one customer of a perfect warehouse
        self.is_identifiable = (self.person_index >= 0) & (self.identifiers > 0)

    @staticmethod
    def _person(world, out, table, keys, key_code, ranked) -> np.ndarray:
        """The person of each record of `table` (keys: the records' keys), -1: unknown."""
        if table == "sessions":
            return world.sessions["person_index"].to_numpy()[keys]
        if table in ORDER_TABLES:
            orders = world.orders
            found = _numpy(pc.index_in(keys, value_set=text.strings(orders["order_id"])))
            return np.where(found >= 0, orders["person_index"].to_numpy()[np.maximum(found, 0)], -1)
        frame = out[table]
        if table not in PERSON_KEYS or "_person" not in frame:
            return np.full(len(ranked), -1, dtype=np.int64)
        # the person of the first row of the key
        codes, first_row = np.unique(key_code, return_index=True)
        row = np.empty(codes.max() + 1 if len(codes) else 0, dtype=np.int64)
        row[codes] = first_row
        return frame["_person"].to_numpy().astype(np.int64)[row[ranked]]

    def of(self, table: str) -> slice:
        t = self.tables.index(table)
        return slice(int(self.start[t]), int(self.start[t + 1]))

    def find(self, table: str, keys) -> np.ndarray:
        """The record number of each key of `table` (-1: no such record)."""
        t = self.tables.index(table)
        found = _numpy(pc.index_in(text.strings(keys), value_set=self.keys[t]))
        return np.where(found >= 0, found + self.start[t], -1)

    def linked_component(self) -> np.ndarray:
        """The component of each record that carries an identifier (-1: none, anonymous)."""
        return np.where(self.identifiers > 0, self.component, -1)


def _plant(kpi: dict, numerator: float, denominator: float, definition: str, why: str) -> None:
    """The value over customers (linkable components) becomes `kpi`'s headline."""
    plant_customer_headline(kpi, ratio(numerator, denominator, definition), why)


def plant_customer_kpis(
    world: World,
    out: dict[str, pd.DataFrame],
    orders: pd.DataFrame,
    kpis: dict,
    records: Records | None = None,
) -> pd.DataFrame:
    """Make the value over customers (each linkable component one customer) the headline of
    each identity-dependent KPI, the true-people value kept under `true_people`; return the
    per-record flags.

    `orders` is the truth's order frame (order_id, person_index, order_channel,
    ordered_at, is_cancelled, net_sales_eur, is_ropo); `records` the `Records` of
    `world` and `out` when already made."""
    records = Records(world, out) if records is None else records
    # the component of each record that carries an identifier (-1: none, anonymous)
    component = records.linked_component()
    order_record = np.full(len(orders), -1, dtype=np.int64)
    source_system = orders["source_system"].to_numpy()
    for system, table in (
        ("ecommerce", "ecommerce.orders"),
        ("store_pos", "store_pos.transactions"),
        ("marketplace", "marketplace.orders"),
    ):
        mine = source_system == system
        order_record[mine] = records.find(table, orders["order_id"].to_numpy()[mine])
    found = order_record >= 0
    orders = orders.assign(
        is_identifiable=found & records.is_identifiable[np.maximum(order_record, 0)],
        component=np.where(found, component[np.maximum(order_record, 0)], -1),
    )
    del order_record, found, source_system
    end_s = world.tables["_end"]

    # omnichannel buyer share over the components: each one customer of a perfect warehouse
    buyers = orders[
        (orders["component"] >= 0)
        & ~orders["is_cancelled"]
        & (orders["ordered_at"] >= end_s - np.timedelta64(365 * 86400, "s"))
    ]
    channels = buyers.groupby("component")["order_channel"].nunique()
    _plant(
        kpis["omnichannel_buyer_share"],
        (channels >= 2).sum(),
        len(channels),
        "customers (each linkable component: records linked through non-junk identifiers "
        "and references, what a perfect warehouse stitches, is one customer) with "
        "non-cancelled orders in 2+ order channels in the trailing 365 days / customers with "
        "an order in that window (orders of no component are anonymous, left out)",
        "buyers",
    )
    _plant_repeat_purchase_rate(orders, kpis["repeat_purchase_rate"], end_s)

    # pairs of records (a store order and a view, a lead and an order, a response and an
    # order) count when both lie in one component: each is reachable from the other
    sessions = world.sessions
    session_component = np.full(len(sessions), -1, dtype=np.int64)
    of_sessions = records.of("sessions")
    session_number = records.keys[records.tables.index("sessions")]
    session_component[session_number] = component[of_sessions]
    session_linked = np.zeros(len(sessions), dtype=bool)
    session_linked[session_number] = records.is_identifiable[of_sessions]

    # ROPO: a store order with a view of the category in the 14 days before on a session
    # of the same component
    events = world.events
    ref = world.tables["_reference"]
    is_view = events["code"].to_numpy() == VIEW_ITEM
    view_component = session_component[events["session_number"].to_numpy()[is_view]]
    category_codes, categories = pd.factorize(ref.products["category_id"])
    view_category = category_codes[events["sku"].to_numpy()[is_view]]
    view_at = events["at"].to_numpy()[is_view]
    linked = view_component >= 0
    view_component, view_category, view_at = (
        view_component[linked],
        view_category[linked],
        view_at[linked],
    )
    del is_view, linked
    lines = world.lines.merge(
        orders[["order_id", "order_channel", "component", "ordered_at", "is_cancelled"]],
        on="order_id",
    )
    store = orders[orders["order_channel"] == "store"]
    store_lines = lines[
        (lines["order_channel"] == "store") & ~lines["is_cancelled"] & (lines["component"] >= 0)
    ]
    category = pd.Series(category_codes, index=ref.products["sku"].to_numpy())
    line_category = category.reindex(store_lines["sku"]).to_numpy()
    # a line matches when a view of its component and category lies in the 14 days before:
    # views sorted by (component, category, time), two binary searches per line
    base = min(view_at.min(initial=0), store_lines["ordered_at"].to_numpy().min(initial=0))
    base = np.datetime64(base, "s") - np.timedelta64(15 * 86400, "s") if len(view_at) else base

    def pair_time(comp_, cat_, at_) -> np.ndarray:
        seconds = (np.asarray(at_, dtype="datetime64[s]") - base).astype(np.int64)
        return (np.asarray(comp_, np.int64) * len(categories) + cat_) * (1 << 34) + seconds

    view_key = np.sort(pair_time(view_component, view_category, view_at))
    line_at = store_lines["ordered_at"].to_numpy()
    line_component = store_lines["component"].to_numpy()
    before = np.searchsorted(view_key, pair_time(line_component, line_category, line_at))
    window_start = np.searchsorted(
        view_key,
        pair_time(line_component, line_category, line_at - np.timedelta64(14 * 86400, "s")),
    )
    ropo_orders = store_lines["order_id"][before > window_start].drop_duplicates()
    del view_key, view_component, view_category, view_at
    ropo = _isin(store["order_id"], ropo_orders)
    _plant(
        kpis["ropo_share_of_store_sales"],
        round(store.loc[ropo, "net_sales_eur"].sum(), 2),
        round(store["net_sales_eur"].sum(), 2),
        "net sales of store orders with a view of a product of the same category in the 14 "
        "days before on a web or app session reachable from the order through non-junk "
        "identifiers (same component, one customer) / all store net sales",
        "pairs",
    )

    # leads: orders within 90 days of creation in the lead's component
    leads = out["crm.leads"]
    lp = pd.DataFrame(
        {
            "lead_id": leads["lead_id"].to_numpy(),
            "component": _component_of(records, component, "crm.leads", leads["lead_id"]),
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
    _plant(
        kpis["revenue_per_lead_eur"],
        round(lo["net_sales_eur"].sum(), 2),
        len(leads),
        "net sales of the lead's customer's orders (reachable from the lead: same linkable "
        "component) placed within 90 days of the lead's creation / leads created",
        "pairs",
    )
    _plant(
        kpis["lead_conversion_rate"],
        lo["lead_id"].nunique(),
        len(leads),
        "leads whose customer (same linkable component) ordered within 90 days of creation / leads",
        "pairs",
    )

    # satisfaction: a buyer when a non-cancelled order in the 90 days before is reachable
    # from the response (same component)
    responses = out["surveys.responses"]
    at = pd.to_datetime(responses["responded_ts"], format="%Y-%m-%dT%H:%M:%SZ").to_numpy()
    r = pd.DataFrame(
        {
            "response_id": responses["response_id"].to_numpy(),
            "component": _component_of(
                records, component, "surveys.responses", responses["response_id"]
            ),
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
        _plant(
            kpis[f"csat_{label}"],
            (score[csat] >= 4).sum(),
            csat.sum(),
            f"CSAT top-2-box / CSAT responses, {label}: {segment}",
            "pairs",
        )
        nps = mask & (kind == "nps")
        promoters, detractors = (score[nps] >= 9).sum(), (score[nps] <= 6).sum()
        plant_customer_headline(
            kpis[f"nps_{label}"],
            {
                "value": (100.0 * (promoters - detractors) / nps.sum()) if nps.sum() else None,
                "numerator": float(promoters - detractors),
                "denominator": float(nps.sum()),
                "definition": f"NPS points: (promoters 9-10 - detractors 0-6) / responses x "
                f"100, {label}: {segment}",
            },
            "pairs",
        )

    # per record of a known person (not the sessions), then per cookie and app device
    person_ids = text.strings(world.people["person_id"])
    keep = np.flatnonzero(
        (records.table != records.tables.index("sessions")) & (records.person_index >= 0)
    )
    names = [*records.tables, "app_analytics.devices", "web_analytics.cookies"]
    name_code = records.table[keep]
    keys = pa.concat_arrays(
        [
            records.keys[t].take(pa.array(keep[records.table[keep] == t] - records.start[t]))
            for t in range(len(records.tables))
            if records.tables[t] != "sessions"
        ]
    )
    human = np.flatnonzero(sessions["person_index"].to_numpy() >= 0)
    is_app = sessions["platform"].to_numpy()[human] == "app"
    visitor = world.tables["_session_text"].visitor.take(pa.array(human))
    visitor_code = _numpy(pc.dictionary_encode(visitor, null_encoding="encode").indices)
    _, first = np.unique(visitor_code * 2 + is_app, return_index=True)
    first = np.sort(first)
    human = human[first]
    name_code = np.concatenate(
        [name_code, np.where(is_app[first], len(records.tables), len(records.tables) + 1)]
    )
    keys = pa.concat_arrays([keys, visitor.take(pa.array(first))])
    person_index = np.concatenate(
        [records.person_index[keep], sessions["person_index"].to_numpy()[human]]
    )
    is_ropo = (name_code == names.index("store_pos.transactions")) & pc.is_in(
        keys, value_set=text.strings(ropo_orders), skip_nulls=True
    ).to_numpy(zero_copy_only=False)
    # text columns handed to pandas as the Arrow-backed `str` columns it would infer
    system, _, table = zip(*(name.partition(".") for name in names), strict=True)
    return pd.DataFrame(
        {
            "source_system": text.column(pa.array(system).take(pa.array(name_code))),
            "source_table": text.column(pa.array(table).take(pa.array(name_code))),
            "source_record_id": text.column(keys),
            "person_id": text.column(person_ids.take(pa.array(person_index))),
            "component": np.concatenate([component[keep], session_component[human]]),
            "is_identifiable": np.concatenate(
                [records.is_identifiable[keep], session_linked[human]]
            ),
            "is_identifiable_ropo": is_ropo.astype(bool),
        }
    )


def _plant_repeat_purchase_rate(orders: pd.DataFrame, kpi: dict, end_s: np.datetime64) -> None:
    """Repeat purchase rate over customers (components): a second non-cancelled order within
    365 days of the first / customers whose first order is at least 365 days old."""
    live = orders[(orders["component"] >= 0) & ~orders["is_cancelled"]]
    first = live.groupby("component")["ordered_at"].min()
    old_enough = first[first <= end_s - np.timedelta64(365 * 86400, "s")]
    again = live[live["component"].isin(old_enough.index)].join(
        first.rename("first_at"), on="component"
    )
    again = again[
        (again["ordered_at"] > again["first_at"])
        & (again["ordered_at"] <= again["first_at"] + pd.Timedelta(days=365))
    ]
    _plant(
        kpi,
        again["component"].nunique(),
        len(old_enough),
        "customers (linkable components) with 2+ non-cancelled orders within 365 days of their "
        "first / customers whose first order is at least 365 days old (null when the period "
        "is shorter than a year)",
        "buyers",
    )


def _component_of(records: Records, component: np.ndarray, table: str, keys) -> np.ndarray:
    found = records.find(table, keys)
    return np.where(found >= 0, component[np.maximum(found, 0)], -1)
