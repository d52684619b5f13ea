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
import pyarrow as pa
import pyarrow.compute as pc

from omnichannel.generate import text
from omnichannel.generate.reference import Reference
from omnichannel.generate.text import as_numpy, join

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
EMAIL_SOURCE, SMS_SOURCE = 4, 5
# Email and SMS sessions are not drawn: they are the clicks of real sends (simulate_messaging)
WEB_SOURCE_WEIGHTS = np.array([0.33, 0.26, 0.13, 0.09, 0.0, 0.0, 0.07, 0.05, 0.05])
APP_SOURCE_WEIGHTS = np.array([0.85, 0.0, 0.0, 0.09, 0.0, 0.0, 0.0, 0.0, 0.06])
SESSION_GAP_SECONDS = 3 * 3600
# visitor kinds, in the order their ids sort: app device 'D…', bot 'bot-…', cookie 'ck…'
VISITOR_DEVICE, VISITOR_BOT, VISITOR_COOKIE = 0, 1, 2
EVENT_NAMES = np.array(
    [
        "page_view",
        "login",
        "view_item",
        "add_to_cart",
        "begin_checkout",
        "purchase",
        "view_promotion",
        "select_promotion",
    ],
    dtype=object,
)
PLATFORMS = pa.array(["web", "app"])  # by is_app
(
    PAGE_VIEW,
    LOGIN,
    VIEW_ITEM,
    ADD_TO_CART,
    BEGIN_CHECKOUT,
    PURCHASE,
    VIEW_PROMOTION,
    SELECT_PROMOTION,
) = range(8)
# On-site promotions (GA4 promotion parameters): promotion_id, promotion_name, creative_name,
# creative_slot, and the probability that a human visitor who sees it clicks it
PROMOTIONS = [
    ("PROMO-WELCOME10", "Welcome 10% off", "hero_welcome_v2", "home_hero", 0.045),
    ("PROMO-FREESHIP", "Free shipping over 50", "banner_freeship", "home_top", 0.025),
    ("PROMO-LOYALTY2X", "Double loyalty points", "tile_loyalty", "home_tile_1", 0.03),
    ("PROMO-SEASON", "Seasonal sale", "hero_season", "home_hero", 0.06),
]
PROMOTION_SHOWN_RATE = 0.6


def _ids(prefix: str, numbers: np.ndarray, width: int = 8) -> np.ndarray:
    return as_numpy(text.ids(prefix, np.asarray(numbers), width))


def _seasonality(days: int, start: dt.date) -> np.ndarray:
    """Relative activity per day: weekly rhythm, a December peak, a summer lull."""
    dates = pd.date_range(start, periods=days, freq="D")
    weekday = np.array([0.9, 0.9, 0.95, 1.0, 1.1, 1.35, 0.8])[dates.day_of_week]
    day_of_year = dates.day_of_year.to_numpy()
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
    # how much a person shops and browses; frequent visitors are the ones who open an account
    activity = rng.lognormal(0.0, 0.6, n)
    has_account = rng.random(n) < 1.0 - np.exp(-0.8 * activity)
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
            "activity": activity,
            "accepts_email": rng.random(n) < 0.6,
            "accepts_sms": rng.random(n) < 0.3,
        }
    )


def iso_utc(seconds: np.ndarray):
    """datetime64[s] → 'YYYY-MM-DDTHH:MM:SSZ' text, as the extracts carry it."""
    return text.column(text.iso_utc(np.asarray(seconds)))


