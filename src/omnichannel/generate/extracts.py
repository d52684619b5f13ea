"""What each source system records of the clean world, column for column as schema.py says.

Every frame carries two helper columns the writer drops: `_date` (the day
partition) and `_person` (the true person index, -1 when nobody), from which
the truth tables are made.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from omnichannel.generate import text
from omnichannel.generate.event_extracts import (
    SITE,
    ad_clicks,
    message_ids,
    session_text,
    tracked_link,
)
from omnichannel.generate.world import (
    EMAIL_SOURCE,
    SMS_SOURCE,
    VISITOR_COOKIE,
    WAREHOUSE_ID,
    World,
    _ids,
    iso_utc,
)

CAMPAIGNS = pd.DataFrame(
    {
        "campaign_id": [
            "CMP-SEARCH-BRAND",
            "CMP-SEARCH-GENERIC",
            "CMP-SOCIAL-PROSPECT",
            "CMP-SOCIAL-RETARGET",
            "CMP-DISPLAY-SEASON",
            "CMP-EMAIL-NEWSLETTER",
            "CMP-SMS-OFFERS",
            "CMP-EMAIL-OPTIN",
        ],
        "campaign_name": [
            "Search brand",
            "Search generic",
            "Social prospecting",
            "Social retargeting",
            "Display seasonal",
            "Weekly newsletter",
            "SMS offers",
            "Newsletter sign-up confirmation",
        ],
        "platform": [
            "google_ads",
            "google_ads",
            "meta",
            "meta",
            "display_network",
            "email",
            "sms",
            "email",
        ],
        "campaign_type": [
            "search",
            "search",
            "social",
            "social",
            "display",
            "email",
            "sms",
            "email",
        ],
        "target_channel": ["brand", "web", "web", "app", "store", "web", "store", "web"],
    }
)
CPC_EUR = {"google_ads": 0.45, "meta": 0.35, "display_network": 0.25}
# what a marketplace writes as delivery phone when the buyer gave none (shared by many buyers)
MARKETPLACE_SERVICE_PHONE = {"amazon": "+49 800 000 1234", "zalando": "+49 30 2000 0000"}
LEAD_SOURCES = np.array(["newsletter", "store_event", "quote_request", "webinar", "partner"])
# Leads that sign up on a form of the website (a store event is booked on its event page);
# partner leads arrive in a list. The form's hidden field stores the GA client id of the
# session that submits it (the browser's `user_pseudo_id`); a share of the forms read the
# raw `_ga` cookie instead, whose value is the client id behind a `GA1.1.` prefix.
WEB_FORM_LEAD_SOURCES = ("newsletter", "store_event", "quote_request", "webinar")
RAW_GA_COOKIE_SHARE = 0.3
# How sign-ups reach the newsletter list: a form on the website (pop-up, footer), the
# opt-in box at checkout, a form at the till, an imported list. Only a web form knows the
# browser: its hidden field stores the GA client id, as on the lead forms.
SUBSCRIBER_SOURCES = np.array(["web_form", "checkout", "store", "import"])
SUBSCRIBER_SOURCE_WEIGHTS = np.array([0.6, 0.2, 0.15, 0.05])
# Subscribers from before the period signed up on average two years earlier. GA renews the
# `_ga` cookie on every visit, so a browser in use keeps its client id; the sign-up's browser
# is still in use with probability exp(-age / BROWSER_LIFETIME_DAYS) (devices replaced,
# cookies cleared), else its client id names a browser the period's events never show.
SUBSCRIBER_MEAN_AGE_DAYS = 730
BROWSER_LIFETIME_DAYS = 1095


def local_text(at: np.ndarray):
    """datetime64 → store wall-clock text 'YYYY-MM-DD HH:MM:SS' (empty-safe)."""
    return text.column(text.local_text(np.asarray(at)))


def _date(at: np.ndarray) -> np.ndarray:
    return np.asarray(at).astype("datetime64[D]")


def _email_as_typed(rng: np.random.Generator, email: np.ndarray) -> np.ndarray:
    """Emails as people type them: mostly clean, some upper-cased or padded."""
    draw = rng.random(len(email))
    typed = np.where(draw < 0.06, np.char.upper(email.astype(str)), email.astype(str))
    typed = np.where(
        (draw >= 0.06) & (draw < 0.10), np.char.add(np.char.add(" ", typed), " "), typed
    )
    typed = np.where((draw >= 0.10) & (draw < 0.14), np.char.capitalize(typed), typed)
    return typed


def _phone_as_typed(
    rng: np.random.Generator, people: pd.DataFrame, index: np.ndarray
) -> np.ndarray:
    """Phones as people and agents write them: E.164, 00-prefixed, national, bracketed, '+49 (0)'."""
    if len(index) == 0:
        return np.array([], dtype=object)
    e164 = people["phone_e164"].to_numpy()[index].astype(str)
    national = people["phone_national"].to_numpy()[index].astype(str)
    dial = people["dial_code"].to_numpy()[index].astype(str)
    rest = np.char.lstrip(national, "0")
    bracketed = np.array([f"({n[:3]}) {n[3:6]}-{n[6:]}" for n in national])
    formats = [
        e164,
        np.char.add(np.char.add(np.char.add("00", dial), " "), rest),
        national,
        bracketed,
        np.char.add(np.char.add(np.char.add("+", dial), " (0)"), rest),
    ]
    choice = rng.choice(len(formats), size=len(index), p=[0.4, 0.15, 0.25, 0.1, 0.1])
    # national formats (no country code) are only written for the home market's numbers
    domestic = people["country"].to_numpy()[index] == "DE"
    choice = np.where(~domestic & np.isin(choice, [2, 3]), 0, choice)
    return np.choose(choice, formats)


def build_extracts(world: World) -> dict[str, pd.DataFrame]:
    rngs = world.tables["_rngs"]
    people = world.people
    out: dict[str, pd.DataFrame] = {}
    rng = rngs[7]

    # ---------------------------------------------------------------- ads (web and app events
    # are rendered day by day when written: event_extracts)
    shop = world.tables["_shop_orders"]
    st = world.tables.get("_session_text")
    if st is None:
        st = session_text(world)
        world.tables["_session_text"] = st  # type: ignore[assignment]
    clicks = ad_clicks(world, st)
    out["ads.clicks"] = clicks.drop(columns="at")
    clicks["platform"] = (
        CAMPAIGNS.set_index("campaign_id")["platform"].reindex(clicks["campaign_id"]).to_numpy()
    )
    start = np.datetime64(world.start.isoformat(), "D")
    days = start + np.arange(world.days)
    campaigns = CAMPAIGNS.assign(start_date=start, end_date=days[-1])
    out["ads.campaigns"] = campaigns.assign(_date=start, _person=-1)
    paid = campaigns[campaigns["platform"].isin(list(CPC_EUR))]
    grid = pd.MultiIndex.from_product(
        [paid["campaign_id"], days], names=["campaign_id", "day"]
    ).to_frame(index=False)
    counted = (
        clicks.assign(day=_date(clicks["at"].to_numpy()))
        .groupby(["campaign_id", "day"])
        .size()
        .rename("clicks")
        .reset_index()
    )
    grid = grid.merge(counted, how="left", on=["campaign_id", "day"]).fillna({"clicks": 0})
    grid["clicks"] = grid["clicks"].astype(np.int64)
    grid["platform"] = (
        paid.set_index("campaign_id")["platform"].reindex(grid["campaign_id"]).to_numpy()
    )
    grid["impressions"] = grid["clicks"] * 40 + rng.integers(50, 400, len(grid))
    grid["spend"] = np.round(
        grid["clicks"] * np.vectorize(CPC_EUR.get)(grid["platform"]) + grid["impressions"] * 0.002,
        2,
    )
    out["ads.daily_performance"] = pd.DataFrame(
        {
            "performance_id": np.char.add(
                np.char.add(grid["campaign_id"].to_numpy().astype(str), "-"),
                np.datetime_as_string(grid["day"].to_numpy(), unit="D"),
            ),
            "campaign_id": grid["campaign_id"],
            "performance_date": grid["day"].to_numpy(),
            "impressions": grid["impressions"],
            "clicks": grid["clicks"],
            "spend": grid["spend"],
            "currency": "EUR",
            "_date": grid["day"].to_numpy(),
            "_person": -1,
        }
    )

    # ---------------------------------------------------------------- ecommerce
    pidx = np.arange(len(people))
    with_account = people["has_account"].to_numpy()
    created = np.datetime64(world.start.isoformat(), "s") - rng.integers(
        86400, 400 * 86400, len(people)
    ).astype("timedelta64[s]")
    out["ecommerce.customers"] = pd.DataFrame(
        {
            "customer_account_id": people["account_id"].to_numpy()[with_account],
            "email": _email_as_typed(rng, people["email"].to_numpy()[with_account]),
            "phone": _phone_as_typed(rng, people, pidx[with_account]),
            "first_name": people["first_name"].to_numpy()[with_account],
            "last_name": people["last_name"].to_numpy()[with_account],
            "created_ts": iso_utc(created[with_account]),
            "updated_ts": iso_utc(
                np.maximum(created[with_account], np.datetime64(world.start.isoformat(), "s"))
            ),
            "accepts_email_marketing": people["accepts_email"].to_numpy()[with_account],
            "accepts_sms_marketing": people["accepts_sms"].to_numpy()[with_account],
            "_date": np.maximum(_date(created[with_account]), start),
            "_person": pidx[with_account],
        }
    )
    sl = world.lines[text.isin(world.lines["order_id"], shop["order_id"])].copy()
    sub = (
        sl.assign(gross=sl["unit_price"] * sl["quantity"])
        .groupby("order_id")[["gross", "discount_amount"]]
        .sum()
    )
    shop_at = shop["ordered_at"].to_numpy().astype("datetime64[s]")
    shipping = np.where(shop["fulfilment_method"].to_numpy() == "ship_to_home", 4.95, 0.0)
    out["ecommerce.orders"] = pd.DataFrame(
        {
            "order_id": shop["order_id"],
            "customer_account_id": people["account_id"].to_numpy()[shop["person_index"]],
            "email": _email_as_typed(rng, people["email"].to_numpy()[shop["person_index"]]),
            "order_source": shop["order_channel"],
            "created_ts": iso_utc(shop_at),
            "currency": shop["currency"],
            "subtotal_amount": np.round(sub["gross"].reindex(shop["order_id"]).to_numpy(), 2),
            "discount_amount": np.round(
                sub["discount_amount"].reindex(shop["order_id"]).to_numpy(), 2
            ),
            "shipping_amount": shipping,
            "status": np.where(shop["is_cancelled"], "cancelled", "placed"),
            "cancel_reason": shop["cancel_reason"],
            "fulfilment_method": shop["fulfilment_method"],
            "fulfilment_location_id": shop["fulfilment_location_id"],
            "call_id": np.where(
                shop["order_channel"] == "phone",
                np.char.add("CALL-", shop["order_id"].to_numpy().astype(str)),
                None,
            ),
            "updated_ts": iso_utc(shop_at),
            "_date": _date(shop_at),
            "_person": shop["person_index"].to_numpy(),
        }
    )
    line_at = pd.Series(shop_at, index=shop["order_id"]).reindex(sl["order_id"]).to_numpy()
    out["ecommerce.order_lines"] = pd.DataFrame(
        {
            "order_line_id": sl["order_line_id"],
            "order_id": sl["order_id"],
            "sku": sl["sku"],
            "quantity": sl["quantity"].astype(np.int64),
            "unit_price": sl["unit_price"],
            "discount_amount": sl["discount_amount"],
            "_date": _date(line_at),
            "_person": -1,
        }
    )
    pay = shop[~shop["is_cancelled"]]
    pay_amount = np.round(
        sub["gross"].reindex(pay["order_id"]).to_numpy()
        - sub["discount_amount"].reindex(pay["order_id"]).to_numpy()
        + np.where(pay["fulfilment_method"].to_numpy() == "ship_to_home", 4.95, 0.0),
        2,
    )
    pay_at = pay["ordered_at"].to_numpy().astype("datetime64[s]")
    out["ecommerce.payments"] = pd.DataFrame(
        {
            "payment_id": np.char.add("PAY-", pay["order_id"].to_numpy().astype(str)),
            "order_id": pay["order_id"],
            "payment_method": np.array(["card", "paypal", "klarna"])[rng.integers(0, 3, len(pay))],
            "amount": pay_amount,
            "fee_amount": np.round(pay_amount * 0.014 + 0.25, 2),
            "currency": pay["currency"],
            "paid_ts": iso_utc(pay_at),
            "_date": _date(pay_at),
            "_person": -1,
        }
    )
    return out


def build_more_extracts(world: World, out: dict[str, pd.DataFrame]) -> None:
    """Stores, marketplace, returns, fulfilment, CRM, service, messaging, loyalty, inventory."""
    ref = world.tables["_reference"]
    rng = world.tables["_rngs"][8]
    people = world.people
    start = np.datetime64(world.start.isoformat(), "D")
    end_s = world.tables["_end"]
    lines = world.lines

    # ---------------------------------------------------------------- store POS
    tx = world.tables["_store_tx"]
    tx_person = tx["person_index"].to_numpy()
    known = tx_person >= 0
    safe = np.maximum(tx_person, 0)
    member = known & people["is_loyalty_member"].to_numpy()[safe]
    scanned = member & (rng.random(len(tx)) < 0.8)
    receipt = known & people["email_known"].to_numpy()[safe] & (rng.random(len(tx)) < 0.3)
    tl = lines[text.isin(lines["order_id"], tx["order_id"])]
    tsum = (
        tl.assign(net=tl["unit_price"] * tl["quantity"] - tl["discount_amount"])
        .groupby("order_id")[["net", "discount_amount"]]
        .sum()
    )
    local = tx["local_at"].to_numpy().astype("datetime64[s]")
    out["store_pos.transactions"] = pd.DataFrame(
        {
            "transaction_id": tx["order_id"],
            "store_id": tx["store_id"],
            "register_id": np.char.add(
                tx["store_id"].to_numpy().astype(str),
                np.char.add("-R", (rng.integers(1, 5, len(tx))).astype(str)),
            ),
            "transaction_local_ts": local_text(local),
            "loyalty_card_number": np.where(scanned, people["card_number"].to_numpy()[safe], None),
            "receipt_email": np.where(
                receipt, _email_as_typed(rng, people["email"].to_numpy()[safe]), None
            ),
            "card_fingerprint": np.where(
                known & (rng.random(len(tx)) < 0.7),
                np.char.add("fp_", people["person_id"].to_numpy()[safe].astype(str)),
                None,
            ),
            "currency": tx["currency"],
            "total_amount": np.round(tsum["net"].reindex(tx["order_id"]).to_numpy(), 2),
            "discount_amount": np.round(
                tsum["discount_amount"].reindex(tx["order_id"]).to_numpy(), 2
            ),
            "payment_method": np.array(["card", "cash", "mobile"])[rng.integers(0, 3, len(tx))],
            "_date": _date(local),
            "_person": np.where(scanned | receipt, tx_person, -1),
        }
    )
    tx_local_date = pd.Series(_date(local), index=tx["order_id"])
    out["store_pos.transaction_lines"] = pd.DataFrame(
        {
            "transaction_line_id": tl["order_line_id"],
            "transaction_id": tl["order_id"],
            "sku": tl["sku"],
            "quantity": tl["quantity"].astype(np.int64),
            "unit_price": tl["unit_price"],
            "discount_amount": tl["discount_amount"],
            "_date": tx_local_date.reindex(tl["order_id"]).to_numpy(),
            "_person": -1,
        }
    )
    ff = world.footfall
    hour_ts = ff["local_date"].to_numpy().astype("datetime64[s]") + (
        ff["hour"].to_numpy() * 3600
    ).astype("timedelta64[s]")
    out["store_footfall.hourly_counts"] = pd.DataFrame(
        {
            "counter_reading_id": np.char.add(
                np.char.add(ff["store_id"].to_numpy().astype(str), "-"),
                np.datetime_as_string(hour_ts, unit="h"),
            ),
            "store_id": ff["store_id"],
            "hour_local_ts": np.char.add(
                np.char.replace(np.datetime_as_string(hour_ts, unit="h"), "T", " "), ":00:00"
            ),
            "visitors_in": ff["visitors_in"].astype(np.int64),
            "_date": ff["local_date"].to_numpy().astype("datetime64[D]"),
            "_person": -1,
        }
    )

    # ---------------------------------------------------------------- returns (post and store)
    orders = world.orders
    returnable = orders[~orders["is_cancelled"]]
    first_lines = (
        lines[lines["line_number"] == 1]
        .drop(columns="currency")
        .merge(
            returnable[
                [
                    "order_id",
                    "order_channel",
                    "ordered_at",
                    "person_index",
                    "currency",
                    "source_system",
                ]
            ],
            on="order_id",
        )
    )
    rate = np.where(first_lines["order_channel"] == "store", 0.05, 0.12)
    returned = first_lines[rng.random(len(first_lines)) < rate].copy()
    returned["returned_at"] = returned["ordered_at"].to_numpy().astype(
        "datetime64[s]"
    ) + rng.integers(2 * 86400, 20 * 86400, len(returned)).astype("timedelta64[s]")
    returned = returned[returned["returned_at"] < end_s]
    returned["refund"] = np.round(
        returned["unit_price"] * returned["quantity"] - returned["discount_amount"], 2
    )
    at_store = (returned["order_channel"] == "store").to_numpy() | (rng.random(len(returned)) < 0.3)
    by_post = returned[~at_store & (returned["source_system"] == "ecommerce").to_numpy()]
    in_store = returned[at_store]
    out["ecommerce.refunds"] = pd.DataFrame(
        {
            "refund_id": np.char.add("RF-", by_post["order_line_id"].to_numpy().astype(str)),
            "order_id": by_post["order_id"],
            "order_line_id": by_post["order_line_id"],
            "sku": by_post["sku"],
            "quantity": by_post["quantity"].astype(np.int64),
            "amount": by_post["refund"],
            "currency": by_post["currency"],
            "refunded_ts": iso_utc(by_post["returned_at"].to_numpy()),
            "reason": np.array(["size", "damaged", "not_as_described", "changed_mind"])[
                rng.integers(0, 4, len(by_post))
            ],
            "_date": _date(by_post["returned_at"].to_numpy()),
            "_person": -1,
        }
    )
    person_home = people["home_store"].to_numpy()
    return_store = np.where(
        in_store["order_channel"].to_numpy() == "store",
        world.tables["_store_tx"]
        .set_index("order_id")["store_id"]
        .reindex(in_store["order_id"])
        .to_numpy(),
        person_home[np.maximum(in_store["person_index"].to_numpy(), 0)],
    )
    store_currency = (
        ref.stores.set_index("store_id")["currency_code"].reindex(return_store).to_numpy()
    )
    tz = ref.stores.set_index("store_id")["time_zone"].reindex(return_store).to_numpy()
    local_return = np.empty(len(in_store), dtype="datetime64[s]")
    for zone in np.unique(tz) if len(tz) else []:
        mask = tz == zone
        local_return[mask] = (
            pd.DatetimeIndex(in_store["returned_at"].to_numpy()[mask])
            .tz_localize("UTC")
            .tz_convert(zone)
            .tz_localize(None)
            .to_numpy()
            .astype("datetime64[s]")
        )
    refund_local = np.round(
        in_store["refund"].to_numpy()
        * ref.eur_per_unit(in_store["currency"].to_numpy(), in_store["ordered_at"].to_numpy())
        / ref.eur_per_unit(store_currency, in_store["returned_at"].to_numpy()),
        2,
    )
    in_store_person = in_store["person_index"].to_numpy()
    out["store_pos.returns"] = pd.DataFrame(
        {
            "return_id": np.char.add("RT-", in_store["order_line_id"].to_numpy().astype(str)),
            "store_id": return_store,
            "return_local_ts": local_text(local_return),
            "original_order_ref": in_store["order_id"],
            "sku": in_store["sku"],
            "quantity": in_store["quantity"].astype(np.int64),
            "refund_amount": refund_local,
            "currency": store_currency,
            "loyalty_card_number": np.where(
                in_store_person >= 0,
                people["card_number"].to_numpy()[np.maximum(in_store_person, 0)],
                None,
            ),
            "_date": local_return.astype("datetime64[D]"),
            "_person": -1,
        }
    )
    world.tables["_returns"] = returned.assign(return_channel=np.where(at_store, "store", "post"))

    # ---------------------------------------------------------------- marketplace
    mp = world.tables["_mp"]
    mp_at = mp["ordered_at"].to_numpy().astype("datetime64[s]")
    mp_person = mp["person_index"].to_numpy()
    # the delivery phone of the shipping address, as the seller APIs pass it on: most Zalando
    # and many Amazon buyers give one (any format); when they give none some orders carry
    # the marketplace's own service number instead, and a few a placeholder
    mp_draw = rng.random(len(mp))
    gave_phone = mp_draw < np.where(mp["marketplace"].to_numpy() == "zalando", 0.8, 0.6)
    service_number = ~gave_phone & (rng.random(len(mp)) < 0.15)
    delivery_phone = np.where(gave_phone, _phone_as_typed(rng, people, mp_person), None)
    delivery_phone = np.where(
        service_number,
        pd.Series(mp["marketplace"]).map(MARKETPLACE_SERVICE_PHONE).to_numpy(),
        delivery_phone,
    )
    delivery_phone = np.where(
        gave_phone & (rng.random(len(mp)) < 0.01), "0000000000", delivery_phone
    )
    out["marketplace.orders"] = pd.DataFrame(
        {
            "marketplace_order_id": mp["order_id"],
            "marketplace": mp["marketplace"],
            "buyer_id": people["buyer_id"].to_numpy()[mp["person_index"]],
            "masked_email": people["masked_email"].to_numpy()[mp["person_index"]],
            "delivery_phone": delivery_phone,
            "ordered_ts": iso_utc(mp_at),
            "currency": mp["currency"],
            "status": np.where(mp["is_cancelled"], "cancelled", "shipped"),
            "_date": _date(mp_at),
            "_person": mp["person_index"].to_numpy(),
        }
    )
    ml = lines[text.isin(lines["order_id"], mp["order_id"])]
    mp_date = pd.Series(_date(mp_at), index=mp["order_id"])
    out["marketplace.order_lines"] = pd.DataFrame(
        {
            "marketplace_order_line_id": ml["order_line_id"],
            "marketplace_order_id": ml["order_id"],
            "sku": ml["sku"],
            "quantity": ml["quantity"].astype(np.int64),
            "unit_price": ml["unit_price"],
            "discount_amount": ml["discount_amount"],
            "_date": mp_date.reindex(ml["order_id"]).to_numpy(),
            "_person": -1,
        }
    )
    live = mp[~mp["is_cancelled"]]
    mnet = (
        ml.assign(net=ml["unit_price"] * ml["quantity"] - ml["discount_amount"])
        .groupby("order_id")["net"]
        .sum()
    )
    commission = np.round(mnet.reindex(live["order_id"]).to_numpy() * 0.15, 2)
    live_at = live["ordered_at"].to_numpy().astype("datetime64[s]")
    fees = pd.concat(
        [
            pd.DataFrame(
                {
                    "fee_id": np.char.add("FC-", live["order_id"].to_numpy().astype(str)),
                    "marketplace_order_id": live["order_id"],
                    "fee_type": "commission",
                    "amount": commission,
                    "currency": live["currency"],
                    "at": live_at,
                }
            ),
            pd.DataFrame(
                {
                    "fee_id": np.char.add("FF-", live["order_id"].to_numpy().astype(str)),
                    "marketplace_order_id": live["order_id"],
                    "fee_type": "fulfilment",
                    "amount": 3.5,
                    "currency": live["currency"],
                    "at": live_at,
                }
            ),
        ],
        ignore_index=True,
    )
    out["marketplace.fees"] = pd.DataFrame(
        {
            "fee_id": fees["fee_id"],
            "marketplace_order_id": fees["marketplace_order_id"],
            "fee_type": fees["fee_type"],
            "amount": fees["amount"],
            "currency": fees["currency"],
            "charged_ts": iso_utc(fees["at"].to_numpy()),
            "_date": _date(fees["at"].to_numpy()),
            "_person": -1,
        }
    )
    payout = (
        live.assign(
            day=_date(live_at),
            gross=mnet.reindex(live["order_id"]).to_numpy(),
            fees=commission + 3.5,
        )
        .groupby(["marketplace", "day", "currency"], as_index=False)[["gross", "fees"]]
        .sum()
    )
    out["marketplace.payouts"] = pd.DataFrame(
        {
            "payout_id": np.char.add(
                np.char.add(
                    np.char.add(payout["marketplace"].to_numpy().astype(str), "-"),
                    np.char.add(payout["currency"].to_numpy().astype(str), "-"),
                ),
                np.datetime_as_string(payout["day"].to_numpy(), unit="D"),
            ),
            "marketplace": payout["marketplace"],
            "payout_date": payout["day"].to_numpy(),
            "gross_amount": np.round(payout["gross"], 2),
            "fees_amount": np.round(payout["fees"], 2),
            "net_amount": np.round(payout["gross"] - payout["fees"], 2),
            "currency": payout["currency"],
            "_date": payout["day"].to_numpy(),
            "_person": -1,
        }
    )
    world.tables["_start"] = start  # type: ignore[assignment]


def _web_form_leads(
    world: World, person: np.ndarray, web_form: np.ndarray, created: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Creation time and GA client id of each lead of `person`.

    A web-form lead is submitted in one of the person's web sessions, drawn at random
    (`world.tables["_rngs"][15]`), 20 s to 10 min after its start; the hidden field
    stores the session's cookie (`RAW_GA_COOKIE_SHARE` of the forms the raw `_ga`
    value `GA1.1.<client id>`). Other leads, and web-form leads of a person without a
    web session, keep `created` and carry no client id.
    """
    rng = world.tables["_rngs"][15]
    sessions = world.sessions
    web, owner, _ = _web_sessions_by_person(world)
    first = np.searchsorted(owner, person, "left")
    count = np.searchsorted(owner, person, "right") - first
    draw = first + np.floor(rng.random(len(person)) * count).astype(np.int64)
    session = np.where(web_form & (count > 0), web[np.minimum(draw, max(len(web) - 1, 0))], -1)
    delay = rng.integers(20, 600, len(person)).astype("timedelta64[s]")
    raw_cookie = rng.random(len(person)) < RAW_GA_COOKIE_SHARE
    from_form = session >= 0
    last_second = world.tables["_end"] - np.timedelta64(1, "s")
    at = np.minimum(sessions["start_at"].to_numpy()[np.maximum(session, 0)] + delay, last_second)
    cookie = _visitor_of(world, session)
    client_id = np.where(raw_cookie, np.char.add("GA1.1.", cookie), cookie)
    return (
        np.where(from_form, at, created).astype("datetime64[s]"),
        np.where(from_form, client_id, None),
    )


