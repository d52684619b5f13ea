"""The truth's rules for the customer KPIs, re-implemented over true orders grouped by any
column (true person, linkable component, the warehouse's customer): shared by the customer
KPI tests of the fixture world and of the long world."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

TRAILING = pd.Timedelta(days=365)


def planted_kpis(world: Any) -> dict:
    """The world's planted KPIs (``kpis.json`` of its truth)."""
    return json.loads((world.truth_dir / "kpis.json").read_text())


def period_end(world: Any) -> pd.Timestamp:
    """The truth's period end: midnight after the world's last simulated day."""
    parameters = world.generation["parameters"]
    start = dt.date.fromisoformat(parameters["start"])
    return pd.Timestamp(start + dt.timedelta(days=parameters["days"]))


def omnichannel_counts(orders: pd.DataFrame, by: str, end: pd.Timestamp) -> tuple[int, int]:
    """The truth's rule: buyers with 2+ order channels in the trailing 365 days / buyers."""
    window = orders[orders[by].notna() & (orders["ordered_at"] >= end - TRAILING)]
    channels = window.groupby(by)["order_channel"].nunique()
    return int((channels >= 2).sum()), len(channels)


def repeat_counts(orders: pd.DataFrame, by: str, end: pd.Timestamp) -> tuple[int, int]:
    """The truth's rule: 2+ orders within 365 days of the first / first order 365+ days old."""
    known = orders[orders[by].notna()]
    first = known.groupby(by)["ordered_at"].min()
    old_enough = first[first <= end - TRAILING]
    again = known[known[by].isin(old_enough.index)].join(first.rename("first_at"), on=by)
    again = again[
        (again["ordered_at"] > again["first_at"])
        & (again["ordered_at"] <= again["first_at"] + TRAILING)
    ]
    return again[by].nunique(), len(old_enough)


def with_components(orders: pd.DataFrame, truth_dir: Path) -> pd.DataFrame:
    """`orders` with their linkable component (docs/generator.md, the planted-KPI contract):
    the records linked through non-junk identifiers and references, each component one
    customer of a perfect warehouse; missing when the order reaches none."""
    flags = pd.read_parquet(truth_dir / "identifiable_records.parquet")
    flags = flags[flags["source_table"].isin(["orders", "transactions"])]
    component = pd.Series(
        flags["component"].to_numpy(),
        index=(flags["source_system"] + ":" + flags["source_record_id"]).to_numpy(),
    )
    order_key = orders["source_system"] + ":" + orders["order_ref"]
    found = component.reindex(order_key).fillna(-1).astype(int).to_numpy()
    return orders.assign(component=np.where(found >= 0, found, np.nan))
