"""The omnichannel dashboard: `make dashboard` serves it on localhost.

It reads only the published warehouse (read-only) through the marts; pages are
listed in PAGES, each a script in views/. The sidebar filters (date range,
channel) apply to every page.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from data_access import published_path, read, tables
from filters import sidebar_filters

# (script, url path, title, icon), in menu order; the first is the default page, at "/".
PAGES = [
    ("views/executive_overview.py", "executive", "Executive overview", ":material/monitoring:"),
    (
        "views/channels_conversion.py",
        "channels",
        "Channels and conversion",
        ":material/storefront:",
    ),
    ("views/customers.py", "customers", "Customers", ":material/group:"),
    ("views/marketing.py", "marketing", "Marketing", ":material/campaign:"),
    (
        "views/journey_cross_channel.py",
        "journey",
        "Journey and cross-channel",
        ":material/route:",
    ),
    ("views/satisfaction.py", "satisfaction", "Satisfaction", ":material/sentiment_satisfied:"),
    ("views/operations.py", "operations", "Operations", ":material/local_shipping:"),
]
# (mart, date column) whose days bound the date filter
DATED_MARTS = [
    ("marts.fct_channel_pnl", "pnl_date"),
    ("marts.kpi_digital_conversion_daily", "session_date"),
    ("marts.kpi_store_conversion_daily", "local_date"),
]


def date_bounds(available: set[str]) -> tuple[dt.date, dt.date]:
    """First and last day with data in the published marts."""
    parts = [
        f"select min({column}) as first_day, max({column}) as last_day from {mart}"
        for mart, column in DATED_MARTS
        if mart in available
    ]
    frame = read(
        "select min(first_day) as first_day, max(last_day) as last_day from ("
        + " union all ".join(parts)
        + ") as bounds"
    )
    return frame["first_day"].iloc[0].date(), frame["last_day"].iloc[0].date()


def main() -> None:
    st.set_page_config(page_title="Omnichannel KPIs", page_icon=":bar_chart:", layout="wide")
    available = tables()
    first_day, last_day = date_bounds(available)
    st.session_state["filters"] = sidebar_filters(first_day, last_day)
    st.sidebar.caption(f"Warehouse: `{published_path()}` (published, read-only)")
    st.sidebar.caption(f"{len(available)} marts and semantic tables")
    navigation = st.navigation(
        [
            st.Page(script, title=title, icon=icon, url_path=url_path, default=position == 0)
            for position, (script, url_path, title, icon) in enumerate(PAGES)
        ]
    )
    navigation.run()


main()
