"""Plant the mess real extracts have, and record every instance of it.

Two kinds of defect, so that the clean world's KPIs stay recoverable:
- *repairable* defects change how a true record is written (case, padding,
  local time offsets, lower-case currency, a re-sent copy, a missing
  customer); staging repairs or deduplicates them;
- *rejectable* defects are extra rows no true event stands behind (a line with
  a negative quantity or an unknown SKU, a refund above its order, a row with
  no key or an unparseable timestamp); staging quarantines them.
Each instance is one row of ``defects``: (defect_kind, source_system,
source_table, source_record_id, detail).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from omnichannel.generate.extracts import MARKETPLACE_SERVICE_PHONE

DEFECT_COLUMNS = ["defect_kind", "source_system", "source_table", "source_record_id", "detail"]


def record_defects(
    defects: list[pd.DataFrame], kind: str, table: str, ids, detail: str = ""
) -> None:
    system, name = table.split(".")
    ids = pd.Series(ids, dtype=object).astype(str)
    defects.append(
        pd.DataFrame(
            {
                "defect_kind": kind,
                "source_system": system,
                "source_table": name,
                "source_record_id": ids.to_numpy(),
                "detail": detail,
            }
        )
    )


def sample_positions(rng: np.random.Generator, n: int, rate: float, minimum: int = 1) -> np.ndarray:
    """Row positions to spoil: about ``rate`` of ``n``, at least ``minimum`` when there are rows."""
    if n == 0:
        return np.array([], dtype=np.int64)
    k = max(minimum, int(round(n * rate)))
    return np.sort(rng.choice(n, size=min(k, n), replace=False))


def plant_defects(
    rng: np.random.Generator, out: dict[str, pd.DataFrame], days: int, start: np.datetime64
) -> pd.DataFrame:
    defects: list[pd.DataFrame] = []

    # ---- re-sent rows: exact copies with the same key
    for table, key, rate in (
        ("messaging.engagements", "engagement_id", 0.005),
        ("ecommerce.orders", "order_id", 0.01),
        ("store_pos.transactions", "transaction_id", 0.002),
    ):
        frame = out[table]
        picked = sample_positions(rng, len(frame), rate)
        copies = frame.iloc[picked]
        out[table] = pd.concat([frame, copies], ignore_index=True)
        record_defects(defects, "duplicate_row", table, copies[key])

    # ---- lower-case currency codes
    for table, key in (
        ("ecommerce.orders", "order_id"),
        ("store_pos.transactions", "transaction_id"),
        ("marketplace.orders", "marketplace_order_id"),
    ):
        frame = out[table]
        picked = sample_positions(rng, len(frame), 0.02)
        frame.loc[frame.index[picked], "currency"] = (
            frame["currency"].iloc[picked].str.lower().to_numpy()
        )
        record_defects(defects, "lowercase_currency", table, frame[key].iloc[picked])

    # ---- placeholder identifiers shared by many people
    orders = out["ecommerce.orders"]
    picked = sample_positions(rng, len(orders), 0.01)
    orders.loc[orders.index[picked], "email"] = "test@test.com"
    record_defects(
        defects,
        "junk_identifier",
        "ecommerce.orders",
        orders["order_id"].iloc[picked],
        "email test@test.com",
    )
    tx = out["store_pos.transactions"]
    no_card = np.flatnonzero(tx["loyalty_card_number"].isna().to_numpy())
    picked = no_card[sample_positions(rng, len(no_card), 0.05)] if len(no_card) else no_card
    tx.loc[tx.index[picked], "loyalty_card_number"] = (
        "L9" + tx["store_id"].iloc[picked].str[1:] + "0000000"
    )
    record_defects(
        defects,
        "junk_identifier",
        "store_pos.transactions",
        tx["transaction_id"].iloc[picked],
        "store default loyalty card",
    )
    contacts = out["crm.contacts"]
    junk_phone = contacts["phone"] == "0000000000"
    record_defects(
        defects,
        "junk_identifier",
        "crm.contacts",
        contacts.loc[junk_phone, "contact_id"],
        "phone 0000000000",
    )

    marketplace_orders = out["marketplace.orders"]
    for value, detail in (
        ("0000000000", "delivery phone 0000000000"),
        *(
            (phone, f"{name} service number as delivery phone")
            for name, phone in MARKETPLACE_SERVICE_PHONE.items()
        ),
    ):
        junk = marketplace_orders["delivery_phone"] == value
        record_defects(
            defects,
            "junk_identifier",
            "marketplace.orders",
            marketplace_orders.loc[junk, "marketplace_order_id"],
            detail,
        )

    # ---- orders with no customer at all (a true sale whose buyer is lost)
    picked = sample_positions(rng, len(orders), 0.003)
    orders.loc[orders.index[picked], ["customer_account_id", "email"]] = None
    record_defects(defects, "missing_customer", "ecommerce.orders", orders["order_id"].iloc[picked])

    # ---- extra rows that staging must reject
    for table, key, order_key in (
        ("ecommerce.order_lines", "order_line_id", "order_id"),
        ("store_pos.transaction_lines", "transaction_line_id", "transaction_id"),
    ):
        frame = out[table]
        for kind, rate in (("negative_quantity", 0.003), ("unknown_sku", 0.003)):
            picked = sample_positions(rng, len(frame), rate)
            bad = frame.iloc[picked].copy()
            bad[key] = bad[key].astype(str) + ("-NEG" if kind == "negative_quantity" else "-SKU")
            if kind == "negative_quantity":
                bad["quantity"] = -bad["quantity"]
            else:
                bad["sku"] = "SKU99999"
            out[table] = frame = pd.concat([frame, bad], ignore_index=True)
            record_defects(defects, kind, table, bad[key])
        del order_key
    refunds = out["ecommerce.refunds"]
    picked = sample_positions(rng, len(refunds), 0.01)
    bad = refunds.iloc[picked].copy()
    bad["refund_id"] = bad["refund_id"].astype(str) + "-X"
    bad["amount"] = np.round(bad["amount"] * 3 + 10, 2)
    out["ecommerce.refunds"] = pd.concat([refunds, bad], ignore_index=True)
    record_defects(defects, "refund_exceeds_order", "ecommerce.refunds", bad["refund_id"])
    # malformed rows: a timestamp nothing can parse (web rows without a key: event_extracts)
    orders = out["ecommerce.orders"]
    picked = sample_positions(rng, len(orders), 0.002)
    bad = orders.iloc[picked].copy()
    bad["order_id"] = bad["order_id"].astype(str) + "-BAD"
    bad["created_ts"] = np.where(np.arange(len(bad)) % 2 == 0, "not-a-date", "2025-13-45T99:00:00Z")
    out["ecommerce.orders"] = pd.concat([orders, bad], ignore_index=True)
    record_defects(defects, "unparseable_timestamp", "ecommerce.orders", bad["order_id"])

    # ---- late-arriving days: delivered after later days (the files sit in their own partition)
    late_days = start + np.sort(
        rng.choice(max(days - 1, 1), size=min(2, max(days - 1, 1)), replace=False)
    )
    for table in ("web_analytics.events", "app_analytics.events"):
        record_defects(
            defects,
            "late_arriving_day",
            table,
            np.datetime_as_string(late_days, unit="D"),
            "partition delivered after later days",
        )
    return pd.concat(defects, ignore_index=True)[DEFECT_COLUMNS]
