"""The web and app event exports, rendered and written one day partition at a time.

Events are the bulk of the world (about 85% of the rows at scale 10). The
simulation keeps them numeric (`world.simulate_session_events`); this module
turns one day's events into the columns of `schema` with Arrow kernels, plants
their defects (re-sent copies, local timestamps, rows without a key), hands the
table to the writer and forgets it, so memory holds one day of text at a time.
Session-level text (visitor ids, landing URLs, transaction ids) is built once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from omnichannel.generate import text
from omnichannel.generate.world import (
    EVENT_NAMES,
    PROMOTIONS,
    PURCHASE,
    TRAFFIC_SOURCES,
    World,
    visitor_ids,
)

SITE = "https://shop.example.com"
APP_LANDING = "https://app.example.com/open"
PLATFORM_CAMPAIGNS = {
    "google_ads": ["CMP-SEARCH-BRAND", "CMP-SEARCH-GENERIC"],
    "meta": ["CMP-SOCIAL-PROSPECT", "CMP-SOCIAL-RETARGET"],
    "display_network": ["CMP-DISPLAY-SEASON"],
    "email": ["CMP-EMAIL-NEWSLETTER", "CMP-EMAIL-OPTIN"],
    "sms": ["CMP-SMS-OFFERS"],
}
AD_PLATFORMS = ("google_ads", "meta", "display_network")
# the email service provider appends the message id to every tracked link
MESSAGE_PARAMETER = "msg_id"
BOT_AGENT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
HUMAN_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


CAMPAIGN_IDS = [c for ids in PLATFORM_CAMPAIGNS.values() for c in ids]
CAMPAIGN_BY_SOURCE = pa.array(CAMPAIGN_IDS, pa.string())


def campaign_codes(sessions: pd.DataFrame, sends: pd.DataFrame) -> np.ndarray:
    """Index into CAMPAIGN_IDS of each session's campaign (-1 for none): the send's campaign
    for an email or SMS click; search and social sessions alternate between the platform's
    two campaigns."""
    # per traffic source: its ad platform's two campaigns (-1, -1 when it is no ad platform)
    by_source = np.full((len(TRAFFIC_SOURCES), 2), -1)
    for i, source in enumerate(TRAFFIC_SOURCES):
        if source[3] in AD_PLATFORMS:
            ids = PLATFORM_CAMPAIGNS[source[3]]
            by_source[i] = [CAMPAIGN_IDS.index(ids[0]), CAMPAIGN_IDS.index(ids[-1])]
    parity = sessions["session_number"].to_numpy() % 2
    code = by_source[sessions["source_index"].to_numpy(), parity]
    message = sessions["message_number"].to_numpy()
    of_send = pd.Index(CAMPAIGN_IDS).get_indexer(sends["campaign_id"].to_numpy())
    return np.where(message >= 0, of_send[np.maximum(message, 0)], code)


def message_ids(numbers: np.ndarray) -> pa.Array:
    return text.ids("MSG", numbers, 9)


def tracked_link(source_index: np.ndarray, campaign: pa.Array, message: np.ndarray) -> pa.Array:
    """'?utm_source=…&utm_medium=…[&utm_campaign=…][&msg_id=…]' of each landing ('' when untagged)."""
    utm_source = pa.array([t[1] for t in TRAFFIC_SOURCES], pa.string())
    utm_medium = pa.array([t[2] for t in TRAFFIC_SOURCES], pa.string())
    tagged = text.join(
        "?utm_source=",
        utm_source.take(pa.array(source_index)),
        "&utm_medium=",
        utm_medium.take(pa.array(source_index)),
    )
    with_campaign = pc.coalesce(text.join(tagged, "&utm_campaign=", campaign), tagged)
    message_part = text.take(
        message_ids(np.maximum(message, 0)), np.arange(len(message)), message >= 0
    )
    with_message = pc.coalesce(
        text.join(with_campaign, f"&{MESSAGE_PARAMETER}=", message_part), with_campaign
    )
    return pc.coalesce(with_message, "")


@dataclass
class SessionText:
    """Per session: what its events repeat (built once, taken per event).

    The landing URLs (with their tracked query) are rendered when first read: every
    session's by the process that writes the events (`landing`), the paid sessions' alone
    for the ad click log (`landing_of`)."""

    visitor: pa.Array
    account: pa.Array
    source: np.ndarray
    campaign: pa.Array
    campaign_code: np.ndarray
    gclid: pa.Array
    message: np.ndarray
    transaction: pa.Array
    value: np.ndarray
    currency: pa.Array
    start_seconds: np.ndarray
    person: np.ndarray
    is_bot: np.ndarray
    is_paid: np.ndarray
    _landing: pa.Array | None = None

    def landing_of(self, rows: np.ndarray) -> pa.Array:
        """The landing URL of the sessions at `rows`."""
        take = pa.array(rows)
        query = tracked_link(self.source[rows], self.campaign.take(take), self.message[rows])
        gclid = self.gclid.take(take)
        query = pc.coalesce(text.join(query, "&gclid=", gclid), query)
        return text.join(SITE, "/", query)

    @property
    def landing(self) -> pa.Array:
        """The landing URL of every session."""
        if self._landing is None:
            self._landing = self.landing_of(np.arange(len(self.source)))
        return self._landing


def session_text(world: World) -> SessionText:
    sessions, people = world.sessions, world.people
    n = len(sessions)
    number = sessions["session_number"].to_numpy()
    source = sessions["source_index"].to_numpy()
    person = sessions["person_index"].to_numpy()
    campaign_code = campaign_codes(sessions, world.tables["_sends"])
    campaign = text.take(CAMPAIGN_BY_SOURCE, campaign_code)
    is_paid = np.array([t[3] in AD_PLATFORMS for t in TRAFFIC_SOURCES])[source]
    gclid = text.take(text.ids("GCL", number, 9), number, is_paid)
    account = text.strings(people["account_id"])
    shop = world.tables["_shop_orders"]
    online = shop[shop["session_number"] >= 0]
    lines = world.lines
    net = (
        (lines["unit_price"] * lines["quantity"] - lines["discount_amount"])
        .groupby(lines["order_id"])
        .sum()
    )
    order_of_session = np.full(n, -1)
    order_of_session[online["session_number"].to_numpy()] = np.arange(len(online))
    value = np.full(n, np.nan)
    value[online["session_number"].to_numpy()] = np.round(
        net.reindex(online["order_id"]).to_numpy(), 2
    )
    return SessionText(
        visitor=visitor_ids(sessions, people),
        account=text.take(account, np.maximum(person, 0), person >= 0),
        source=source,
        campaign=campaign,
        campaign_code=campaign_code,
        gclid=gclid,
        message=sessions["message_number"].to_numpy(),
        transaction=text.take(text.strings(online["order_id"]), order_of_session),
        value=value,
        currency=text.take(text.strings(online["currency"]), order_of_session),
        start_seconds=sessions["start_at"].to_numpy().astype("datetime64[s]").astype(np.int64),
        person=person,
        is_bot=sessions["is_bot"].to_numpy(),
        is_paid=is_paid,
    )


def ad_clicks(world: World, st: SessionText) -> pd.DataFrame:
    """Every paid session starts with an ad click: the ad platform's click log."""
    paid = np.flatnonzero(st.is_paid)
    is_app = (world.sessions["platform"] == "app").to_numpy()[paid]
    at = world.sessions["start_at"].to_numpy()[paid].astype("datetime64[s]")
    landing = pc.if_else(pa.array(is_app), APP_LANDING, st.landing_of(paid))
    return pd.DataFrame(
        {
            "click_id": text.column(st.gclid.take(pa.array(paid))),
            "campaign_id": text.column(st.campaign.take(pa.array(paid))),
            "clicked_ts": text.column(text.iso_utc(at)),
            "landing_url": text.column(landing),
            "at": at,
            "_date": at.astype("datetime64[D]"),
            "_person": -1,
        }
    )


