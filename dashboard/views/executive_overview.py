"""Executive overview: net sales and contribution margins CM1-CM3 by channel over time."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from charts import MONEY_FORMAT, bars, line
from data_access import read
from filters import current
from formatting import money, percent, ratio

LINES = [
    ("gross_sales_amount_eur", "Gross sales"),
    ("discount_amount_eur", "Discounts"),
    ("returned_amount_eur", "Returns"),
    ("net_sales_amount_eur", "Net sales"),
    ("cogs_amount_eur", "COGS"),
    ("cm1_amount_eur", "CM1"),
    ("fulfilment_cost_amount_eur", "Fulfilment cost"),
    ("payment_fee_amount_eur", "Payment fees"),
    ("marketplace_commission_amount_eur", "Marketplace commission"),
    ("cm2_amount_eur", "CM2"),
    ("marketing_spend_amount_eur", "Marketing spend"),
    ("store_operating_cost_amount_eur", "Store operating cost"),
    ("cm3_amount_eur", "CM3"),
]

filters = current()
st.title("Executive overview")
st.caption(
    f"{filters.start:%d %b %Y} to {filters.end:%d %b %Y}, "
    f"{filters.channel or 'all channels'} - the single P&L across channels "
    "(fct_channel_pnl), EUR excluding VAT; returns are credited to the original order's "
    "channel and date."
)

pnl = read(
    "select pnl_date, order_channel, "
    + ", ".join(column for column, _ in LINES)
    + " from marts.fct_channel_pnl where pnl_date between ? and ?"
    " order by pnl_date, order_channel",
    (filters.start, filters.end),
)
pnl = pnl[pnl["order_channel"].isin(filters.channels())]
money_columns = [column for column, _ in LINES]
pnl[money_columns] = pnl[money_columns].astype(float)
totals = pnl[money_columns].sum()

kpis = st.columns(3)
kpis[0].metric("Net sales", money(totals["net_sales_amount_eur"]))
kpis[1].metric("CM1", money(totals["cm1_amount_eur"]))
kpis[2].metric("CM2", money(totals["cm2_amount_eur"]))
kpis = st.columns(3)
kpis[0].metric("CM3", money(totals["cm3_amount_eur"]))
kpis[1].metric(
    "CM3 margin",
    percent(ratio(totals["cm3_amount_eur"], totals["net_sales_amount_eur"])),
    help="CM3 / net sales",
)

days = (filters.end - filters.start).days + 1
grain, grain_label, period_format, label_format = (
    ("W-SUN", "Week (starting Monday)", "%d %b %Y", "%Y-%m-%d")
    if days <= 120
    else ("M", "Month", "%b %Y", "%Y-%m")
)
pnl["period"] = pd.to_datetime(pnl["pnl_date"]).dt.to_period(grain).dt.start_time
by_period = pnl.groupby(["period", "order_channel"], as_index=False)[money_columns].sum()
by_period["period_label"] = by_period["period"].dt.strftime(label_format)

st.altair_chart(
    bars(
        by_period,
        "period_label",
        "net_sales_amount_eur",
        "order_channel",
        f"Net sales by {grain_label.split()[0].lower()} and channel (EUR)",
        grain_label,
        "Net sales (EUR)",
        MONEY_FORMAT,
        x_type="O",
        stacked=True,
    ),
    width="stretch",
)

margin_line = st.radio("Contribution margin", ["CM1", "CM2", "CM3"], horizontal=True, index=2)
margin_column = f"{margin_line.lower()}_amount_eur"
st.altair_chart(
    line(
        by_period,
        "period",
        margin_column,
        "order_channel",
        f"{margin_line} by {grain_label.split()[0].lower()} and channel (EUR)",
        grain_label,
        f"{margin_line} (EUR)",
        MONEY_FORMAT,
        x_format=period_format,
    ),
    width="stretch",
)

st.subheader("P&L by channel (EUR)")
statement = pnl.groupby("order_channel")[money_columns].sum().T
statement.index = [label for _, label in LINES]
statement["Total"] = statement.sum(axis=1)
st.dataframe(statement.map(money), width="stretch")
