"""Marketing: MER and spend by channel, ad and message click-through, revenue per lead."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from charts import MONEY_FORMAT, PERCENT_FORMAT, bars, line
from data_access import read
from filters import current
from formatting import money, percent, ratio

filters = current()
st.title("Marketing")
st.caption(
    f"{filters.start:%d %b %Y} to {filters.end:%d %b %Y}, {filters.channel or 'all channels'}. "
    "MER = net sales / total marketing spend (the P&L's ad spend by target channel plus brand "
    "spend split by net sales share)."
)

pnl = read(
    "select pnl_date, order_channel, net_sales_amount_eur, marketing_spend_amount_eur"
    " from marts.fct_channel_pnl where pnl_date between ? and ?",
    (filters.start, filters.end),
)
pnl = pnl[pnl["order_channel"].isin(filters.channels())]
net_sales = float(pnl["net_sales_amount_eur"].sum())
spend = float(pnl["marketing_spend_amount_eur"].sum())
ads = read(
    "select sum(impression_count) as impressions, sum(click_count) as clicks"
    " from marts.kpi_ad_ctr_daily where performance_date between ? and ?",
    (filters.start, filters.end),
)
mer = ratio(net_sales, spend)
kpis = st.columns(3)
kpis[0].metric("MER", f"{mer:.2f}" if mer is not None else "–", help="Net sales / marketing spend")
kpis[1].metric("Marketing spend", money(spend))
kpis[2].metric(
    "Ad CTR (all channels)",
    percent(ratio(float(ads["clicks"].iloc[0] or 0), float(ads["impressions"].iloc[0] or 0)), 2),
    help="Ad clicks / impressions reported by the ad platforms",
)

pnl["week"] = pd.to_datetime(pnl["pnl_date"]).dt.to_period("W-SUN").dt.start_time
weekly = pnl.groupby("week", as_index=False)[
    ["net_sales_amount_eur", "marketing_spend_amount_eur"]
].sum()
weekly["mer"] = weekly["net_sales_amount_eur"] / weekly["marketing_spend_amount_eur"].where(
    weekly["marketing_spend_amount_eur"] > 0
)
by_channel = pnl.groupby("order_channel", as_index=False)[["marketing_spend_amount_eur"]].sum()
left, right = st.columns(2)
left.altair_chart(
    line(
        weekly,
        "week",
        "mer",
        None,
        "MER by week (net sales per euro of marketing)",
        "Week (starting Monday)",
        "MER (EUR net sales / EUR spend)",
        ",.2f",
    ),
    width="stretch",
)
right.altair_chart(
    bars(
        by_channel,
        "order_channel",
        "marketing_spend_amount_eur",
        None,
        "Marketing spend allocated by order channel (EUR)",
        "Order channel",
        "Marketing spend (EUR)",
        MONEY_FORMAT,
    ),
    width="stretch",
)

messages = read(
    "select message_channel, sum(click_through_rate_numerator) as clicks,"
    " sum(click_through_rate_denominator) as delivered,"
    " sum(click_to_open_rate_numerator) as open_clicks,"
    " sum(click_to_open_rate_denominator) as opened"
    " from marts.kpi_message_ctr_daily where send_date between ? and ?"
    " group by message_channel order by message_channel",
    (filters.start, filters.end),
)
messages["ctr"] = messages["clicks"] / messages["delivered"].where(messages["delivered"] > 0)
leads = read(
    "select lead_source, sum(revenue_per_lead_eur_numerator) as lead_net_sales,"
    " sum(revenue_per_lead_eur_denominator) as leads"
    " from marts.kpi_leads_monthly"
    " where lead_month between date_trunc('month', cast(? as date)) and ?"
    " group by lead_source order by lead_source",
    (filters.start, filters.end),
)
leads["revenue_per_lead"] = leads["lead_net_sales"].astype(float) / leads["leads"].where(
    leads["leads"] > 0
)
left, right = st.columns(2)
left.altair_chart(
    bars(
        messages.dropna(subset=["ctr"]),
        "message_channel",
        "ctr",
        None,
        "Email and SMS click-through rate",
        "Message channel",
        "Clicks / delivered (%)",
        PERCENT_FORMAT,
    ),
    width="stretch",
)
right.altair_chart(
    bars(
        leads.dropna(subset=["revenue_per_lead"]),
        "lead_source",
        "revenue_per_lead",
        None,
        "Revenue per lead by lead source (EUR, 90 days)",
        "Lead source",
        "Net sales per lead (EUR)",
        ",.2f",
    ),
    width="stretch",
)

st.subheader("Attribution: the six models side by side")
attribution = read(
    "select attribution_model, attribution_channel, order_channel,"
    " sum(attributed_net_sales_amount_eur) as attributed_net_sales"
    " from marts.fct_attribution where order_date between ? and ?"
    " group by attribution_model, attribution_channel, order_channel",
    (filters.start, filters.end),
)
attribution = attribution[attribution["order_channel"].isin(filters.channels())]
by_model = attribution.groupby(["attribution_channel", "attribution_model"], as_index=False)[
    "attributed_net_sales"
].sum()
by_model["attributed_net_sales"] = by_model["attributed_net_sales"].astype(float)
st.altair_chart(
    bars(
        by_model,
        "attribution_channel",
        "attributed_net_sales",
        "attribution_model",
        "Net sales attributed to each traffic channel, by attribution model (EUR)",
        "Channel of the touch (GA4 default channel group)",
        "Attributed net sales (EUR)",
        MONEY_FORMAT,
    ),
    width="stretch",
)

roas = read(
    "select attribution_model, ad_platform, sum(roas_numerator) as attributed,"
    " sum(roas_denominator) as spend"
    " from marts.kpi_marketing_roas_monthly"
    " where kpi_month between date_trunc('month', cast(? as date)) and ?"
    " and ad_platform not in ('(none)', 'unattributed')"
    " group by attribution_model, ad_platform",
    (filters.start, filters.end),
)
roas["roas"] = roas["attributed"].astype(float) / roas["spend"].astype(float).where(
    roas["spend"] > 0
)
last_touch = roas[roas["attribution_model"] == "last_non_direct"]
last_touch_roas = ratio(float(last_touch["attributed"].sum()), float(last_touch["spend"].sum()))
st.metric(
    "ROAS, last non-direct touch (all platforms)",
    "–" if last_touch_roas is None else f"{last_touch_roas:.2f}",
    help="Attributed net sales / ad spend; months overlapping the date range, every order channel",
)
st.altair_chart(
    bars(
        roas.dropna(subset=["roas"]),
        "ad_platform",
        "roas",
        "attribution_model",
        "ROAS by ad platform and attribution model (EUR net sales per EUR spend)",
        "Ad platform",
        "ROAS",
        ",.2f",
    ),
    width="stretch",
)