@dataclass
class EventDefects:
    """Which events (global positions) the export spoils, and how."""

    duplicate: np.ndarray  # bool per event: re-sent once more at the end of its day
    missing_key: np.ndarray  # bool per event: a copy with a null event_id is appended
    local_positions: np.ndarray  # sorted app events whose timestamp is written in local time
    local_values: pa.Array  # their local text with offset, aligned with local_positions


def plan_event_defects(
    rng: np.random.Generator, world: World, written: np.ndarray
) -> tuple[EventDefects, pd.DataFrame]:
    """Re-send about 1% (web) / 0.5% (app) of events, write 5% of app timestamps in
    Berlin local time with their offset, and append 0.1% web rows with no event_id."""
    from omnichannel.generate.mess import record_defects, sample_positions

    events = world.events
    n = len(events)
    is_app = (world.sessions["platform"] == "app").to_numpy()[events["session_number"].to_numpy()]
    duplicate = np.zeros(n, dtype=bool)
    missing_key = np.zeros(n, dtype=bool)
    defects: list[pd.DataFrame] = []
    web = np.flatnonzero(~is_app & written)
    app = np.flatnonzero(is_app & written)
    for positions, prefix, name, rate in (
        (web, "WE", "web_analytics.events", 0.01),
        (app, "AE", "app_analytics.events", 0.005),
    ):
        picked = positions[sample_positions(rng, len(positions), rate)]
        duplicate[picked] = True
        record_defects(defects, "duplicate_row", name, text.as_numpy(text.ids(prefix, picked, 10)))
    local_positions = app[sample_positions(rng, len(app), 0.05)]
    local = text.iso_local(events["at"].to_numpy()[local_positions], "Europe/Berlin")
    record_defects(
        defects,
        "local_timestamp",
        "app_analytics.events",
        text.as_numpy(text.ids("AE", local_positions, 10)),
    )
    picked = web[sample_positions(rng, len(web), 0.001)]
    missing_key[picked] = True
    record_defects(
        defects,
        "missing_key",
        "web_analytics.events",
        [f"row:{i}" for i in range(len(picked))],
        "event_id null",
    )
    plan = EventDefects(duplicate, missing_key, local_positions, local)
    return plan, pd.concat(defects, ignore_index=True)