def _web_sessions_by_person(world: World) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Human web sessions (browser cookies) sorted by person and start: session numbers,
    owners and start seconds from the period's start (made once per world: the leads and
    the subscribers both read them)."""
    made = world.tables.get("_web_sessions_by_person")
    if made is not None:
        return made  # type: ignore[return-value]
    sessions = world.sessions
    web = np.flatnonzero(sessions["visitor_kind"].to_numpy() == VISITOR_COOKIE)
    owner = sessions["person_index"].to_numpy()[web]
    second = (
        (sessions["start_at"].to_numpy()[web] - np.datetime64(world.start.isoformat(), "s"))
        .astype("timedelta64[s]")
        .astype(np.int64)
    )
    # by (owner, second), ties in session order: np.lexsort((second, owner))'s permutation,
    # from one stable sort of a single key (|seconds| < 2^31)
    order = np.argsort(owner.astype(np.int64) * (1 << 32) + second, kind="stable")
    made = web[order], owner[order], second[order]
    world.tables["_web_sessions_by_person"] = made  # type: ignore[assignment]
    return made


def _visitor_of(world: World, session: np.ndarray) -> np.ndarray:
    """The cookie (user_pseudo_id) of each session number (>= 0)."""
    visitor = world.tables["_session_text"].visitor.take(pa.array(np.maximum(session, 0)))
    return visitor.to_numpy(zero_copy_only=False).astype(str)


def newsletter_subscribers(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """The email platform's list of newsletter subscribers (everyone who gave an email and
    accepts marketing), one row each with its status as the platform last saw it.

    Sign-ups of the period are the opt-ins of `simulate_messaging` (pending until the
    confirmation is clicked); the others signed up before the period (exponential age,
    mean `SUBSCRIBER_MEAN_AGE_DAYS`). A web-form sign-up stores the GA client id of the
    browser: in the period, the person's web session nearest in time; before it, one of
    the person's browsers (a random web session's) while that browser is still in use
    (`BROWSER_LIFETIME_DAYS`), else a browser gone since (`ck<person>-3`, never in the
    events). A person who unsubscribed is `unsubscribed` from that moment.
    """
    people = world.people
    sends, engagements = world.tables["_sends"], world.tables["_engagements"]
    start_s = np.datetime64(world.start.isoformat(), "s")
    member = np.flatnonzero(people["email_known"].to_numpy() & people["accepts_email"].to_numpy())
    is_optin = (sends["campaign_id"] == "CMP-EMAIL-OPTIN").to_numpy()
    optin_at = pd.Series(
        sends["at"].to_numpy()[is_optin], index=sends["person"].to_numpy()[is_optin]
    )
    message = engagements["message_number"].to_numpy()
    kind = engagements["type"].to_numpy()
    confirmed_people = sends["person"].to_numpy()[message[(kind == "click") & is_optin[message]]]
    unsubscribed = (kind == "unsubscribe") & ~is_optin[message]
    unsubscribed_at = (
        pd.Series(
            engagements["at"].to_numpy()[unsubscribed],
            index=sends["person"].to_numpy()[message[unsubscribed]],
        )
        .groupby(level=0)
        .min()
    )
    joined = np.isin(member, optin_at.index.to_numpy())
    age = np.ceil(rng.exponential(SUBSCRIBER_MEAN_AGE_DAYS, len(member)) * 86400).astype(np.int64)
    subscribed_at = np.where(
        joined,
        optin_at.reindex(member).to_numpy().astype("datetime64[s]"),
        start_s - age.astype("timedelta64[s]"),
    ).astype("datetime64[s]")
    # a sign-up of the period went through the double opt-in: never an imported list
    in_period = SUBSCRIBER_SOURCE_WEIGHTS[:3] / SUBSCRIBER_SOURCE_WEIGHTS[:3].sum()
    source = SUBSCRIBER_SOURCES[
        np.where(
            joined,
            rng.choice(3, len(member), p=in_period),
            rng.choice(len(SUBSCRIBER_SOURCES), len(member), p=SUBSCRIBER_SOURCE_WEIGHTS),
        )
    ]
    # the browser of a web-form sign-up
    web, owner, second = _web_sessions_by_person(world)
    first = np.searchsorted(owner, member, "left")
    count = np.searchsorted(owner, member, "right") - first
    at_second = (subscribed_at - start_s).astype(np.int64)
    stamp = owner.astype(np.int64) * 10**10 + second
    after = np.minimum(
        np.searchsorted(stamp, member.astype(np.int64) * 10**10 + at_second), first + count - 1
    )
    before = np.maximum(after - 1, first)
    last = max(len(web) - 1, 0)
    after, before = np.clip(after, 0, last), np.clip(before, 0, last)
    nearest = (
        np.where(
            np.abs(second[after] - at_second) <= np.abs(second[before] - at_second), after, before
        )
        if len(web)
        else np.zeros(len(member), dtype=np.int64)
    )
    random_one = first + np.floor(rng.random(len(member)) * count).astype(np.int64)
    pick = np.where(joined, nearest, random_one)
    in_use = rng.random(len(member)) < np.exp(-age / (BROWSER_LIFETIME_DAYS * 86400))
    seen = (source == "web_form") & (count > 0) & (joined | in_use)
    session = np.where(seen, web[np.minimum(pick, max(len(web) - 1, 0))] if len(web) else -1, -1)
    gone = np.char.add(np.char.add("ck", people["person_id"].to_numpy()[member].astype(str)), "-3")
    cookie = np.where(seen, _visitor_of(world, session), gone)
    raw_cookie = rng.random(len(member)) < RAW_GA_COOKIE_SHARE
    client_id = np.where(raw_cookie, np.char.add("GA1.1.", cookie), cookie)
    left_at = unsubscribed_at.reindex(member).to_numpy().astype("datetime64[s]")
    status = np.where(
        ~np.isnat(left_at),
        "unsubscribed",
        np.where(~joined | np.isin(member, confirmed_people), "subscribed", "pending"),
    )
    updated_at = np.where(np.isnat(left_at), subscribed_at, left_at)
    return pd.DataFrame(
        {
            "subscriber_id": _ids("NS", member + 1, 7),
            "email": _email_as_typed(rng, people["email"].to_numpy()[member]),
            "status": status,
            "signup_source": source,
            "subscribed_ts": iso_utc(subscribed_at),
            "ga_client_id": np.where(source == "web_form", client_id, None),
            "updated_ts": iso_utc(updated_at),
            "_date": np.maximum(
                subscribed_at.astype("datetime64[D]"), start_s.astype("datetime64[D]")
            ),
            "_person": member,
        }
    )


def build_relationship_extracts(world: World, out: dict[str, pd.DataFrame]) -> None:
    """Fulfilment, CRM, call centre, support, surveys, messaging, loyalty and the app geofence."""
    ref = world.tables["_reference"]
    rng = world.tables["_rngs"][9]
    people = world.people
    start = world.tables["_start"]
    start_s = start.astype("datetime64[s]")
    end_s = world.tables["_end"]
    orders = world.orders
    lines = world.lines
    units = lines.groupby("order_id")["quantity"].sum()

    # ---------------------------------------------------------------- fulfilment
    shipped = orders[(orders["order_channel"] != "store") & ~orders["is_cancelled"]].reset_index(
        drop=True
    )
    n = len(shipped)
    at = shipped["ordered_at"].to_numpy().astype("datetime64[s]")
    method = shipped["fulfilment_method"].to_numpy()
    bopis = method == "bopis"
    promise_days = np.where(bopis, 1, 3)
    promised = at.astype("datetime64[D]") + promise_days
    late = rng.random(n) < 0.09
    lead = np.where(late, promise_days + rng.integers(1, 4, n), rng.integers(1, promise_days + 1))
    delivered_day = at.astype("datetime64[D]") + lead
    delivered_at = delivered_day.astype("datetime64[s]") + rng.integers(
        9 * 3600, 19 * 3600, n
    ).astype("timedelta64[s]")
    rescheduled = late & (rng.random(n) < 0.5)
    ordered_units = units.reindex(shipped["order_id"]).to_numpy().astype(np.int64)
    partial = (rng.random(n) < 0.04) & (ordered_units > 1)
    shipped_units = np.where(partial, ordered_units - 1, ordered_units)
    shipped_at = at + rng.integers(3 * 3600, 20 * 3600, n).astype("timedelta64[s]")
    country = people["country"].to_numpy()[np.maximum(shipped["person_index"].to_numpy(), 0)]
    carrier = np.where(
        bopis,
        "pickup",
        np.where(
            country == "FR",
            "colissimo",
            np.where(
                country == "GB",
                "royal_mail",
                np.where(country == "SE", "postnord", np.where(rng.random(n) < 0.6, "dhl", "dpd")),
            ),
        ),
    )
    shipment_id = np.char.add("SH-", shipped["order_id"].to_numpy().astype(str))
    done = delivered_at < end_s
    out["fulfilment.shipments"] = pd.DataFrame(
        {
            "shipment_id": shipment_id,
            "order_ref": shipped["order_id"],
            "carrier": carrier,
            "fulfilment_method": method,
            "origin_location_id": shipped["fulfilment_location_id"],
            "created_ts": iso_utc(at),
            "shipped_ts": iso_utc(shipped_at),
            "promised_date": promised,
            "units_ordered": ordered_units,
            "units_shipped": shipped_units,
            "_date": at.astype("datetime64[D]"),
            "_person": -1,
        }
    )
    transit = pd.DataFrame(
        {
            "shipment_id": shipment_id,
            "event_type": np.where(bopis, "ready_for_pickup", "in_transit"),
            "at": np.where(bopis, delivered_at - np.timedelta64(3600, "s"), shipped_at),
            "new_promised_date": np.datetime64("NaT", "D"),
            "units_delivered": pd.array([None] * n, dtype="Int64"),
        }
    )
    moved = pd.DataFrame(
        {
            "shipment_id": shipment_id,
            "event_type": "promise_updated",
            "at": shipped_at + np.timedelta64(86400, "s"),
            "new_promised_date": promised + 2,
            "units_delivered": pd.array([None] * n, dtype="Int64"),
        }
    )[rescheduled]
    handed = pd.DataFrame(
        {
            "shipment_id": shipment_id,
            "event_type": np.where(bopis, "picked_up", "delivered"),
            "at": delivered_at,
            "new_promised_date": np.datetime64("NaT", "D"),
            "units_delivered": pd.array(shipped_units, dtype="Int64"),
        }
    )[done]
    tracking = pd.concat([transit, moved, handed], ignore_index=True)
    tracking = (
        tracking[tracking["at"].to_numpy() < end_s]
        .sort_values(["at", "shipment_id", "event_type"], kind="stable")
        .reset_index(drop=True)
    )
    out["fulfilment.tracking_events"] = pd.DataFrame(
        {
            "tracking_event_id": np.char.add(
                np.char.add(tracking["shipment_id"].to_numpy().astype(str), "-"),
                tracking["event_type"].to_numpy().astype(str),
            ),
            "shipment_id": tracking["shipment_id"],
            "event_type": tracking["event_type"],
            "event_ts": iso_utc(tracking["at"].to_numpy()),
            "new_promised_date": tracking["new_promised_date"].to_numpy().astype("datetime64[D]"),
            "units_delivered": tracking["units_delivered"],
            "_date": tracking["at"].to_numpy().astype("datetime64[D]"),
            "_person": -1,
        }
    )
    world.tables["_shipments"] = pd.DataFrame(
        {
            "order_id": shipped["order_id"],
            "promised": promised,
            "delivered_day": np.where(done, delivered_day, np.datetime64("NaT", "D")),
            "in_full": ~partial,
            "method": method,
            "carrier": carrier,
            "channel": shipped["order_channel"],
        }
    )

    # ---------------------------------------------------------------- CRM
    crm = np.flatnonzero(people["is_crm_contact"].to_numpy())
    created = start_s + rng.integers(0, world.days * 86400, len(crm)).astype("timedelta64[s]")
    phone_junk = rng.random(len(crm)) < 0.01
    phones = np.where(phone_junk, "0000000000", _phone_as_typed(rng, people, crm))
    contact_email = _email_as_typed(rng, people["email"].to_numpy()[crm])
    lead_source = LEAD_SOURCES[rng.integers(0, len(LEAD_SOURCES), len(crm))]
    # a web-form lead (and its contact) is created in one of the person's web sessions
    created, ga_client_id = _web_form_leads(
        world, crm, np.isin(lead_source, WEB_FORM_LEAD_SOURCES), created
    )
    out["crm.contacts"] = pd.DataFrame(
        {
            "contact_id": people["contact_id"].to_numpy()[crm],
            "email": contact_email,
            "phone": phones,
            "first_name": people["first_name"].to_numpy()[crm],
            "last_name": people["last_name"].to_numpy()[crm],
            "customer_account_id": people["account_id"].to_numpy()[crm],
            "created_ts": iso_utc(created),
            "updated_ts": iso_utc(created),
            "_date": created.astype("datetime64[D]"),
            "_person": crm,
        }
    )
    person_orders = orders[(orders["person_index"] >= 0) & ~orders["is_cancelled"]]
    first_after = person_orders.merge(
        pd.DataFrame({"person_index": crm, "lead_at": created}), on="person_index"
    )
    first_after = first_after[
        (first_after["ordered_at"] >= first_after["lead_at"])
        & (first_after["ordered_at"] < first_after["lead_at"] + pd.Timedelta(days=90))
    ]
    converted_people = set(first_after["person_index"].tolist())
    converted = np.array([p in converted_people for p in crm], dtype=bool)
    out["crm.leads"] = pd.DataFrame(
        {
            "lead_id": np.char.add("LD", people["contact_id"].to_numpy()[crm].astype(str)),
            "contact_id": people["contact_id"].to_numpy()[crm],
            "lead_source": lead_source,
            "created_ts": iso_utc(created),
            "status": np.where(
                converted, "converted", np.where(rng.random(len(crm)) < 0.5, "open", "lost")
            ),
            "updated_ts": iso_utc(created),
            "ga_client_id": ga_client_id,
            "_date": created.astype("datetime64[D]"),
            "_person": crm,
        }
    )

    # ---------------------------------------------------------------- call centre
    shop = world.tables["_shop_orders"]
    phone_orders = shop[shop["order_channel"] == "phone"]
    po_at = phone_orders["ordered_at"].to_numpy().astype("datetime64[s]")
    po_person = phone_orders["person_index"].to_numpy()
    support_people = rng.choice(
        len(people), size=max(1, len(people) * world.days // 3650), replace=True
    )
    sc_at = start_s + rng.integers(0, world.days * 86400, len(support_people)).astype(
        "timedelta64[s]"
    )
    call_person = np.concatenate([po_person, support_people])
    call_at = np.concatenate([po_at - np.timedelta64(300, "s"), sc_at])
    call_ids = np.concatenate(
        [
            np.char.add("CALL-", phone_orders["order_id"].to_numpy().astype(str)),
            np.char.add("CALL-S", np.char.zfill(np.arange(len(support_people)).astype(str), 7)),
        ]
    )
    identified = np.concatenate(
        [np.ones(len(po_person), bool), people["has_account"].to_numpy()[support_people]]
    )
    out["call_centre.calls"] = pd.DataFrame(
        {
            "call_id": call_ids,
            "caller_phone": _phone_as_typed(rng, people, call_person),
            "customer_account_id": np.where(
                identified, people["account_id"].to_numpy()[call_person], None
            ),
            "started_ts": iso_utc(call_at),
            "duration_seconds": rng.integers(60, 1200, len(call_ids)),
            "reason": np.concatenate(
                [
                    np.full(len(po_person), "order"),
                    np.array(["support", "product_question"])[
                        rng.integers(0, 2, len(support_people))
                    ],
                ]
            ),
            "_date": call_at.astype("datetime64[D]"),
            "_person": call_person,
        }
    )
    out["call_centre.phone_orders"] = pd.DataFrame(
        {
            "phone_order_id": phone_orders["order_id"],
            "call_id": np.char.add("CALL-", phone_orders["order_id"].to_numpy().astype(str)),
            "caller_phone": _phone_as_typed(rng, people, po_person),
            "customer_account_id": people["account_id"].to_numpy()[po_person],
            "agent_id": np.char.add("AG", rng.integers(10, 40, len(po_person)).astype(str)),
            "ordered_ts": iso_utc(po_at),
            "_date": po_at.astype("datetime64[D]"),
            "_person": po_person,
        }
    )

    # ---------------------------------------------------------------- support desk
    online = orders[(orders["order_channel"] != "store") & (orders["person_index"] >= 0)]
    ticketed = online[rng.random(len(online)) < 0.06]
    t_at = ticketed["ordered_at"].to_numpy().astype("datetime64[s]") + rng.integers(
        86400, 8 * 86400, len(ticketed)
    ).astype("timedelta64[s]")
    keep = t_at < end_s
    ticketed, t_at = ticketed[keep], t_at[keep]
    t_person = ticketed["person_index"].to_numpy()
    ticket_id = np.char.add("TK-", ticketed["order_id"].to_numpy().astype(str))
    out["support.tickets"] = pd.DataFrame(
        {
            "ticket_id": ticket_id,
            # about half of the marketplace buyers write from their own address, not the relay
            "requester_email": _email_as_typed(
                rng,
                np.where(
                    (ticketed["order_channel"].to_numpy() == "marketplace")
                    & (rng.random(len(ticketed)) < 0.5),
                    people["masked_email"].to_numpy()[t_person],
                    people["email"].to_numpy()[t_person],
                ).astype(str),
            ),
            "order_ref": ticketed["order_id"],
            "contact_channel": np.array(["email", "chat", "phone"])[
                rng.integers(0, 3, len(ticketed))
            ],
            "category": np.array(["delivery", "return", "product", "billing"])[
                rng.integers(0, 4, len(ticketed))
            ],
            "created_ts": iso_utc(t_at),
            "_date": t_at.astype("datetime64[D]"),
            "_person": t_person,
        }
    )
    r_at = t_at + rng.integers(1800, 72 * 3600, len(t_at)).astype("timedelta64[s]")
    solved = r_at < end_s
    out["support.resolutions"] = pd.DataFrame(
        {
            "resolution_id": np.char.add("RS-", ticket_id[solved].astype(str)),
            "ticket_id": ticket_id[solved],
            "resolved_ts": iso_utc(r_at[solved]),
            "contacts_count": rng.choice([1, 1, 1, 2, 3], size=int(solved.sum())).astype(np.int64),
            "_date": r_at[solved].astype("datetime64[D]"),
            "_person": -1,
        }
    )

    # ---------------------------------------------------------------- surveys
    # CSAT after an order, a support ticket, a support call and a lead follow-up (so non-buyers
    # answer too); NPS after some orders and in a quarterly relationship survey of everyone
    # who gave an email. Who is a buyer is decided later, from the true orders (truth.py).
    buyers = orders[(orders["person_index"] >= 0) & ~orders["is_cancelled"]]
    about_order = buyers[rng.random(len(buyers)) < 0.15]
    nps_order = buyers[rng.random(len(buyers)) < 0.05]
    support_calls = np.flatnonzero(out["call_centre.calls"]["reason"].to_numpy() != "order")
    rated_calls = support_calls[rng.random(len(support_calls)) < 0.35]
    rated_tickets = np.flatnonzero(solved & (rng.random(len(solved)) < 0.35))
    leads = out["crm.leads"]
    rated_leads = np.flatnonzero(rng.random(len(leads)) < 0.25)
    quarters = np.arange(30, world.days, 91)
    panel = np.flatnonzero(people["email_known"].to_numpy())
    wave, answered = np.nonzero(rng.random((len(quarters), len(panel))) < 0.08)
    calls = out["call_centre.calls"]
    parts = [
        # (survey type, person, touched at, touchpoint channel, touchpoint ref, stage)
        (
            "csat",
            about_order["person_index"].to_numpy(),
            about_order["ordered_at"].to_numpy(),
            about_order["order_channel"].to_numpy(),
            about_order["order_id"].to_numpy(),
            "purchase",
        ),
        (
            "nps",
            nps_order["person_index"].to_numpy(),
            nps_order["ordered_at"].to_numpy(),
            nps_order["order_channel"].to_numpy(),
            nps_order["order_id"].to_numpy(),
            "purchase",
        ),
        (
            "csat",
            t_person[rated_tickets],
            r_at[rated_tickets],
            np.full(len(rated_tickets), "support"),
            ticket_id[rated_tickets],
            "service",
        ),
        (
            "csat",
            calls["_person"].to_numpy()[rated_calls],
            call_at[rated_calls],
            np.full(len(rated_calls), "phone"),
            calls["call_id"].to_numpy()[rated_calls],
            "service",
        ),
        (
            "csat",
            leads["_person"].to_numpy()[rated_leads],
            created[rated_leads],
            np.full(len(rated_leads), "phone"),
            leads["lead_id"].to_numpy()[rated_leads],
            "consideration",
        ),
        (
            "nps",
            panel[answered],
            (start_s + (quarters[wave] * 86400).astype("timedelta64[s]")),
            np.full(len(answered), "web"),
            np.full(len(answered), None),
            "loyalty",
        ),
    ]
    kind = np.concatenate([np.full(len(p[1]), p[0]) for p in parts])
    s_person = np.concatenate([p[1] for p in parts]).astype(np.int64)
    touched = np.concatenate([np.asarray(p[2]).astype("datetime64[s]") for p in parts])
    s_at = touched + rng.integers(3600, 5 * 86400, len(s_person)).astype("timedelta64[s]")
    omni = people["is_omnichannel_prone"].to_numpy()[s_person]
    csat_score = np.clip(np.round(rng.normal(np.where(omni, 4.2, 3.8), 0.9)), 1, 5)
    nps_score = np.clip(np.round(rng.normal(np.where(omni, 8.0, 6.8), 2.0)), 0, 10)
    with_email = rng.random(len(s_person)) < 0.7
    account = people["account_id"].to_numpy()[s_person]
    # answered through an emailed link (the email) or logged in (the account)
    with_email = with_email | pd.isna(account)
    responses = pd.DataFrame(
        {
            "response_id": _ids("SV", np.arange(len(s_person)), 8),
            "survey_type": kind,
            "score": np.where(kind == "csat", csat_score, nps_score).astype(np.int64),
            "respondent_email": np.where(
                with_email, _email_as_typed(rng, people["email"].to_numpy()[s_person]), None
            ),
            "customer_account_id": np.where(~with_email, account, None),
            "touchpoint_channel": np.concatenate([p[3] for p in parts]),
            "touchpoint_ref": np.concatenate([p[4] for p in parts]),
            "journey_stage": np.concatenate([np.full(len(p[1]), p[5]) for p in parts]),
            "responded_ts": iso_utc(s_at),
            "_date": s_at.astype("datetime64[D]"),
            "_person": s_person,
        }
    )
    out["surveys.responses"] = responses[(s_at < end_s) & (s_person >= 0)].reset_index(drop=True)

    # ---------------------------------------------------------------- messaging
    sends = world.tables["_sends"]
    s_person = sends["person"].to_numpy()
    message_id = message_ids(np.arange(len(sends)))
    is_email = (sends["channel"] == "email").to_numpy()
    # email recipients' addresses, then SMS recipients' phones in their places
    recipient = pc.replace_with_mask(
        text.strings(people["email"]).take(pa.array(s_person)),
        pa.array(~is_email),
        pa.array(_phone_as_typed(rng, people, s_person[~is_email]), pa.string()),
    )
    sent_at = sends["at"].to_numpy().astype("datetime64[s]")
    out["messaging.sends"] = pd.DataFrame(
        {
            "message_id": text.column(message_id),
            "campaign_id": sends["campaign_id"],
            "message_channel": sends["channel"],
            "recipient": text.column(recipient),
            "sent_ts": iso_utc(sent_at),
            "_date": sent_at.astype("datetime64[D]"),
            "_person": s_person,
        }
    )
    eng = world.tables["_engagements"]
    number = eng["message_number"].to_numpy()
    clicked = eng["type"].to_numpy() == "click"
    link = tracked_link(
        np.where(is_email[number], EMAIL_SOURCE, SMS_SOURCE),
        text.strings(sends["campaign_id"].to_numpy()[number]),
        number,
    )
    out["messaging.engagements"] = pd.DataFrame(
        {
            "engagement_id": text.column(
                text.join(message_id.take(pa.array(number)), "-", text.strings(eng["type"]))
            ),
            "message_id": text.column(message_id.take(pa.array(number))),
            "engagement_type": eng["type"],
            "engaged_ts": iso_utc(eng["at"].to_numpy()),
            "url": text.column(
                pc.if_else(
                    pa.array(clicked), text.join(SITE, "/", link), pa.scalar(None, pa.string())
                )
            ),
            "_date": eng["at"].to_numpy().astype("datetime64[D]"),
            "_person": -1,
        }
    )

    out["messaging.subscribers"] = newsletter_subscribers(world, world.tables["_rngs"][15])

    # ---------------------------------------------------------------- loyalty
    members = np.flatnonzero(people["is_loyalty_member"].to_numpy())
    enrolled = start_s - rng.integers(0, 700 * 86400, len(members)).astype("timedelta64[s]")
    out["loyalty.members"] = pd.DataFrame(
        {
            "member_id": np.char.add("M", people["person_id"].to_numpy()[members].astype(str)),
            "card_number": people["card_number"].to_numpy()[members],
            "email": _email_as_typed(rng, people["email"].to_numpy()[members]),
            "phone": _phone_as_typed(rng, people, members),
            "enrolled_ts": iso_utc(enrolled),
            "tier": np.array(["bronze", "silver", "gold"])[
                rng.choice(3, len(members), p=[0.6, 0.3, 0.1])
            ],
            "home_store_id": people["home_store"].to_numpy()[members],
            "_date": np.maximum(enrolled.astype("datetime64[D]"), start),
            "_person": members,
        }
    )
    is_member = people["is_loyalty_member"].to_numpy()
    earning = orders[(orders["person_index"] >= 0) & ~orders["is_cancelled"]]
    earning = earning[is_member[earning["person_index"].to_numpy()]]
    net_local = (
        lines.assign(net=lines["unit_price"] * lines["quantity"] - lines["discount_amount"])
        .groupby("order_id")["net"]
        .sum()
    )
    e_at = earning["ordered_at"].to_numpy().astype("datetime64[s]")
    out["loyalty.points_ledger"] = pd.DataFrame(
        {
            "ledger_entry_id": np.char.add("PL-", earning["order_id"].to_numpy().astype(str)),
            "card_number": people["card_number"].to_numpy()[earning["person_index"].to_numpy()],
            "order_ref": earning["order_id"],
            "order_channel": earning["order_channel"],
            "points": np.floor(net_local.reindex(earning["order_id"]).to_numpy()).astype(np.int64),
            "entry_ts": iso_utc(e_at),
            "_date": e_at.astype("datetime64[D]"),
            "_person": -1,
        }
    )

    # ---------------------------------------------------------------- app geofence
    tx = world.tables["_store_tx"]
    has_app = people["has_app"].to_numpy()
    tx_person = tx["person_index"].to_numpy()
    seen = (tx_person >= 0) & has_app[np.maximum(tx_person, 0)] & (rng.random(len(tx)) < 0.6)
    g = tx[seen]
    g_at = g["ordered_at"].to_numpy().astype("datetime64[s]")
    out["app_analytics.geofence_visits"] = pd.DataFrame(
        {
            "visit_id": np.char.add("GV-", g["order_id"].to_numpy().astype(str)),
            "device_id": people["device_id"].to_numpy()[g["person_index"].to_numpy()],
            "user_id": people["account_id"].to_numpy()[g["person_index"].to_numpy()],
            "store_id": g["store_id"],
            "entered_ts": iso_utc(g_at - np.timedelta64(900, "s")),
            "exited_ts": iso_utc(g_at + np.timedelta64(600, "s")),
            "_date": (g_at - np.timedelta64(900, "s")).astype("datetime64[D]"),
            "_person": g["person_index"].to_numpy(),
        }
    )
    del ref


def build_inventory_extracts(world: World, out: dict[str, pd.DataFrame]) -> None:
    """Products, suppliers, daily stock per SKU and location, receipts and cycle counts.

    Stock is simulated day by day over all SKU x location pairs at once: sales
    (store lines at their store, online lines at their fulfilling location)
    draw it down, a replenishment order is placed below a reorder level and
    arrives after the supplier's lead time. Demand beyond stock is lost (a
    stockout day). Cycle counts disagree with the system more often for C
    items than for A items.
    """
    ref = world.tables["_reference"]
    rng = world.tables["_rngs"][10]
    start = world.tables["_start"]
    products = ref.products
    out["erp.products"] = products.drop(columns="popularity").assign(_date=start, _person=-1)
    out["erp.supplier_lead_times"] = ref.suppliers.assign(_date=start, _person=-1)
    locations = np.concatenate([[WAREHOUSE_ID], ref.stores["store_id"].to_numpy()])
    skus = products["sku"].to_numpy()
    n_loc, n_sku, days = len(locations), len(skus), world.days
    orders = world.orders[~world.orders["is_cancelled"]]
    sold = world.lines.merge(
        orders[["order_id", "ordered_at", "fulfilment_location_id"]], on="order_id"
    )
    sold_day = ((sold["ordered_at"].to_numpy().astype("datetime64[D]") - start).astype(int)).clip(
        0, days - 1
    )
    loc_index = pd.Index(locations).get_indexer(sold["fulfilment_location_id"])
    sku_index = pd.Index(skus).get_indexer(sold["sku"])
    demand = np.zeros((days, n_loc, n_sku), dtype=np.int64)
    np.add.at(demand, (sold_day, loc_index, sku_index), sold["quantity"].to_numpy())
    lead = (
        ref.suppliers.set_index("supplier_id")["lead_time_days"]
        .reindex(products["supplier_id"])
        .to_numpy()
    )
    daily_mean = demand.mean(axis=0) + 0.05
    reorder_level = np.ceil(daily_mean * (lead + 3)).astype(np.int64)
    order_qty = np.ceil(daily_mean * 21).astype(np.int64) + 2
    on_hand = np.ceil(daily_mean * 25).astype(np.int64) + 3
    pipeline = np.zeros((days + 40, n_loc, n_sku), dtype=np.int64)
    snapshots, receipts = [], []
    outstanding = np.zeros((n_loc, n_sku), dtype=bool)
    for day in range(days):
        arriving = pipeline[day]
        if arriving.any():
            li, si = np.nonzero(arriving)
            receipts.append((day, li, si, arriving[li, si]))
            on_hand += arriving
            outstanding[li, si] = False
        on_hand = np.maximum(on_hand - demand[day], 0)
        need = (on_hand <= reorder_level) & ~outstanding
        if need.any():
            li, si = np.nonzero(need)
            pipeline[day + lead[si], li, si] += order_qty[li, si]
            outstanding[li, si] = True
        snapshots.append(on_hand.copy())
    stock = np.stack(snapshots)  # day x loc x sku
    d, li, si = np.indices(stock.shape).reshape(3, -1)
    dates = start + d
    # the text in Arrow (a location, SKU and day each), not in numpy's fixed-width unicode
    location_text, sku_text = text.strings(locations), text.strings(skus)

    def pick(values: pa.Array, index: np.ndarray) -> pa.Array:
        return values.take(pa.array(index))

    day_names = text.day_text(start + np.arange(max(days, 1)))
    out["erp.stock_snapshots"] = pd.DataFrame(
        {
            "snapshot_id": text.column(
                text.join(pick(location_text, li), "-", pick(sku_text, si), "-", pick(day_names, d))
            ),
            "snapshot_date": dates,
            "sku": text.column(pick(sku_text, si)),
            "location_id": text.column(pick(location_text, li)),
            "on_hand_units": stock.reshape(-1),
            "reserved_units": np.zeros(len(d), dtype=np.int64),
            "_date": dates,
            "_person": -1,
        }
    )
    if receipts:
        r_day = np.concatenate([np.full(len(r[1]), r[0]) for r in receipts])
        r_loc = np.concatenate([r[1] for r in receipts])
        r_sku = np.concatenate([r[2] for r in receipts])
        r_qty = np.concatenate([r[3] for r in receipts])
    else:
        r_day = r_loc = r_sku = r_qty = np.array([], dtype=np.int64)
    r_at = (start + r_day).astype("datetime64[s]") + np.timedelta64(7 * 3600, "s")
    out["erp.receipts"] = pd.DataFrame(
        {
            "receipt_id": text.column(
                text.join(
                    "RC-",
                    pick(location_text, r_loc),
                    "-",
                    pick(sku_text, r_sku),
                    "-",
                    text.day_text(r_at),
                )
            ),
            "sku": text.column(pick(sku_text, r_sku)),
            "location_id": text.column(pick(location_text, r_loc)),
            "received_ts": iso_utc(r_at),
            "quantity": r_qty.astype(np.int64),
            "_date": r_at.astype("datetime64[D]"),
            "_person": -1,
        }
    )
    counted = rng.random(stock.shape) < 0.01
    cd, cl, cs = np.nonzero(counted)
    system_units = stock[cd, cl, cs]
    error_rate = (
        pd.Series({"A": 0.04, "B": 0.10, "C": 0.18})
        .reindex(products["abc_class"].to_numpy()[cs])
        .to_numpy()
    )
    wrong = rng.random(len(cd)) < error_rate
    delta = rng.choice([-3, -2, -1, 1, 2], size=len(cd))
    counted_units = np.where(wrong, np.maximum(system_units + delta, 0), system_units)
    c_at = (start + cd).astype("datetime64[s]") + np.timedelta64(20 * 3600, "s")
    out["erp.cycle_counts"] = pd.DataFrame(
        {
            "cycle_count_id": text.column(
                text.join(
                    "CC-",
                    pick(location_text, cl),
                    "-",
                    pick(sku_text, cs),
                    "-",
                    text.day_text(c_at),
                )
            ),
            "sku": text.column(pick(sku_text, cs)),
            "location_id": text.column(pick(location_text, cl)),
            "counted_ts": iso_utc(c_at),
            "system_units": system_units.astype(np.int64),
            "counted_units": counted_units.astype(np.int64),
            "_date": c_at.astype("datetime64[D]"),
            "_person": -1,
        }
    )
    world.tables["_stock"] = stock  # type: ignore[assignment]
    world.tables["_demand"] = demand  # type: ignore[assignment]
    world.tables["_locations"] = locations  # type: ignore[assignment]
