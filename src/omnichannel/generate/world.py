"""Simulate one omnichannel retailer: people first, then what each system records.

Everything is vectorised with numpy over people, sessions, orders and lines;
a component gets its own child random generator, so the same seed, scale,
days and start always give the same world. The clean world is kept in
``World`` (with the true person behind every record); ``omnichannel.generate.mess``
then plants the defects real extracts have, and ``truth`` derives the KPIs
from the clean world.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from omnichannel.generate.reference import Reference

PEOPLE_PER_SCALE = 10_000
COUNTRIES = np.array(["DE", "FR", "GB", "SE"])
COUNTRY_WEIGHTS = np.array([0.45, 0.30, 0.15, 0.10])
COUNTRY_CURRENCY = {"DE": "EUR", "FR": "EUR", "GB": "GBP", "SE": "SEK"}
COUNTRY_DIAL = {"DE": "49", "FR": "33", "GB": "44", "SE": "46"}
COUNTRY_TLD = {"DE": "de", "FR": "fr", "GB": "co.uk", "SE": "se"}
WAREHOUSE_ID = "WH01"

# (default channel group, utm_source, utm_medium, campaign platform or None, referrer)
TRAFFIC_SOURCES = [
    ("Direct", None, None, None, None),
    ("Organic Search", None, None, None, "https://www.google.com/"),
    ("Paid Search", "google", "cpc", "google_ads", "https://www.google.com/"),
    ("Paid Social", "facebook", "paid_social", "meta", "https://m.facebook.com/"),
    ("Email", "newsletter", "email", "email", None),
    ("SMS", "sms", "sms", "sms", None),
    ("Referral", "blog.example.org", "referral", None, "https://blog.example.org/best-of"),
    ("Display", "display_network", "display", "display_network", None),
    ("Organic Social", "instagram", "social", None, "https://www.instagram.com/"),
]
WEB_SOURCE_WEIGHTS = np.array([0.30, 0.24, 0.12, 0.08, 0.09, 0.03, 0.06, 0.04, 0.04])
APP_SOURCE_WEIGHTS = np.array([0.70, 0.0, 0.0, 0.08, 0.12, 0.05, 0.0, 0.0, 0.05])


def _ids(prefix: str, numbers: np.ndarray, width: int = 8) -> np.ndarray:
    numbers = np.asarray(numbers)
    if numbers.size == 0:
        return np.array([], dtype=str)
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), width))


def _seasonality(days: int, start: dt.date) -> np.ndarray:
    """Relative activity per day: weekly rhythm, a December peak, a summer lull."""
    dates = pd.date_range(start, periods=days, freq="D")
    weekday = np.array([0.9, 0.9, 0.95, 1.0, 1.1, 1.35, 0.8])[dates.dayofweek]
    day_of_year = dates.dayofyear.to_numpy()
    december = 1.0 + 0.8 * np.exp(-(((day_of_year - 350) / 12.0) ** 2))
    summer = 1.0 - 0.15 * np.exp(-(((day_of_year - 210) / 20.0) ** 2))
    return weekday * december * summer


@dataclass
class World:
    """The clean simulated world: one DataFrame per entity, with true person ids."""

    start: dt.date
    days: int
    people: pd.DataFrame
    cookies: pd.DataFrame
    sessions: pd.DataFrame
    events: pd.DataFrame
    orders: pd.DataFrame
    lines: pd.DataFrame
    footfall: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


def day_start(start: dt.date) -> np.datetime64:
    return np.datetime64(start.isoformat(), "s")


def simulate_people(rng: np.random.Generator, n: int) -> pd.DataFrame:
    person = np.arange(1, n + 1)
    country = COUNTRIES[rng.choice(4, size=n, p=COUNTRY_WEIGHTS)]
    has_account = rng.random(n) < 0.55
    has_app = has_account & (rng.random(n) < 0.45)
    loyalty = rng.random(n) < 0.35
    marketplace_buyer = rng.random(n) < 0.22
    crm_contact = rng.random(n) < 0.25
    email_known = has_account | loyalty | crm_contact | (rng.random(n) < 0.2)
    local_number = rng.integers(10_000_000, 99_999_999, size=n).astype(str)
    dial = np.vectorize(COUNTRY_DIAL.get)(country)
    tld = np.vectorize(COUNTRY_TLD.get)(country)
    first_names = np.array(
        [
            "anna",
            "ben",
            "clara",
            "david",
            "emma",
            "felix",
            "greta",
            "hugo",
            "ines",
            "jonas",
            "lea",
            "max",
        ]
    )
    last_names = np.array(
        [
            "muller",
            "schmidt",
            "martin",
            "bernard",
            "smith",
            "jones",
            "andersson",
            "berg",
            "dubois",
            "weber",
        ]
    )
    first = first_names[rng.integers(0, len(first_names), n)]
    last = last_names[rng.integers(0, len(last_names), n)]
    email = np.char.add(
        np.char.add(
            np.char.add(np.char.add(first, "."), last), np.char.add(person.astype(str), "@mail.")
        ),
        tld,
    )
    # how much a person prefers each order channel: web, app, store, marketplace, phone
    omni = rng.random(n) < 0.35
    return pd.DataFrame(
        {
            "person_id": _ids("P", person, 7),
            "country": country,
            "currency": np.vectorize(COUNTRY_CURRENCY.get)(country),
            "home_store": np.where(
                country == "DE",
                np.where(rng.random(n) < 0.6, "S01", "S02"),
                np.where(
                    country == "FR",
                    np.where(rng.random(n) < 0.6, "S03", "S04"),
                    np.where(country == "GB", "S05", "S06"),
                ),
            ),
            "has_account": has_account,
            "account_id": np.where(has_account, _ids("A", person, 7), None),
            "has_app": has_app,
            "device_id": np.where(has_app, _ids("D", person, 7), None),
            "is_loyalty_member": loyalty,
            "card_number": np.where(loyalty, _ids("L1", person, 9), None),
            "is_marketplace_buyer": marketplace_buyer,
            "buyer_id": np.where(marketplace_buyer, _ids("MB", person, 7), None),
            "masked_email": np.where(
                marketplace_buyer,
                np.char.add(_ids("mb", person, 7), "@relay.marketplace.example"),
                None,
            ),
            "is_crm_contact": crm_contact,
            "contact_id": np.where(crm_contact, _ids("CT", person, 7), None),
            "email_known": email_known,
            "email": email,
            "phone_e164": np.char.add(np.char.add("+", dial), local_number),
            "phone_national": np.char.add("0", local_number),
            "dial_code": dial,
            "first_name": first,
            "last_name": last,
            "is_omnichannel_prone": omni,
            "activity": rng.lognormal(0.0, 0.6, n),
            "accepts_email": rng.random(n) < 0.6,
            "accepts_sms": rng.random(n) < 0.3,
        }
    )


def iso_utc(seconds: np.ndarray) -> np.ndarray:
    """datetime64[s] → 'YYYY-MM-DDTHH:MM:SSZ' text, as the extracts carry it."""
    return np.char.add(np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s"), "Z")


def simulate_sessions(
    rng: np.random.Generator, people: pd.DataFrame, days: int, start: dt.date
) -> pd.DataFrame:
    """True web and app sessions: at least an hour apart per visitor, one traffic source each."""
    n = len(people)
    season = _seasonality(days, start)
    day_p = season / season.sum()
    activity = people["activity"].to_numpy()
    web_counts = rng.poisson(16.0 * activity * days / 365.0)
    app_counts = rng.poisson(14.0 * activity * days / 365.0) * people["has_app"].to_numpy()
    n_cookies = rng.integers(1, 4, n)
    frames = []
    for platform, counts, weights in (
        ("web", web_counts, WEB_SOURCE_WEIGHTS),
        ("app", app_counts, APP_SOURCE_WEIGHTS),
    ):
        person_index = np.repeat(np.arange(n), counts)
        m = len(person_index)
        if platform == "web":
            cookie_number = rng.integers(0, 3, m) % n_cookies[person_index]
            visitor = np.char.add(
                np.char.add(np.char.add("ck", people["person_id"].to_numpy()[person_index]), "-"),
                cookie_number.astype(str),
            )
        else:
            visitor = people["device_id"].to_numpy()[person_index].astype(str)
        frames.append(
            pd.DataFrame(
                {
                    "person_index": person_index,
                    "platform": platform,
                    "visitor_id": visitor,
                    "day": rng.choice(days, size=m, p=day_p),
                    "second": rng.integers(7 * 3600, 23 * 3600, m),
                    "source_index": rng.choice(
                        len(TRAFFIC_SOURCES), size=m, p=weights / weights.sum()
                    ),
                    "is_bot": False,
                }
            )
        )
    n_bots = max(2, n // 500)
    bot_sessions = rng.poisson(30, n_bots)
    bot_index = np.repeat(np.arange(n_bots), bot_sessions)
    frames.append(
        pd.DataFrame(
            {
                "person_index": -1,
                "platform": "web",
                "visitor_id": np.char.add("bot-", np.char.zfill(bot_index.astype(str), 4)),
                "day": rng.integers(0, days, len(bot_index)),
                "second": rng.integers(0, 23 * 3600, len(bot_index)),
                "source_index": 0,
                "is_bot": True,
            }
        )
    )
    sessions = pd.concat(frames, ignore_index=True)
    sessions["start_at"] = day_start(start) + (
        sessions["day"].to_numpy() * 86400 + sessions["second"].to_numpy()
    ).astype("timedelta64[s]")
    sessions = sessions.sort_values(["visitor_id", "start_at"], kind="stable").reset_index(
        drop=True
    )
    same_visitor = sessions["visitor_id"].eq(sessions["visitor_id"].shift())
    gap = (sessions["start_at"] - sessions["start_at"].shift()).dt.total_seconds()
    sessions = sessions[~(same_visitor & (gap < 3 * 3600))].reset_index(drop=True)
    sessions["session_number"] = np.arange(len(sessions))
    return sessions


def simulate_session_events(
    rng: np.random.Generator, sessions: pd.DataFrame, people: pd.DataFrame, products: pd.DataFrame
) -> pd.DataFrame:
    """Events of every session, a closed funnel, logins and purchases."""
    m = len(sessions)
    is_bot = sessions["is_bot"].to_numpy()
    person_index = sessions["person_index"].to_numpy()
    has_account = np.where(
        person_index >= 0, people["has_account"].to_numpy()[np.maximum(person_index, 0)], False
    )
    page_views = np.where(is_bot, 15, 1 + rng.poisson(1.6, m))
    view_item = ~is_bot & (rng.random(m) < 0.55)
    add_to_cart = view_item & (rng.random(m) < 0.16)
    checkout = add_to_cart & (rng.random(m) < 0.6)
    purchase_rate = np.where(sessions["platform"].to_numpy() == "app", 0.45, 0.62)
    purchase = checkout & has_account & (rng.random(m) < purchase_rate)
    # an account holder logs in on the first visit of every browser or device (and at
    # checkout), so that each cookie and device is linked to the account at least once
    first_visit = ~sessions["visitor_id"].duplicated().to_numpy()
    login = has_account & ~is_bot & (purchase | first_visit | (rng.random(m) < 0.3))
    skus = products["sku"].to_numpy()
    viewed_sku = skus[rng.choice(len(skus), size=m, p=products["popularity"].to_numpy())]
    blocks = [
        (np.repeat(np.arange(m), page_views), None, "page_view"),
        (np.flatnonzero(login), 0.5, "login"),
        (np.flatnonzero(view_item), 100.0, "view_item"),
        (np.flatnonzero(add_to_cart), 101.0, "add_to_cart"),
        (np.flatnonzero(checkout), 102.0, "begin_checkout"),
        (np.flatnonzero(purchase), 103.0, "purchase"),
    ]
    parts = []
    for index, position, name in blocks:
        if position is None:
            within = np.arange(len(index)) - np.repeat(
                np.cumsum(page_views) - page_views, page_views
            )
            pos = within.astype(float)
        else:
            pos = np.full(len(index), position)
        parts.append(pd.DataFrame({"session_number": index, "position": pos, "event_name": name}))
    events = (
        pd.concat(parts, ignore_index=True)
        .sort_values(["session_number", "position"], kind="stable")
        .reset_index(drop=True)
    )
    first = ~events["session_number"].eq(events["session_number"].shift())
    gaps = np.where(first, 0, rng.integers(4, 300, len(events)))
    events["offset_seconds"] = pd.Series(gaps).groupby(events["session_number"]).cumsum().to_numpy()
    session_index = events["session_number"].to_numpy()
    events["at"] = sessions["start_at"].to_numpy()[session_index] + events[
        "offset_seconds"
    ].to_numpy().astype("timedelta64[s]")
    events["is_first"] = first.to_numpy()
    events["logged_in"] = login[session_index] & (events["position"].to_numpy() >= 0.5)
    item_event = (
        events["event_name"]
        .isin(["view_item", "add_to_cart", "begin_checkout", "purchase"])
        .to_numpy()
    )
    events["sku"] = np.where(item_event, viewed_sku[session_index], None)
    events["engagement_msec"] = np.where(
        page_views[session_index] == 1,
        rng.integers(500, 9000, len(events)),
        rng.integers(3000, 60000, len(events)),
    )
    sessions["has_purchase"] = purchase
    sessions["is_engaged"] = ~is_bot & (
        (page_views + view_item + add_to_cart + checkout + purchase + login >= 2) | purchase
    )
    sessions["viewed_sku"] = viewed_sku
    sessions["has_login"] = login
    return events


def _lines_for_orders(
    rng: np.random.Generator,
    order_ids: np.ndarray,
    first_sku: np.ndarray | None,
    products: pd.DataFrame,
    extra_mean: float,
) -> pd.DataFrame:
    n = len(order_ids)
    n_lines = 1 + rng.poisson(extra_mean, n)
    order_index = np.repeat(np.arange(n), n_lines)
    line_number = np.arange(len(order_index)) - np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    skus = products["sku"].to_numpy()[
        rng.choice(len(products), size=len(order_index), p=products["popularity"].to_numpy())
    ]
    if first_sku is not None:
        skus = np.where(line_number == 0, first_sku[order_index], skus)
    return pd.DataFrame(
        {
            "order_index": order_index,
            "order_id": order_ids[order_index],
            "line_number": line_number + 1,
            "sku": skus,
            "quantity": np.where(rng.random(len(order_index)) < 0.88, 1, 2),
        }
    )


def price_lines(
    rng: np.random.Generator,
    lines: pd.DataFrame,
    currency: np.ndarray,
    at: np.ndarray,
    reference: Reference,
    discount_share: float,
) -> pd.DataFrame:
    """Unit prices and discounts in the order currency (what the extract shows)."""
    list_eur = (
        reference.products.set_index("sku")["list_price_eur"].reindex(lines["sku"]).to_numpy()
    )
    rate = reference.eur_per_unit(currency, at)
    lines["currency"] = currency
    lines["unit_price"] = np.round(list_eur / rate, 2)
    discounted = rng.random(len(lines)) < discount_share
    lines["discount_amount"] = np.where(
        discounted, np.round(lines["unit_price"] * lines["quantity"] * 0.1, 2), 0.0
    )
    return lines


def order_lines_for(
    rng: np.random.Generator,
    orders: pd.DataFrame,
    first_sku: np.ndarray | None,
    reference: Reference,
    extra_lines_mean: float,
    discount_share: float,
) -> pd.DataFrame:
    """Lines of `orders` (order_id, currency, ordered_at), priced in the order currency."""
    lines = _lines_for_orders(
        rng, orders["order_id"].to_numpy(), first_sku, reference.products, extra_lines_mean
    )
    lines = price_lines(
        rng,
        lines,
        orders["currency"].to_numpy()[lines["order_index"]],
        orders["ordered_at"].to_numpy()[lines["order_index"]],
        reference,
        discount_share,
    )
    lines["order_line_id"] = np.char.add(
        np.char.add(lines["order_id"].to_numpy().astype(str), "-"),
        lines["line_number"].astype(str).to_numpy(),
    )
    return lines


def simulate_store_footfall(
    rng: np.random.Generator, reference: Reference, days: int, start: dt.date, scale: float
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Door-counter visitors per store and local hour, and the transactions they make (30-35%)."""
    stores = reference.stores["store_id"].to_numpy()
    season = _seasonality(days, start)
    base = 55.0 * scale
    visitors = rng.poisson(base * np.outer(np.ones(len(stores)), season))  # store x day
    converting = rng.binomial(visitors, rng.uniform(0.30, 0.35, visitors.shape))
    open_hours = np.arange(9, 20)
    rows, tx = [], []
    for s, store_id in enumerate(stores):
        hours = rng.multinomial(
            visitors[s], np.ones(len(open_hours)) / len(open_hours)
        )  # day x hour
        dates = np.datetime64(start.isoformat(), "D") + np.arange(days)
        rows.append(
            pd.DataFrame(
                {
                    "store_id": store_id,
                    "local_date": np.repeat(dates, len(open_hours)),
                    "hour": np.tile(open_hours, days),
                    "visitors_in": hours.reshape(-1),
                }
            )
        )
        count = converting[s]
        tx_day = np.repeat(np.arange(days), count)
        tx.append(
            pd.DataFrame(
                {
                    "store_id": store_id,
                    "local_at": dates[tx_day].astype("datetime64[s]")
                    + (rng.integers(9 * 3600, 20 * 3600, len(tx_day))).astype("timedelta64[s]"),
                }
            )
        )
    footfall = pd.concat(rows, ignore_index=True)
    transactions = pd.concat(tx, ignore_index=True)
    return footfall, transactions