@dataclass
class EventColumns:
    """The numeric events and the lookup arrays their text is taken from."""

    session: np.ndarray
    code: np.ndarray
    seconds: np.ndarray
    is_first: np.ndarray
    logged_in: np.ndarray
    sku: np.ndarray
    engagement: np.ndarray
    promotion: np.ndarray
    names: pa.Array
    paths: pa.Array
    skus: pa.Array
    referrers: pa.Array
    utm_source: pa.Array
    utm_medium: pa.Array
    campaigns: pa.Array


def event_columns(world: World) -> EventColumns:
    events = world.events
    skus = world.tables["_reference"].products["sku"].to_numpy()
    return EventColumns(
        session=events["session_number"].to_numpy(),
        code=events["code"].to_numpy(),
        seconds=events["at"].to_numpy().astype("datetime64[s]").astype(np.int64),
        is_first=events["is_first"].to_numpy(),
        logged_in=events["logged_in"].to_numpy(),
        sku=events["sku"].to_numpy().astype(np.int64),
        engagement=events["engagement_msec"].to_numpy().astype(np.int64),
        promotion=events["promotion"].to_numpy().astype(np.int64),
        names=pa.array(EVENT_NAMES, pa.string()),
        paths=pa.array([f"{SITE}/"] + [f"{SITE}/p/{sku}" for sku in skus], pa.string()),
        skus=pa.array(skus, pa.string()),
        referrers=pa.array([t[4] for t in TRAFFIC_SOURCES] + [f"{SITE}/"], pa.string()),
        utm_source=pa.array([t[1] for t in TRAFFIC_SOURCES], pa.string()),
        utm_medium=pa.array([t[2] for t in TRAFFIC_SOURCES], pa.string()),
        campaigns=CAMPAIGN_BY_SOURCE,
    )