def simulate_messaging(
    rng: np.random.Generator, people: pd.DataFrame, days: int, start: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Newsletter and SMS sends, and what the recipients do with them.

    A weekly newsletter goes to everyone who gave an email and accepts marketing
    (a few skipped weeks aside), an SMS offer monthly to about half of those who accept SMS
    and whose number the retailer holds (account, loyalty card or CRM contact).
    Recipients open (email), click (about 4.5% of newsletters, 8% of SMS) and
    unsubscribe; a click opens a web session (see `simulate_sessions`).
    """
    t0 = day_start(start)
    reachable = np.flatnonzero(
        people["email_known"].to_numpy() & people["accepts_email"].to_numpy()
    )
    # a quarter of the subscribers sign up during the period: double opt-in, so a
    # confirmation email goes out at once and only those who click it get the newsletter
    joins = rng.random(len(reachable)) < 0.25
    joined_day = np.where(joins, rng.integers(0, days, len(reachable)), -1)
    confirmed = ~joins | (rng.random(len(reachable)) < 0.9)
    weeks = np.arange(0, days, 7)
    week, who = np.nonzero(
        (rng.random((len(weeks), len(reachable))) < 0.9)
        & (weeks[:, None] > joined_day[None, :])
        & confirmed[None, :]
    )
    optin = np.flatnonzero(joins)
    optin_at = t0 + (
        joined_day[optin] * 86400 + rng.integers(8 * 3600, 22 * 3600, len(optin))
    ).astype("timedelta64[s]")
    # an SMS needs a number the retailer holds: from a shop account, a loyalty card or the CRM
    phone_known = (
        people["has_account"].to_numpy()
        | people["is_loyalty_member"].to_numpy()
        | people["is_crm_contact"].to_numpy()
    )
    sms_people = np.flatnonzero(people["accepts_sms"].to_numpy() & phone_known)
    months = np.arange(3, days, 30)
    month, sms_who = np.nonzero(rng.random((len(months), len(sms_people))) < 0.5)
    kind = np.repeat([0, 1, 2], [len(optin), len(who), len(sms_who)])
    sends = pd.DataFrame(
        {
            "person": np.concatenate([reachable[optin], reachable[who], sms_people[sms_who]]),
            "campaign_id": text.column(
                pa.array(["CMP-EMAIL-OPTIN", "CMP-EMAIL-NEWSLETTER", "CMP-SMS-OFFERS"]).take(
                    pa.array(kind)
                )
            ),
            "channel": text.column(pa.array(["email", "email", "sms"]).take(pa.array(kind))),
            "at": np.concatenate(
                [
                    optin_at,
                    t0 + (weeks[week] * 86400 + 9 * 3600).astype("timedelta64[s]"),
                    t0 + (months[month] * 86400 + 11 * 3600).astype("timedelta64[s]"),
                ]
            ),
        }
    )
    is_optin = np.zeros(len(sends), dtype=bool)
    is_optin[: len(optin)] = True
    n = len(sends)
    is_email = kind < 2
    opened = is_email & (rng.random(n) < 0.30)
    clicked = (opened | ~is_email) & (rng.random(n) < np.where(is_email, 0.15, 0.08))
    # the confirmation: opened by everyone who signed up, clicked by those who confirm
    opened[: len(optin)] = True
    clicked[: len(optin)] = confirmed[optin]
    unsub = opened & ~is_optin & (rng.random(n) < 0.01)
    sent_at = sends["at"].to_numpy()
    click_delay = np.where(is_optin, rng.integers(60, 1800, n), rng.integers(20 * 60, 6 * 3600, n))
    parts = []
    for mask, kind, delay in (
        (opened, "open", np.full(n, 600)),
        (clicked, "click", click_delay),
        (unsub, "unsubscribe", click_delay + 120),
    ):
        index = np.flatnonzero(mask)
        parts.append(
            pd.DataFrame(
                {
                    "message_number": index,
                    "type": kind,
                    "at": sent_at[index] + delay[index].astype("timedelta64[s]"),
                }
            )
        )
    engagements = pd.concat(parts, ignore_index=True)
    end = t0 + np.timedelta64(days * 86400, "s")
    engagements = engagements[engagements["at"].to_numpy() < end]
    engagements = engagements.sort_values(
        ["at", "message_number", "type"], kind="stable"
    ).reset_index(drop=True)
    return sends, engagements


def _visitor_key(kind: np.ndarray, number: np.ndarray) -> np.ndarray:
    return kind.astype(np.int64) * 10_000_000 + number.astype(np.int64)


def _by_visitor_and_second(key: np.ndarray, second: np.ndarray) -> np.ndarray:
    """np.lexsort((second, key))'s permutation (ties in row order) from one stable sort of
    a single int64 key: visitor keys stay below 2^31 and |seconds| below 2^31."""
    return np.argsort(key.astype(np.int64) * (1 << 32) + second.astype(np.int64), kind="stable")


def _too_close_to_previous(key: np.ndarray, seconds: np.ndarray) -> np.ndarray:
    """For rows sorted by (key, seconds): True where the row starts < 3 h after the row before."""
    close = np.zeros(len(key), dtype=bool)
    close[1:] = (key[1:] == key[:-1]) & (seconds[1:] - seconds[:-1] < SESSION_GAP_SECONDS)
    return close


def simulate_sessions(
    rng: np.random.Generator,
    people: pd.DataFrame,
    days: int,
    start: dt.date,
    clicks: pd.DataFrame,
) -> pd.DataFrame:
    """True web and app sessions: at least 3 hours apart per visitor, one traffic source each.

    A visitor is a browser cookie (1-3 per person), an app device, or a bot. Email
    and SMS sessions are the recipients' clicks (`clicks`: person, at, source_index,
    message_number), landing in one of the person's browsers; every other session
    draws its source from the platform's mix.
    """
    n = len(people)
    season = _seasonality(days, start)
    day_p = season / season.sum()
    activity = people["activity"].to_numpy()
    web_counts = rng.poisson(16.0 * activity * days / 365.0)
    app_counts = rng.poisson(14.0 * activity * days / 365.0) * people["has_app"].to_numpy()
    # browsers per person (1-3): the more someone browses, the more devices they use
    n_cookies = np.minimum(1 + rng.poisson(0.5 * activity), 3)
    columns: dict[str, list[np.ndarray]] = {
        name: []
        for name in ("person_index", "is_app", "kind", "number", "second", "source", "message")
    }

    def add(person, is_app, kind, number, second, source, message) -> None:
        for name, values in zip(
            columns, (person, is_app, kind, number, second, source, message), strict=True
        ):
            columns[name].append(np.broadcast_to(values, len(person)).astype(np.int64))

    for is_app, counts, weights in (
        (0, web_counts, WEB_SOURCE_WEIGHTS),
        (1, app_counts, APP_SOURCE_WEIGHTS),
    ):
        person = np.repeat(np.arange(n), counts)
        m = len(person)
        if is_app:
            kind, number = VISITOR_DEVICE, person
        else:
            kind, number = VISITOR_COOKIE, person * 4 + rng.integers(0, 3, m) % n_cookies[person]
        second = rng.choice(days, size=m, p=day_p) * 86400 + rng.integers(7 * 3600, 23 * 3600, m)
        source = rng.choice(len(TRAFFIC_SOURCES), size=m, p=weights / weights.sum())
        add(person, is_app, kind, number, second, source, -1)
    n_bots = max(2, n // 500)
    bot_index = np.repeat(np.arange(n_bots), rng.poisson(30, n_bots))
    second = rng.integers(0, days, len(bot_index)) * 86400 + rng.integers(
        0, 23 * 3600, len(bot_index)
    )
    add(np.full(len(bot_index), -1), 0, VISITOR_BOT, bot_index, second, 0, -1)
    regular = {name: np.concatenate(values) for name, values in columns.items()}
    key = _visitor_key(regular["kind"], regular["number"])
    order = _by_visitor_and_second(key, regular["second"])
    regular = {name: values[order] for name, values in regular.items()}
    keep = ~_too_close_to_previous(key[order], regular["second"])
    regular = {name: values[keep] for name, values in regular.items()}

    # email and SMS clicks land in one of the person's browsers; they win over a
    # regular session of that browser less than 3 hours away
    click_person = clicks["person_index"].to_numpy()
    click_second = (
        (clicks["at"].to_numpy() - day_start(start)).astype("timedelta64[s]").astype(np.int64)
    )
    click_number = click_person * 4 + rng.integers(0, 3, len(clicks)) % n_cookies[click_person]
    click_key = _visitor_key(np.full(len(clicks), VISITOR_COOKIE), click_number)
    order = _by_visitor_and_second(click_key, click_second)
    keep = order[~_too_close_to_previous(click_key[order], click_second[order])]
    landed = {
        "person_index": click_person[keep],
        "is_app": np.zeros(len(keep), dtype=np.int64),
        "kind": np.full(len(keep), VISITOR_COOKIE, dtype=np.int64),
        "number": click_number[keep],
        "second": click_second[keep],
        "source": clicks["source_index"].to_numpy()[keep].astype(np.int64),
        "message": clicks["message_number"].to_numpy()[keep].astype(np.int64),
    }
    stamp = _visitor_key(landed["kind"], landed["number"]) * 1_000_000_000 + landed["second"]
    regular_stamp = (
        _visitor_key(regular["kind"], regular["number"]) * 1_000_000_000 + regular["second"]
    )
    bounded = np.concatenate([[-(2**62)], stamp, [2**62]])
    position = np.searchsorted(bounded, regular_stamp)
    after, before = bounded[position], bounded[position - 1]
    clear = (after - regular_stamp >= SESSION_GAP_SECONDS) & (
        regular_stamp - before >= SESSION_GAP_SECONDS
    )
    regular = {name: values[clear] for name, values in regular.items()}
    merged = {name: np.concatenate([regular[name], landed[name]]) for name in regular}
    key = _visitor_key(merged["kind"], merged["number"])
    order = _by_visitor_and_second(key, merged["second"])
    merged = {name: values[order] for name, values in merged.items()}
    key = key[order]
    m = len(key)
    first_of_visitor = np.ones(m, dtype=bool)
    first_of_visitor[1:] = key[1:] != key[:-1]
    return pd.DataFrame(
        {
            "session_number": np.arange(m),
            "person_index": merged["person_index"],
            "platform": text.column(PLATFORMS.take(pa.array(merged["is_app"]))),
            "visitor_kind": merged["kind"].astype(np.int8),
            "visitor_number": merged["number"],
            "start_at": day_start(start) + merged["second"].astype("timedelta64[s]"),
            "source_index": merged["source"],
            "message_number": merged["message"],
            "is_bot": merged["kind"] == VISITOR_BOT,
            "is_first_of_visitor": first_of_visitor,
        }
    )


def visitor_ids(sessions: pd.DataFrame, people: pd.DataFrame) -> pa.Array:
    """The visitor id each session's events carry: cookie, app device id, or bot cookie."""
    kind = sessions["visitor_kind"].to_numpy()
    number = sessions["visitor_number"].to_numpy()
    person = np.where(kind == VISITOR_BOT, 0, np.where(kind == VISITOR_COOKIE, number // 4, number))
    person_id = text.ids("P", person + 1, 7)
    cookie = text.join("ck", person_id, "-", pc.cast(pa.array(number % 4), pa.string()))
    device = text.ids("D", person + 1, 7)
    bot = text.ids("bot-", number, 4)
    return pc.case_when(
        pc.make_struct(pa.array(kind == VISITOR_COOKIE), pa.array(kind == VISITOR_DEVICE)),
        cookie,
        device,
        bot,
    )


def simulate_session_events(
    rng: np.random.Generator, sessions: pd.DataFrame, people: pd.DataFrame, products: pd.DataFrame
) -> pd.DataFrame:
    """Events of every session in order: a closed funnel, logins and purchases.

    One row per event with numeric columns only (the text is rendered per day
    partition when the extracts are written): session_number, code (index into
    EVENT_NAMES), at, is_first, logged_in, sku (product index, -1 for none) and
    engagement_msec.
    """
    m = len(sessions)
    is_bot = sessions["is_bot"].to_numpy()
    person_index = sessions["person_index"].to_numpy()
    has_account = np.where(
        person_index >= 0, people["has_account"].to_numpy()[np.maximum(person_index, 0)], False
    )
    is_app = (sessions["platform"] == "app").to_numpy()
    page_views = np.where(is_bot, 15, 1 + rng.poisson(1.6, m))
    view_item = ~is_bot & (rng.random(m) < 0.55)
    add_to_cart = view_item & (rng.random(m) < 0.16)
    checkout = add_to_cart & (rng.random(m) < 0.6)
    # account holders finish more checkouts; guests buy on the web only (the app needs an account)
    purchase_rate = np.where(is_app, 0.28, np.where(has_account, 0.36, 0.30))
    purchase = checkout & (has_account | ~is_app) & (rng.random(m) < purchase_rate)
    # an account holder logs in on the first visit of every browser or device (and at
    # checkout), so that each cookie and device is linked to the account at least once
    first_visit = sessions["is_first_of_visitor"].to_numpy()
    login = has_account & ~is_bot & ((purchase & has_account) | first_visit | (rng.random(m) < 0.3))
    viewed_sku = rng.choice(len(products), size=m, p=products["popularity"].to_numpy())
    # per session: page_view, [login], more page_views, [view_item, add_to_cart, begin_checkout, purchase]
    items = view_item.astype(np.int64) + add_to_cart + checkout + purchase
    per_session = page_views + login + items
    session = np.repeat(np.arange(m), per_session)
    starts = np.cumsum(per_session) - per_session
    within = np.arange(len(session)) - starts[session]
    logged = login[session].astype(np.int64)
    views = page_views[session]
    code = np.where(
        within == 0,
        PAGE_VIEW,
        np.where(
            (logged == 1) & (within == 1),
            LOGIN,
            np.where(within < views + logged, PAGE_VIEW, VIEW_ITEM + within - views - logged),
        ),
    ).astype(np.int8)
    gaps = np.where(within == 0, 0, rng.integers(4, 300, len(session)))
    running = np.cumsum(gaps)
    offset = running - running[starts][session]
    is_item = code >= VIEW_ITEM
    events = pd.DataFrame(
        {
            "session_number": session,
            "code": code,
            "at": sessions["start_at"].to_numpy()[session] + offset.astype("timedelta64[s]"),
            "is_first": within == 0,
            "logged_in": login[session] & (within >= 1),
            "sku": np.where(is_item, viewed_sku[session], -1).astype(np.int16),
            "engagement_msec": np.where(
                views == 1,
                rng.integers(500, 9000, len(session)),
                rng.integers(3000, 60000, len(session)),
            ),
        }
    )
    sessions["has_purchase"] = purchase
    sessions["viewed_sku"] = products["sku"].to_numpy()[viewed_sku]
    sessions["has_login"] = login
    return events


def add_promotion_events(
    rng: np.random.Generator, sessions: pd.DataFrame, events: pd.DataFrame
) -> pd.DataFrame:
    """On-site promotions: the landing page (or app start screen) of about 60% of sessions
    shows one promotion (GA4 `view_promotion`, 1 s after the landing); a human visitor
    clicks it (`select_promotion`, 2-3 s after the landing, before the next event) with the
    promotion's click probability. Bots render the banner but never click. The inserted
    events carry no engagement time, no login and no SKU, so sessions, engagement and the
    funnel are unchanged; `promotion` is the index into PROMOTIONS (-1 for other events).
    """
    m = len(sessions)
    is_bot = sessions["is_bot"].to_numpy()
    shown = rng.random(m) < PROMOTION_SHOWN_RATE
    promotion = rng.integers(0, len(PROMOTIONS), m)
    click_rate = np.array([p[4] for p in PROMOTIONS])[promotion]
    clicked = shown & ~is_bot & (rng.random(m) < click_rate)
    click_delay = rng.integers(2, 4, m)
    extra = shown.astype(np.int64) + clicked
    before = np.cumsum(extra) - extra  # events inserted in earlier sessions
    session = events["session_number"].to_numpy()
    is_first = events["is_first"].to_numpy()
    starts = np.flatnonzero(is_first)  # every session has its landing event, in session order
    n = len(events) + int(extra.sum())
    old_position = np.arange(len(events)) + before[session] + np.where(is_first, 0, extra[session])
    view_sessions = np.flatnonzero(shown)
    click_sessions = np.flatnonzero(clicked)
    view_position = starts[view_sessions] + before[view_sessions] + 1
    click_position = starts[click_sessions] + before[click_sessions] + 2
    landing_at = events["at"].to_numpy()[starts]
    out: dict[str, np.ndarray] = {}
    for name, view_value, click_value in (
        ("session_number", view_sessions, click_sessions),
        ("code", VIEW_PROMOTION, SELECT_PROMOTION),
        (
            "at",
            landing_at[view_sessions] + np.timedelta64(1, "s"),
            landing_at[click_sessions] + click_delay[click_sessions].astype("timedelta64[s]"),
        ),
        ("is_first", False, False),
        ("logged_in", False, False),
        ("sku", -1, -1),
        ("engagement_msec", 0, 0),
    ):
        column = events[name].to_numpy()
        merged = np.empty(n, dtype=column.dtype)
        merged[old_position] = column
        merged[view_position] = view_value
        merged[click_position] = click_value
        out[name] = merged
    promo = np.full(n, -1, dtype=np.int8)
    promo[view_position] = promotion[view_sessions]
    promo[click_position] = promotion[click_sessions]
    out["promotion"] = promo
    return pd.DataFrame(out)


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
    lines["order_line_id"] = as_numpy(
        join(
            text.strings(lines["order_id"]),
            "-",
            pc.cast(pa.array(lines["line_number"].to_numpy()), pa.string()),
        )
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
    sends, engagements = simulate_messaging(rngs[12], people, days, start)
    click = engagements[engagements["type"] == "click"]
    click_channel = sends["channel"].to_numpy()[click["message_number"].to_numpy()]
    clicks = pd.DataFrame(
        {
            "person_index": sends["person"].to_numpy()[click["message_number"].to_numpy()],
            "at": click["at"].to_numpy(),
            "source_index": np.where(click_channel == "email", EMAIL_SOURCE, SMS_SOURCE),
            "message_number": click["message_number"].to_numpy(),
        }
    )
    sessions = simulate_sessions(rngs[2], people, days, start, clicks)
    events = simulate_session_events(rngs[3], sessions, people, reference.products)
    events = add_promotion_events(rngs[14], sessions, events)
    t0 = day_start(start)
    end = t0 + np.timedelta64(days * 86400, "s")
    rng = rngs[4]

    # ---- web and app orders, from purchase sessions
    purchase_sessions = sessions[sessions["has_purchase"]].reset_index(drop=True)
    purchase_events = events[events["code"] == PURCHASE].reset_index(drop=True)
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
    world.tables["_sends"] = sends
    world.tables["_engagements"] = engagements
    return world


def load_reference_for(rng: np.random.Generator) -> Reference:
    from omnichannel.generate.reference import load_reference

    return load_reference(rng)
