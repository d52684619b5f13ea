"""The planted attribution shares: every conversion credited to its customer's marketing touches.

Computed from the clean world with the definitions of the metric dictionary (Attribution)
and of the warehouse's `int_conversion_touches_windowed`:

- a **conversion** is a non-cancelled order of any channel, worth its net sales;
- its **touches** are its person's touches at or before the order and no more than 30 days
  before it: ad clicks (the click that opens a paid web session; an app session from an ad
  carries no click id, so it is a session touch of the same channel at the same instant),
  email and SMS clicks, non-direct sessions (Organic Search, Referral, Organic Social; Direct
  sessions are no touch, Email and SMS sessions are the clicks already counted) and store
  visits seen by the app's geofence (channel `Store Visit`). Loyalty scans at the till are
  the purchase itself and calls are service: no touches (the warehouse's rule; metrics.md
  names "store visits detected by the app");
- models: first touch, last non-direct touch, linear, time decay (7-day half-life),
  position-based 40/20/40 and the Markov chain removal effect (the transition matrix of the
  collapsed channel paths, converting and non-converting, absorbed exactly by solving the
  linear system instead of the warehouse's matrix powers);
- money is split in cents by largest remainder (ties to the earlier touch), as the
  warehouse does, and a conversion without a touch goes to `unattributed`.

The same rules run twice: on the truth's identity components, the customers of the
metric contract (the planted headline, variant `customer`: the order's component and only
the touches whose record lies in it, see linkable.py; the Markov non-converting paths are
those of components that hold an identifier other than a cookie or a device, as the
warehouse knows only such customers), and on the TRUE person (`true_people`, for
information: touches no extract links to the order included). Everything is vectorised; per
conversion and touch the result is written to `attribution_touches.parquet`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from omnichannel.generate import text
from omnichannel.generate.event_extracts import message_ids
from omnichannel.generate.truth import TRUE_PEOPLE, WHY_TRUE_PEOPLE, plant_customer_headline
from omnichannel.generate.world import TRAFFIC_SOURCES, World, visitor_ids

LOOKBACK = np.timedelta64(30 * 86400, "s")
HALF_LIFE_SECONDS = 7 * 86400.0
MODELS = ("first_touch", "last_non_direct", "linear", "time_decay", "position_based", "markov")
UNATTRIBUTED = "unattributed"
STORE_VISIT = "Store Visit"
# sources whose session is a touch of its own (paid ones are ad clicks on the web)
SESSION_TOUCH_SOURCES = ("Organic Search", "Referral", "Organic Social", "Unassigned")
PAID_SOURCES = ("Paid Search", "Paid Social", "Display")


def true_touches(world: World, geofence_visits: pd.DataFrame) -> pd.DataFrame:
    """Every human touch: person_index, touch_type, touch_id (the raw record's id; a session
    is 'visitor_id@ISO start'), attribution_channel, touched_at, and `visitor` (the cookie or
    device of a session or ad click) or `record` (the message or geofence visit) that carries
    its identity."""
    return _object_text(touch_records(world, geofence_visits))


def _object_text(touches: pd.DataFrame) -> pd.DataFrame:
    """`touch_records` with the short-list text columns the runs read as object arrays
    (each made from its few distinct values: no Python string per row); `touch_type` and
    `touch_id` stay Arrow-backed (`_touch_rows` takes them with Arrow)."""
    touches = touches.copy(deep=False)
    for column in ("attribution_channel", "identity_table"):
        code, distinct = pd.factorize(touches[column])
        touches[column] = np.asarray(distinct, dtype=object)[code]
    return touches


def touch_records(world: World, geofence_visits: pd.DataFrame) -> pd.DataFrame:
    """`true_touches` with its text columns as pandas built them (Arrow-backed: cheap to
    pickle to another process)."""
    sessions, people = world.sessions, world.people
    source = np.array([s[0] for s in TRAFFIC_SOURCES], dtype=object)[
        sessions["source_index"].to_numpy()
    ]
    human = sessions["person_index"].to_numpy() >= 0
    is_web = sessions["platform"].to_numpy() == "web"
    paid = np.isin(source, PAID_SOURCES)
    touch = human & (np.isin(source, SESSION_TOUCH_SOURCES) | paid)
    rows = np.flatnonzero(touch)
    start = sessions["start_at"].to_numpy().astype("datetime64[s]")[rows]
    # the session text's visitor ids where the world still holds them (they are the same)
    session_text = world.tables.get("_session_text")
    all_visitors = visitor_ids(sessions, people) if session_text is None else session_text.visitor
    visitor = all_visitors.take(pa.array(rows))
    is_click = paid[rows] & is_web[rows]
    touch_id = text.column(
        pc.if_else(
            pa.array(is_click),
            text.ids("GCL", sessions["session_number"].to_numpy()[rows], 9),
            text.join(visitor, "@", text.iso_utc(start)),
        )
    )
    session_touches = pd.DataFrame(
        {
            "person_index": sessions["person_index"].to_numpy()[rows],
            "touch_type": np.where(is_click, "ad_click", "session"),
            "touch_id": touch_id,
            "attribution_channel": source[rows],
            "touched_at": start,
            "identity_table": np.where(
                is_web[rows], "web_analytics.cookies", "app_analytics.devices"
            ),
            "identity_key": text.column(visitor),
        }
    )

    sends, engagements = world.tables["_sends"], world.tables["_engagements"]
    clicks = engagements[engagements["type"].to_numpy() == "click"]
    number = clicks["message_number"].to_numpy()
    channel = sends["channel"].to_numpy()[number]
    message = message_ids(number)
    message_touches = pd.DataFrame(
        {
            "person_index": sends["person"].to_numpy()[number],
            "touch_type": np.where(channel == "sms", "sms_click", "email_click"),
            "touch_id": text.column(text.join(message, "-click")),
            "attribution_channel": np.where(channel == "sms", "SMS", "Email"),
            "touched_at": clicks["at"].to_numpy().astype("datetime64[s]"),
            "identity_table": "messaging.sends",
            "identity_key": text.column(message),
        }
    )

    visits = geofence_visits.drop_duplicates("visit_id")
    store_touches = pd.DataFrame(
        {
            "person_index": visits["_person"].to_numpy(),
            "touch_type": "store_visit_geofence",
            "touch_id": visits["visit_id"].astype(str).to_numpy(),
            "attribution_channel": STORE_VISIT,
            "touched_at": pd.to_datetime(visits["entered_ts"], format="%Y-%m-%dT%H:%M:%SZ")
            .to_numpy()
            .astype("datetime64[s]"),
            "identity_table": "app_analytics.geofence_visits",
            "identity_key": text.column(text.strings(visits["visit_id"].astype(str).to_numpy())),
        }
    )
    touches = pd.concat([session_touches, message_touches, store_touches], ignore_index=True)
    return touches[touches["person_index"].to_numpy() >= 0].reset_index(drop=True)


def conversion_paths(conversions: pd.DataFrame, touches: pd.DataFrame, key: str) -> pd.DataFrame:
    """(conversion, touch) pairs of the same `key` (person or component) in the lookback,
    positioned by time (ties: the touches' order in `touches`); conversions without a touch
    get one row with a null touch (-1). Each conversion's window is a range of the touches
    sorted by (key, time), found by binary search: only the pairs in a window are built."""
    stride = np.int64(1) << np.int64(36)  # seconds since 1970 stay below 2^36 until 4147

    def stamp(owner: np.ndarray, at: np.ndarray) -> np.ndarray:
        return owner.astype(np.int64) * stride + at.astype("datetime64[s]").astype(np.int64)

    mine = touches[touches[key].to_numpy() >= 0]
    sort = _by_stamp_then_touch(
        stamp(mine[key].to_numpy(), mine["touched_at"].to_numpy()), mine["touch_index"].to_numpy()
    )
    sorted_stamps = stamp(mine[key].to_numpy()[sort], mine["touched_at"].to_numpy()[sort])
    sorted_touches = mine["touch_index"].to_numpy()[sort]
    owner = conversions[key].to_numpy()
    ordered = conversions["ordered_at"].to_numpy().astype("datetime64[s]")
    known = owner >= 0
    lo = np.searchsorted(sorted_stamps, stamp(owner, ordered - LOOKBACK), side="left")
    hi = np.searchsorted(sorted_stamps, stamp(owner, ordered), side="right")
    length = np.where(known, hi - lo, 0)
    order_index = conversions["order_index"].to_numpy()
    total = int(length.sum())
    offset = np.arange(total) - np.repeat(np.cumsum(length) - length, length)
    touched = pd.DataFrame(
        {
            "order_index": np.repeat(order_index, length),
            "touch_index": sorted_touches[np.repeat(lo, length) + offset],
            "touch_position": offset + 1,
            "path_length": np.repeat(length, length),
        }
    )
    lonely = order_index[length == 0]
    paths = pd.concat(
        [
            touched,
            pd.DataFrame(
                {"order_index": lonely, "touch_index": -1, "touch_position": 0, "path_length": 0}
            ),
        ],
        ignore_index=True,
    ).sort_values(["order_index", "touch_position"], kind="stable")
    return paths.reset_index(drop=True)


def _by_stamp_then_touch(stamps: np.ndarray, touch: np.ndarray) -> np.ndarray:
    """The order by (stamp, touch index): one stable sort of the stamps when the touch
    indexes already rise row by row (they do: `touch_index` numbers the touches), else
    np.lexsort."""
    if len(touch) < 2 or bool((touch[1:] > touch[:-1]).all()):
        return np.argsort(stamps, kind="stable")
    return np.lexsort((touch, stamps))


def _collapsed_steps(path_id: np.ndarray, channel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Steps of paths (rows sorted by path, time) with consecutive repeats of a channel
    collapsed into one."""
    keep = np.ones(len(path_id), dtype=bool)
    keep[1:] = (path_id[1:] != path_id[:-1]) | (channel[1:] != channel[:-1])
    return path_id[keep], channel[keep]


def markov_removal_effects(
    converting: tuple[np.ndarray, np.ndarray],
    other: tuple[np.ndarray, np.ndarray],
    channels: int | None = None,
) -> pd.DataFrame:
    """Removal effect per channel (codes 0..channels-1) from collapsed paths ((path id, channel
    code) per step, sorted; converting paths and non-converting paths, ids distinct between
    both). States: start,
    the channels, conversion, null; a channel removed sends every transition into it to null.
    P(conversion from start) solved exactly: (I - Q) x = r."""
    if channels is None:
        channels = int(max([c.max() + 1 for _, c in (converting, other) if len(c)], default=0))
    start, conversion, null = channels, channels + 1, channels + 2
    frm, to = [], []
    for (path_id, channel), absorbed in ((converting, conversion), (other, null)):
        if not len(path_id):
            continue
        first = np.ones(len(path_id), dtype=bool)
        first[1:] = path_id[1:] != path_id[:-1]
        last = np.ones(len(path_id), dtype=bool)
        last[:-1] = path_id[1:] != path_id[:-1]
        frm += [np.full(first.sum(), start), channel[:-1][~last[:-1]], channel[last]]
        to += [channel[first], channel[1:][~last[:-1]], np.full(last.sum(), absorbed)]
    frm_all = np.concatenate(frm) if frm else np.zeros(0, dtype=np.int64)
    to_all = np.concatenate(to) if to else np.zeros(0, dtype=np.int64)
    counts = np.zeros((channels + 3, channels + 3))
    np.add.at(counts, (frm_all, to_all), 1.0)

    def conversion_probability(removed: int | None) -> float:
        c = counts.copy()
        if removed is not None:
            c[:, null] += c[:, removed]
            c[:, removed] = 0
            c[removed, :] = 0
        totals = c.sum(axis=1, keepdims=True)
        p = np.divide(c, totals, out=np.zeros_like(c), where=totals > 0)
        transient = list(range(channels)) + [start]
        q = p[np.ix_(transient, transient)]
        r = p[transient, conversion]
        x = np.linalg.solve(np.eye(len(transient)) - q, r)
        return float(x[-1])

    full = conversion_probability(None)
    without = np.array([conversion_probability(c) for c in range(channels)])
    effect = 1.0 - without / full if full > 0 else np.zeros(channels)
    return pd.DataFrame(
        {"conversion_probability": full, "without_channel": without, "removal_effect": effect}
    )


def attribute(
    paths: pd.DataFrame, touches: pd.DataFrame, net_cents: np.ndarray, effects: pd.Series
) -> pd.DataFrame:
    """Weights and largest-remainder cents per (conversion, touch) and model, as
    fct_attribution computes them; `effects`: removal effect per channel."""
    p = paths.copy()
    has = p["touch_index"].to_numpy() >= 0
    ti = np.maximum(p["touch_index"].to_numpy(), 0)
    p["attribution_channel"] = np.where(
        has, touches["attribution_channel"].to_numpy()[ti], UNATTRIBUTED
    )
    seconds = (
        (
            p["ordered_at"].to_numpy().astype("datetime64[s]")
            - touches["touched_at"].to_numpy()[ti].astype("datetime64[s]")
        )
        .astype("timedelta64[s]")
        .astype(np.int64)
    )
    position, length = p["touch_position"].to_numpy(), p["path_length"].to_numpy()
    order = p["order_index"].to_numpy()
    decay = np.where(has, np.power(0.5, seconds.astype(float) / HALF_LIFE_SECONDS), 0.0)
    decay_total = pd.Series(decay).groupby(order).transform("sum").to_numpy()
    # Markov: the channel's effect / the path's channels' effects, shared by its touches
    # ((conversion, channel) pairs as integers: grouping on the text column costs a hash of
    # a Python string per row)
    channel, channel_names = pd.factorize(p["attribution_channel"])
    pair = order.astype(np.int64) * max(len(channel_names), 1) + channel
    _, first_row, pair_code, pair_size = np.unique(
        pair, return_index=True, return_inverse=True, return_counts=True
    )
    channel_touches = pair_size[pair_code]
    effect = effects.reindex(channel_names).fillna(0.0).to_numpy()[channel]
    first_of_channel = np.zeros(len(p), dtype=bool)
    first_of_channel[first_row] = True
    path_effect = (
        pd.Series(np.where(first_of_channel & has, effect, 0.0)).groupby(order).transform("sum")
    ).to_numpy()
    safe_length = np.maximum(length, 1).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = {
            "first_touch": (position == 1).astype(float),
            "last_non_direct": (position == length).astype(float),
            "linear": 1.0 / safe_length,
            "time_decay": decay / np.where(decay_total > 0, decay_total, 1.0),
            "position_based": np.select(
                [length == 1, length == 2, (position == 1) | (position == length)],
                [1.0, 0.5, 0.4],
                0.2 / np.maximum(length - 2, 1).astype(float),
            ),
            "markov": np.where(
                path_effect > 0,
                effect / np.where(path_effect > 0, path_effect, 1.0) / channel_touches,
                1.0 / safe_length,
            ),
        }
    cents = net_cents[order]
    groups = len(net_cents)
    for model, weight in weights.items():
        weight = np.where(has, weight, 1.0)
        exact = cents.astype(float) * weight
        floor = np.floor(exact + 1e-9).astype(np.int64)
        floored = np.bincount(order, weights=floor, minlength=groups).round().astype(np.int64)
        leftover = cents - floored[order]
        # rank of each share's remainder in its conversion: largest first, ties to the earlier
        by_remainder = np.lexsort((position, -(exact - floor), order))
        grouped = order[by_remainder]
        rank = np.empty(len(order), dtype=np.int64)
        rank[by_remainder] = (
            np.arange(len(order)) - np.searchsorted(grouped, grouped, side="left") + 1
        )
        p[f"{model}_cents"] = floor + (rank <= leftover)
    return p


def _shares(
    attributed: pd.DataFrame, channels: list[str], total_cents: int, definition: str
) -> dict[str, dict[str, dict]]:
    shares: dict[str, dict[str, dict]] = {}
    for model in MODELS:
        per = attributed.groupby("attribution_channel")[f"{model}_cents"].sum()
        shares[model] = {
            channel: {
                "value": float(per.get(channel, 0)) / total_cents if total_cents else None,
                "numerator": round(float(per.get(channel, 0)) / 100, 2),
                "denominator": round(total_cents / 100, 2),
                "definition": f"{model}: {definition}",
            }
            for channel in channels
        }
    return shares


def _run(
    conversions: pd.DataFrame,
    touches: pd.DataFrame,
    key: str,
    other_keys: np.ndarray,
    channels: list[str],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paths, Markov effects and attribution of one variant (`key`: person or component;
    `other_keys`: the keys whose touches outside every lookback form non-converting paths)."""
    paths = conversion_paths(conversions, touches, key)
    code = pd.Index(channels).get_indexer(touches["attribution_channel"])
    touched = paths[paths["touch_index"] >= 0]
    converting = _collapsed_steps(
        touched["order_index"].to_numpy(), code[touched["touch_index"].to_numpy()]
    )
    unused = np.flatnonzero(
        ~np.isin(touches["touch_index"].to_numpy(), touched["touch_index"].to_numpy())
        & np.isin(touches[key].to_numpy(), other_keys)
    )
    # by (key, time, touch_index): touch_index is unique, so this is the stable sort's order
    unused_key = touches[key].to_numpy()[unused]
    unused_touch = touches["touch_index"].to_numpy()[unused]
    at = touches["touched_at"].to_numpy()[unused].astype("datetime64[s]").astype(np.int64)
    by = _by_stamp_then_touch(unused_key.astype(np.int64) * (np.int64(1) << 36) + at, unused_touch)
    other = _collapsed_steps(unused_key[by] + len(conversions), code[unused_touch[by]])
    effects = markov_removal_effects(converting, other, len(channels))
    effects.index = channels
    # every path row's conversion exists: its order time by position, not by a merge
    order_index = conversions["order_index"].to_numpy()
    position = np.empty(int(order_index.max()) + 1 if len(order_index) else 0, dtype=np.int64)
    position[order_index] = np.arange(len(conversions))
    paths["ordered_at"] = conversions["ordered_at"].to_numpy()[
        position[paths["order_index"].to_numpy()]
    ]
    return attribute(
        paths, touches, conversions["net_cents"].to_numpy(), effects["removal_effect"]
    ), effects


class _ComponentOf:
    """The component of a record named by (system.table, key): the first identifiable row of
    that record, -1 when there is none. Keys are looked up table by table in Arrow's hash
    set of that table's record ids (no joined text, no pandas index of Python strings)."""

    def __init__(self, identifiable: pd.DataFrame) -> None:
        table = pc.binary_join_element_wise(
            text.strings(identifiable["source_system"]),
            text.strings(identifiable["source_table"]),
            ".",
        )
        encoded = pc.dictionary_encode(table)
        code = encoded.indices.to_numpy(zero_copy_only=False)
        ids = text.strings(identifiable["source_record_id"]).fill_null("nan")
        component = identifiable["component"].to_numpy().astype(np.int64)
        self._tables = {}
        for t, name in enumerate(encoded.dictionary.to_pylist()):
            rows = np.flatnonzero(code == t)
            self._tables[name] = (ids.take(pa.array(rows)), component[rows])

    def __call__(self, table, key) -> np.ndarray:
        table_code, names = pd.factorize(np.asarray(table, dtype=object))
        key = text.strings(key)
        found = np.full(len(key), -1, dtype=np.int64)
        for t, name in enumerate(names):
            if name not in self._tables:
                continue
            ids, component = self._tables[name]
            rows = np.flatnonzero(table_code == t)
            # index_in: the position of the first equal id
            at = pc.index_in(key.take(pa.array(rows)), value_set=ids).fill_null(-1).to_numpy()
            found[rows] = np.where(at >= 0, component[np.maximum(at, 0)], -1)
        return found


TRUE_DEFINITION = (
    "net sales of non-cancelled orders credited to the channel's touches of the TRUE buyer "
    "in the 30 days before (ad clicks, email/SMS clicks, non-direct sessions, app-geofence "
    "store visits), largest-remainder cents / net sales of all non-cancelled orders"
)
CUSTOMER_DEFINITION = (
    "net sales of non-cancelled orders credited to the channel's touches of the order's "
    "customer (touches whose record lies in the order's linkable component, linkable.py) "
    "in the 30 days before (ad clicks, email/SMS clicks, non-direct sessions, app-geofence "
    "store visits), largest-remainder cents; orders of no component are unattributed / "
    "net sales of all non-cancelled orders"
)


@dataclass
class AttributionInputs:
    """What both variants read: the touches, the conversions (the truth's non-cancelled
    orders) and the channels. The truth's child makes them and hands them (pickled) to the
    identifiable records' child, which runs the customers' variant while the truth's child
    runs the true people's (`true_people_attribution`)."""

    touches: pd.DataFrame  # touch_records (text Arrow-backed: cheap to pickle)
    conversions: pd.DataFrame
    channels: list[str]


@dataclass
class TruePeopleAttribution:
    """The attribution over TRUE people, which needs the truth's orders but not the
    identifiable records: the truth's child makes it while the identifiable records' graph
    is built, and hands it (pickled) to `add_attribution_kpis`."""

    effects: pd.DataFrame  # Markov removal effects over true people, per channel
    shares: dict[str, dict[str, dict]]  # model -> channel -> ratio over true people
    rows: pd.DataFrame  # the true_people rows of attribution_touches.parquet


@dataclass
class CustomerAttribution:
    """The attribution over customers (the identity components of linkable.py)."""

    attributed: pd.DataFrame  # (conversion, touch) rows with the cents of every model
    effects: pd.DataFrame  # Markov removal effects over customers, per channel
    rows: pd.DataFrame  # the customer rows of attribution_touches.parquet


def _conversions(orders: pd.DataFrame) -> pd.DataFrame:
    live = orders[~orders["is_cancelled"].to_numpy()].sort_values("order_id", kind="stable")
    return pd.DataFrame(
        {
            "order_index": np.arange(len(live)),
            "order_id": live["order_id"].astype(str).to_numpy(),
            "source_system": live["source_system"].astype(str).to_numpy(),
            "person_index": live["person_index"].to_numpy().astype(np.int64),
            "ordered_at": live["ordered_at"].to_numpy().astype("datetime64[s]"),
            "net_cents": np.round(live["net_sales_eur"].to_numpy() * 100).astype(np.int64),
        }
    )


def _indexed(touches: pd.DataFrame) -> pd.DataFrame:
    touches = _object_text(touches)
    touches["touch_index"] = np.arange(len(touches))
    return touches


def attribution_inputs(
    world: World, geofence_visits: pd.DataFrame, orders: pd.DataFrame
) -> AttributionInputs:
    """The touches and conversions of both variants (`orders`: the truth's order frame;
    `geofence_visits`: the extract, which the defects leave as it is)."""
    records = touch_records(world, geofence_visits)
    return AttributionInputs(
        touches=records,
        conversions=_conversions(orders),
        channels=sorted(set(records["attribution_channel"].astype(object))),
    )


def true_people_attribution(inputs: AttributionInputs) -> TruePeopleAttribution:
    """The `true_people` variant of the planted attribution."""
    touches = _indexed(inputs.touches)
    conversions = inputs.conversions
    channels = inputs.channels
    found, effects = _run(
        conversions, touches, "person_index", np.unique(touches["person_index"]), channels
    )
    total_cents = int(conversions["net_cents"].sum())
    return TruePeopleAttribution(
        effects=effects,
        shares=_shares(found, [*channels, UNATTRIBUTED], total_cents, TRUE_DEFINITION),
        rows=_touch_rows(TRUE_PEOPLE, found, conversions, touches),
    )


def customer_attribution(
    inputs: AttributionInputs, identifiable: pd.DataFrame
) -> CustomerAttribution:
    """The customers' variant (the headline): each conversion credited to the touches whose
    record lies in the order's identity component. `identifiable`: identifiable_records
    (linkable.py)."""
    touches = _indexed(inputs.touches)
    conversions = inputs.conversions.copy()

    # the identity components of the truth (linkable.py): orders, messages, geofence visits,
    # and the cookie or device of every session and ad click
    component = _ComponentOf(identifiable)
    order_table = conversions["source_system"].map(
        {
            "ecommerce": "ecommerce.orders",
            "store_pos": "store_pos.transactions",
            "marketplace": "marketplace.orders",
        }
    )
    conversions["component"] = component(order_table, conversions["order_id"])
    touches["component"] = component(touches["identity_table"], touches["identity_key"])
    # the warehouse's customers: components holding an identifier other than a cookie or a
    # device (any record but a visitor's)
    visitor_tables = ["web_analytics.cookies", "app_analytics.devices"]
    customers = np.unique(
        identifiable.loc[
            ~(identifiable["source_system"] + "." + identifiable["source_table"]).isin(
                visitor_tables
            ),
            "component",
        ].to_numpy()
    )
    customers = customers[customers >= 0]
    known, effects = _run(conversions, touches, "component", customers, inputs.channels)
    return CustomerAttribution(
        attributed=known,
        effects=effects,
        rows=_touch_rows("customer", known, conversions, touches),
    )


def add_attribution_kpis(
    inputs: AttributionInputs,
    true_people: TruePeopleAttribution,
    customers: CustomerAttribution,
    kpis: dict,
) -> pd.DataFrame:
    """Plant `attribution_share_by_channel` (model -> channel -> ratio over customers, with
    `true_people`) and `attribution_markov_removal_effect` (channel -> effect, the same) in
    `kpis`; return the (conversion, touch) rows of both variants (`customer`, `true_people`)
    for attribution_touches.parquet."""
    total_cents = int(inputs.conversions["net_cents"].sum())
    channels = inputs.channels
    listed = [*channels, UNATTRIBUTED]
    planted = _shares(customers.attributed, listed, total_cents, CUSTOMER_DEFINITION)
    for model, per in true_people.shares.items():
        for channel, ratio in per.items():
            planted[model][channel][TRUE_PEOPLE] = {
                **ratio,
                "why_no_warehouse_sees_it": WHY_TRUE_PEOPLE["touches"],
            }
    kpis["attribution_share_by_channel"] = planted

    def effect(effects: pd.DataFrame, channel: str, definition: str) -> dict:
        return {
            "value": float(effects.loc[channel, "removal_effect"]),
            "numerator": float(
                effects.loc[channel, "conversion_probability"]
                - effects.loc[channel, "without_channel"]
            ),
            "denominator": float(effects.loc[channel, "conversion_probability"]),
            "definition": definition,
        }

    kpis["attribution_markov_removal_effect"] = {}
    for channel in channels:
        kpi = effect(
            true_people.effects,
            channel,
            "1 - P(conversion without the channel) / P(conversion), Markov chain of the true "
            "people's collapsed channel paths (converting and not)",
        )
        plant_customer_headline(
            kpi,
            effect(
                customers.effects,
                channel,
                "1 - P(conversion without the channel) / P(conversion), Markov chain of the "
                "customers' collapsed channel paths (converting, and not: per linkable component "
                "holding an identifier other than a cookie or device)",
            ),
            "touches",
        )
        kpis["attribution_markov_removal_effect"][channel] = kpi

    return pd.concat([customers.rows, true_people.rows], ignore_index=True)


def _touch_rows(
    variant: str, attributed: pd.DataFrame, conversions: pd.DataFrame, touches: pd.DataFrame
) -> pd.DataFrame:
    """The rows of one variant for attribution_touches.parquet."""
    has = attributed["touch_index"].to_numpy() >= 0
    ti = np.maximum(attributed["touch_index"].to_numpy(), 0)
    oi = attributed["order_index"].to_numpy()

    def taken(values, index: np.ndarray, valid: np.ndarray | None = None):
        # the str column pandas would make of values[index] (null where not valid), taken
        # in Arrow: no Python string per row
        valid = np.ones(len(index), dtype=bool) if valid is None else valid
        return text.column(text.take(text.strings(values), index, valid))

    return pd.DataFrame(
        {
            "variant": variant,
            "source_system": taken(conversions["source_system"], oi),
            "order_ref": taken(conversions["order_id"], oi),
            "touch_type": taken(touches["touch_type"], ti, has),
            "touch_id": taken(touches["touch_id"], ti, has),
            "attribution_channel": attributed["attribution_channel"].array,
            "touched_at": np.where(
                has, touches["touched_at"].to_numpy()[ti], np.datetime64("NaT")
            ).astype("datetime64[s]"),
            "touch_position": attributed["touch_position"].to_numpy().astype(np.int32),
            "path_length": attributed["path_length"].to_numpy().astype(np.int32),
            **{
                f"{model}_cents": attributed[f"{model}_cents"].to_numpy().astype(np.int64)
                for model in MODELS
            },
        }
    )