def _common(ev: EventColumns, st: SessionText, rows: np.ndarray) -> dict[str, pa.Array]:
    """Columns both exports share, for the events at global positions `rows`."""
    s = ev.session[rows]
    first = ev.is_first[rows]
    source = st.source[s]
    purchase = ev.code[rows] == PURCHASE
    return {
        "user_id": text.take(st.account, s, ev.logged_in[rows]),
        "utm_source": text.coded(ev.utm_source, source, first),
        "utm_medium": text.coded(ev.utm_medium, source, first),
        "utm_campaign": text.coded(ev.campaigns, st.campaign_code[s], first),
        "item_sku": text.coded(ev.skus, ev.sku[rows]),
        "transaction_id": text.take(st.transaction, s, purchase),
        "purchase_value": pa.array(st.value[s], mask=~purchase),
        "currency": text.take(st.currency, s, purchase),
        "engagement_time_msec": pa.array(ev.engagement[rows]),
        **promotion_columns(ev.promotion[rows]),
    }


PROMOTION_FIELDS = ("promotion_id", "promotion_name", "creative_name", "creative_slot")


def promotion_columns(promotion: np.ndarray) -> dict[str, pa.Array]:
    """GA4's promotion parameters on view_promotion and select_promotion events, else null."""
    return {
        field: text.coded(values, promotion)
        for field, values in zip(PROMOTION_FIELDS, PROMOTION_VALUES, strict=True)
    }


PROMOTION_VALUES = tuple(
    pa.array([p[i] for p in PROMOTIONS], pa.string()) for i in range(len(PROMOTION_FIELDS))
)


def render_web(
    ev: EventColumns, st: SessionText, rows: np.ndarray, event_id: pa.Array, keyless: np.ndarray
) -> pa.Table:
    s = ev.session[rows]
    first = ev.is_first[rows]
    common = _common(ev, st, rows)
    if keyless.any():
        event_id = pc.if_else(pa.array(keyless), pa.scalar(None, pa.string()), event_id)
    columns = {
        "event_id": event_id,
        "event_timestamp": pa.array(ev.seconds[rows] * 1_000_000),
        "event_name": text.coded(ev.names, ev.code[rows]),
        "user_pseudo_id": st.visitor.take(pa.array(s)),
        "user_id": common["user_id"],
        "ga_session_id": pa.array(st.start_seconds[s]),
        # the landing page (with its tracked query) of the session, then product pages
        "page_location": pc.replace_with_mask(
            ev.paths.take(pa.array(ev.sku[rows] + 1)),
            pa.array(first),
            st.landing.take(pa.array(s[first])),
        ),
        "page_referrer": text.coded(
            ev.referrers, np.where(first, st.source[s], len(TRAFFIC_SOURCES))
        ),
        "utm_source": common["utm_source"],
        "utm_medium": common["utm_medium"],
        "utm_campaign": common["utm_campaign"],
        "gclid": text.take(st.gclid, s, first),
        "item_sku": common["item_sku"],
        "transaction_id": common["transaction_id"],
        "purchase_value": common["purchase_value"],
        "currency": common["currency"],
        "engagement_time_msec": common["engagement_time_msec"],
        **{field: common[field] for field in PROMOTION_FIELDS},
        "device_category": text.coded(DEVICES, (s % 3 != 0).astype(np.int64)),
        "user_agent": text.coded(AGENTS, st.is_bot[s].astype(np.int64)),
    }
    return pa.table(columns)


