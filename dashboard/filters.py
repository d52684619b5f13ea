"""The filters every page shares: a date range and an order channel, kept in the sidebar."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

ALL_CHANNELS = "All channels"
ORDER_CHANNELS = ["web", "app", "store", "marketplace", "phone"]


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date
    channel: str | None  # None: every channel

    def channels(self, available: list[str] | None = None) -> list[str]:
        """The channels selected, among `available` (default: the order channels)."""
        pool = available or ORDER_CHANNELS
        return [self.channel] if self.channel in pool else ([] if self.channel else list(pool))


def sidebar_filters(first_day: dt.date, last_day: dt.date) -> Filters:
    """Date range (within the data) and channel, from the sidebar widgets."""
    st.sidebar.header("Filters")
    chosen = st.sidebar.date_input(
        "Date range",
        value=(first_day, last_day),
        min_value=first_day,
        max_value=last_day,
        key="date_range",
    )
    start, end = (chosen[0], chosen[-1]) if isinstance(chosen, tuple | list) else (chosen, chosen)
    channel = st.sidebar.radio("Channel", [ALL_CHANNELS, *ORDER_CHANNELS], key="channel")
    return Filters(start=start, end=end, channel=None if channel == ALL_CHANNELS else channel)


def current() -> Filters:
    """The filters set by the app's sidebar on this run."""
    return st.session_state["filters"]
