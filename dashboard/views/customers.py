"""Customers: cohort retention, CLV of omnichannel vs single-channel customers, omnichannel share."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from charts import MONEY_FORMAT, bars, heatmap
from data_access import read, tables
from filters import current
from formatting import money, percent, ratio

filters = current()
st.title("Customers")

snapshot = read(
    "select as_of_date, customer_count,"
    " omnichannel_buyer_share_numerator, omnichannel_buyer_share_denominator,"
    " omnichannel_net_sales_share_numerator, omnichannel_net_sales_share_denominator,"
    " repeat_purchase_rate_numerator, repeat_purchase_rate_denominator,"
    " loyalty_net_sales_share_numerator, loyalty_net_sales_share_denominator,"
    " purchase_frequency_numerator, purchase_frequency_denominator"
    " from marts.kpi_customers_as_of order by as_of_date desc limit 1"
)
latest = snapshot.iloc[0]
st.caption(
    f"Unified customers of the identity graph, as of {latest['as_of_date']:%d %b %Y} "
    "(trailing 365 days). The date range selects the first-order cohorts of the retention "
    "heatmap; the channel filter does not apply to customer KPIs (a customer spans channels)."
)
kpis = st.columns(3)
kpis[0].metric(
    "Omnichannel buyer share",
    percent(
        ratio(
            latest["omnichannel_buyer_share_numerator"],
            latest["omnichannel_buyer_share_denominator"],
        )
    ),
    help="Customers who bought in 2+ order channels / customers who ordered (365 days)",
)
kpis[1].metric(
    "Omnichannel share of net sales",
    percent(
        ratio(
            latest["omnichannel_net_sales_share_numerator"],
            latest["omnichannel_net_sales_share_denominator"],
        )
    ),
)
kpis[2].metric(
    "Repeat purchase rate",
    percent(
        ratio(latest["repeat_purchase_rate_numerator"], latest["repeat_purchase_rate_denominator"])
    ),
    help="2+ orders within 365 days of the first / customers whose first order is 365+ days old",
)
kpis = st.columns(3)
kpis[0].metric("Customers", f"{int(latest['customer_count']):,}")
kpis[1].metric(
    "Loyalty members' share of sales",
    percent(
        ratio(
            latest["loyalty_net_sales_share_numerator"],
            latest["loyalty_net_sales_share_denominator"],
        )
    ),
)
kpis[2].metric(
    "Purchase frequency",
    f"{ratio(latest['purchase_frequency_numerator'], latest['purchase_frequency_denominator']) or 0:.2f}",
    help="Orders / customers who ordered (365 days)",
)

retention = read(
    "select cohort_month, months_since_first_order,"
    " retention_rate_numerator, retention_rate_denominator"
    " from marts.kpi_cohort_retention_monthly"
    " where cohort_month between date_trunc('month', cast(? as date)) and ?"
    " order by cohort_month, months_since_first_order",
    (filters.start, filters.end),
)
retention["cohort"] = pd.to_datetime(retention["cohort_month"]).dt.strftime("%Y-%m")
retention["retention_rate"] = retention["retention_rate_numerator"] / retention[
    "retention_rate_denominator"
].where(retention["retention_rate_denominator"] > 0)
st.altair_chart(
    heatmap(
        retention,
        "months_since_first_order",
        "cohort",
        "retention_rate",
        "Cohort retention: share of each first-order cohort ordering again in month n",
        "Months since first order (n)",
        "First-order month (cohort)",
        "Retention (%)",
    ),
    width="stretch",
)

if "marts.kpi_clv_by_channel_mix" in tables():
    clv = read(
        "select customer_group, customer_count,"
        " historical_clv_12m_numerator, historical_clv_12m_denominator,"
        " historical_clv_24m_numerator, historical_clv_24m_denominator,"
        " predicted_clv_12m_numerator, predicted_clv_12m_denominator"
        " from marts.kpi_clv_by_channel_mix"
        " where customer_group in ('omnichannel', 'single_channel') order by customer_group"
    )
    rows = []
    for _, group in clv.iterrows():
        for label, prefix in (
            ("Historical CLV, 12 months", "historical_clv_12m"),
            ("Historical CLV, 24 months", "historical_clv_24m"),
            ("Predicted CLV, 12 months", "predicted_clv_12m"),
        ):
            value = ratio(group[f"{prefix}_numerator"], group[f"{prefix}_denominator"])
            rows.append(
                {"customer_group": group["customer_group"], "measure": label, "clv_eur": value}
            )
    clv_long = pd.DataFrame(rows)
    columns = st.columns(2)
    for column, group in zip(columns, ("omnichannel", "single_channel"), strict=True):
        value = clv_long[
            (clv_long["customer_group"] == group)
            & (clv_long["measure"] == "Predicted CLV, 12 months")
        ]["clv_eur"]
        column.metric(
            f"Predicted 12-month CLV, {group.replace('_', '-')}",
            money(value.iloc[0] if len(value) else None),
        )
    st.altair_chart(
        bars(
            clv_long.dropna(subset=["clv_eur"]),
            "measure",
            "clv_eur",
            "customer_group",
            "CLV per customer: omnichannel vs single-channel (EUR, CM2 based)",
            "CLV measure",
            "CLV per customer (EUR)",
            MONEY_FORMAT,
        ),
        width="stretch",
    )
    st.caption(
        "Historical CLV = mean cumulative CM2 12 / 24 months after the first order, among "
        "customers for whom the horizon is observable (none in a world shorter than that). "
        "Predicted CLV: BG/NBD purchases x Gamma-Gamma order value, 12-month horizon."
    )