def render_app(
    ev: EventColumns, st: SessionText, rows: np.ndarray, event_id: pa.Array, plan: EventDefects
) -> pa.Table:
    s = ev.session[rows]
    first = ev.is_first[rows]
    common = _common(ev, st, rows)
    timestamp = text.iso_utc(ev.seconds[rows].astype("datetime64[s]"))
    found = np.searchsorted(plan.local_positions, rows)
    found = np.minimum(found, max(len(plan.local_positions) - 1, 0))
    is_local = (
        plan.local_positions[found] == rows
        if len(plan.local_positions)
        else np.zeros(len(rows), bool)
    )
    if is_local.any():
        timestamp = pc.if_else(
            pa.array(is_local), text.take(plan.local_values, found, is_local), timestamp
        )
    columns = {
        "event_id": event_id,
        "event_ts": timestamp,
        "event_name": text.coded(APP_NAMES, np.where(first, len(EVENT_NAMES), ev.code[rows])),
        "device_id": st.visitor.take(pa.array(s)),
        "user_id": common["user_id"],
        "screen_name": text.coded(SCREENS, (ev.sku[rows] >= 0).astype(np.int64)),
        "utm_source": common["utm_source"],
        "utm_medium": common["utm_medium"],
        "utm_campaign": common["utm_campaign"],
        "item_sku": common["item_sku"],
        "transaction_id": common["transaction_id"],
        "purchase_value": common["purchase_value"],
        "currency": common["currency"],
        "engagement_time_msec": common["engagement_time_msec"],
        **{field: common[field] for field in PROMOTION_FIELDS},
        "os": text.coded(SYSTEMS, (s % 2 != 0).astype(np.int64)),
        "app_version": text.coded(APP_VERSIONS, np.zeros(len(rows), dtype=np.int64)),
    }
    return pa.table(columns)


DEVICES = pa.array(["mobile", "desktop"])
AGENTS = pa.array([HUMAN_AGENT, BOT_AGENT])
APP_NAMES = pa.array(
    ["screen_view" if name == "page_view" else name for name in EVENT_NAMES] + ["app_open"]
)
SCREENS = pa.array(["home", "product"])
SYSTEMS = pa.array(["ios", "android"])
APP_VERSIONS = pa.array(["5.2.1"])


def event_days(world: World) -> np.ndarray:
    """Day index (0 = first day) of every event."""
    start = np.datetime64(world.start.isoformat(), "D")
    return (world.events["at"].to_numpy().astype("datetime64[D]") - start).astype(np.int64)


def write_event_extracts(
    world: World,
    st: SessionText,
    plan: EventDefects,
    written: np.ndarray,
    write: Callable[[str, int, pa.Table], None],
    record: Callable[[str, pa.Array, np.ndarray], None],
) -> dict[str, int]:
    """Render and hand over both event exports one day at a time; returns rows per table.

    `write(table, day, arrow_table)` stores a day partition; `record(table, ids,
    person_index)` receives the ids of the events that carry a person (the truth).
    """
    ev = event_columns(world)
    day = event_days(world)
    is_app = (world.sessions["platform"] == "app").to_numpy()[ev.session]
    rows_written: dict[str, int] = {}
    for name, app, prefix in (
        ("web_analytics.events", False, "WE"),
        ("app_analytics.events", True, "AE"),
    ):
        positions = np.flatnonzero((is_app == app) & written)
        order = np.argsort(day[positions], kind="stable")
        positions = positions[order]
        bounds = np.searchsorted(day[positions], np.arange(world.days + 1))
        total = 0
        for d in range(world.days):
            idx = positions[bounds[d] : bounds[d + 1]]
            extra = [idx[plan.duplicate[idx]]]
            broken = idx[plan.missing_key[idx]]
            rows = np.concatenate([idx, *extra, broken])
            event_id = text.ids(prefix, rows, 10)
            if app:
                table = render_app(ev, st, rows, event_id, plan)
            else:
                keyless = np.zeros(len(rows), dtype=bool)
                keyless[len(rows) - len(broken) :] = True
                table = render_web(ev, st, rows, event_id, keyless)
            write(name, d, table)
            total += len(rows)
            person = st.person[ev.session[idx]]
            carried = np.flatnonzero(person >= 0)
            record(name, event_id.take(pa.array(carried)), person[carried])
        rows_written[name] = total
    return rows_written


def written_events(world: World) -> np.ndarray:
    """Events inside the simulated period (a session late on the last day may run past it)."""
    day = event_days(world)
    return (day >= 0) & (day < world.days)