def _to_utc(local_at: np.ndarray, time_zones: np.ndarray) -> np.ndarray:
    out = np.empty(len(local_at), dtype="datetime64[s]")
    for tz in np.unique(time_zones):
        mask = time_zones == tz
        stamps = pd.DatetimeIndex(local_at[mask]).tz_localize(
            tz, nonexistent="shift_forward", ambiguous=False
        )
        out[mask] = stamps.tz_convert("UTC").tz_localize(None).to_numpy().astype("datetime64[s]")
    return out


def assign_people(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    return rng.choice(len(weights), size=size, p=weights / weights.sum())


def simulate(scale: float, days: int, start: dt.date, seed: int) -> World:
    """The clean world; every raw table in `World.tables`, keyed 'system.table'."""
    root = np.random.SeedSequence(seed)
    rngs = [np.random.default_rng(s) for s in root.spawn(16)]
    reference = load_reference_for(rngs[0])
    n_people = max(60, int(round(PEOPLE_PER_SCALE * scale)))
    people = simulate_people(rngs[1], n_people)
    sessions = simulate_sessions(rngs[2], people, days, start)
    events = simulate_session_events(rngs[3], sessions, people, reference.products)
    t0 = day_start(start)
    end = t0 + np.timedelta64(days * 86400, "s")
    rng = rngs[4]

    # ---- web and app orders, from purchase sessions
    purchase_sessions = sessions[sessions["has_purchase"]].reset_index(drop=True)
    purchase_events = events[events["event_name"] == "purchase"].reset_index(drop=True)
    online = pd.DataFrame(
        {
            "person_index": purchase_sessions["person_index"].to_numpy(),
            "order_channel": purchase_sessions["platform"].to_numpy(),
            "ordered_at": purchase_events["at"].to_numpy(),
            "first_sku": purchase_sessions["viewed_sku"].to_numpy(),
            "session_number": purchase_sessions["session_number"].to_numpy(),
        }
    )
    # ---- phone orders
    phone_people = np.flatnonzero(people["has_account"].to_numpy())
    phone_counts = rng.poisson(0.25 * days / 365.0, len(phone_people))
    phone_person = np.repeat(phone_people, phone_counts)
    phone = pd.DataFrame(
        {
            "person_index": phone_person,
            "order_channel": "phone",
            "ordered_at": t0
            + rng.integers(0, days * 86400, len(phone_person)).astype("timedelta64[s]"),
            "first_sku": None,
            "session_number": -1,
        }
    )
    shop_orders = (
        pd.concat([online, phone], ignore_index=True)
        .sort_values("ordered_at", kind="stable")
        .reset_index(drop=True)
    )
    shop_orders["order_id"] = _ids("SO", np.arange(1, len(shop_orders) + 1), 8)
    shop_orders["currency"] = people["currency"].to_numpy()[shop_orders["person_index"]]
    method_draw = rng.random(len(shop_orders))
    shop_orders["fulfilment_method"] = np.where(
        method_draw < 0.72, "ship_to_home", np.where(method_draw < 0.88, "bopis", "ship_from_store")
    )
    shop_orders["fulfilment_location_id"] = np.where(
        shop_orders["fulfilment_method"] == "ship_to_home",
        WAREHOUSE_ID,
        people["home_store"].to_numpy()[shop_orders["person_index"]],
    )
    shop_orders["is_cancelled"] = rng.random(len(shop_orders)) < 0.012
    shop_orders["cancel_reason"] = np.where(shop_orders["is_cancelled"], "out_of_stock", None)
    first_sku = shop_orders["first_sku"].to_numpy()
    first_sku = np.where(
        pd.isna(first_sku),
        reference.products["sku"].to_numpy()[
            rng.choice(
                len(reference.products),
                len(first_sku),
                p=reference.products["popularity"].to_numpy(),
            )
        ],
        first_sku,
    )
    shop_lines = order_lines_for(rng, shop_orders, first_sku, reference, 0.5, 0.3)

    # ---- store transactions
    rng = rngs[5]
    footfall, store_tx = simulate_store_footfall(rng, reference, days, start, scale)
    stores = reference.stores.set_index("store_id")
    store_tx["time_zone"] = stores["time_zone"].reindex(store_tx["store_id"]).to_numpy()
    store_tx["currency"] = stores["currency_code"].reindex(store_tx["store_id"]).to_numpy()
    store_tx["ordered_at"] = _to_utc(
        store_tx["local_at"].to_numpy(), store_tx["time_zone"].to_numpy()
    )
    store_tx = store_tx.sort_values(["ordered_at", "store_id"], kind="stable").reset_index(
        drop=True
    )
    store_tx["order_id"] = _ids("T", np.arange(1, len(store_tx) + 1), 9)
    known = rng.random(len(store_tx)) < 0.6
    home = people["home_store"].to_numpy()
    weight = people["activity"].to_numpy() * np.where(
        people["is_omnichannel_prone"].to_numpy(), 2.5, 1.0
    )
    person_for_tx = np.full(len(store_tx), -1)
    for store_id in stores.index:
        mask = known & (store_tx["store_id"].to_numpy() == store_id)
        candidates = np.flatnonzero(home == store_id)
        if len(candidates) and mask.any():
            person_for_tx[mask] = candidates[
                assign_people(rng, weight[candidates], int(mask.sum()))
            ]
    store_tx["person_index"] = person_for_tx
    store_tx["order_channel"] = "store"
    store_tx["fulfilment_method"] = "carry_out"
    store_tx["fulfilment_location_id"] = store_tx["store_id"]
    store_tx["is_cancelled"] = False
    store_lines = order_lines_for(rng, store_tx, None, reference, 0.7, 0.2)

    # ---- marketplace orders
    rng = rngs[6]
    buyers = np.flatnonzero(people["is_marketplace_buyer"].to_numpy())
    mp_counts = rng.poisson(2.5 * people["activity"].to_numpy()[buyers] * days / 365.0)
    mp_person = np.repeat(buyers, mp_counts)
    mp = pd.DataFrame(
        {
            "person_index": mp_person,
            "ordered_at": t0
            + rng.integers(0, days * 86400, len(mp_person)).astype("timedelta64[s]"),
        }
    )
    mp = mp.sort_values("ordered_at", kind="stable").reset_index(drop=True)
    mp["order_id"] = _ids("MP", np.arange(1, len(mp) + 1), 8)
    mp["marketplace"] = np.where(rng.random(len(mp)) < 0.65, "amazon", "zalando")
    mp["currency"] = people["currency"].to_numpy()[mp["person_index"]]
    mp["order_channel"] = "marketplace"
    mp["fulfilment_method"] = "marketplace_fulfilled"
    mp["fulfilment_location_id"] = WAREHOUSE_ID
    mp["is_cancelled"] = rng.random(len(mp)) < 0.02
    mp_lines = order_lines_for(rng, mp, None, reference, 0.3, 0.1)

    orders = pd.concat(
        [
            shop_orders[
                [
                    "order_id",
                    "person_index",
                    "order_channel",
                    "ordered_at",
                    "currency",
                    "fulfilment_method",
                    "fulfilment_location_id",
                    "is_cancelled",
                ]
            ].assign(source_system="ecommerce"),
            store_tx[
                [
                    "order_id",
                    "person_index",
                    "order_channel",
                    "ordered_at",
                    "currency",
                    "fulfilment_method",
                    "fulfilment_location_id",
                    "is_cancelled",
                    "store_id",
                ]
            ].assign(source_system="store_pos"),
            mp[
                [
                    "order_id",
                    "person_index",
                    "order_channel",
                    "ordered_at",
                    "currency",
                    "fulfilment_method",
                    "fulfilment_location_id",
                    "is_cancelled",
                ]
            ].assign(source_system="marketplace"),
        ],
        ignore_index=True,
    )
    lines = pd.concat(
        [
            shop_lines.drop(columns="order_index"),
            store_lines.drop(columns="order_index"),
            mp_lines.drop(columns="order_index"),
        ],
        ignore_index=True,
    )
    world = World(start, days, people, pd.DataFrame(), sessions, events, orders, lines, footfall)
    world.tables["_reference"] = reference  # type: ignore[assignment]
    world.tables["_shop_orders"] = shop_orders
    world.tables["_store_tx"] = store_tx
    world.tables["_mp"] = mp
    world.tables["_end"] = end  # type: ignore[assignment]
    world.tables["_rngs"] = rngs  # type: ignore[assignment]
    return world


def load_reference_for(rng: np.random.Generator) -> Reference:
    from omnichannel.generate.reference import load_reference

    return load_reference(rng)
