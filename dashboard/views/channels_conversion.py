"""Channels and conversion: store vs web vs app conversion, the closed funnel, engagement."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from charts import PERCENT_FORMAT, bars, line
from data_access import read
from filters import current
from formatting import percent, ratio

FUNNEL_STEPS = [
    ("session_count", "1 session"),
    ("product_view_session_count", "2 product view"),
    ("add_to_cart_session_count", "3 add to cart"),
    ("checkout_session_count", "4 checkout"),
    ("purchase_session_count", "5 purchase"),
]

filters = current()
st.title("Channels and conversion")
st.caption(
    f"{filters.start:%d %b %Y} to {filters.end:%d %b %Y} - store conversion = transactions / "
    "door-counter visitors; web/app conversion = sessions with a purchase / sessions."
)
channels = [c for c in ("store", "web", "app") if filters.channel in (None, c)]
if not channels:
    st.info(f"No conversion data for the {filters.channel} channel: choose store, web or app.")
    st.stop()
platforms = [c for c in channels if c != "store"]

store = read(
    "select local_date as day, 'store' as channel,"
    " store_conversion_rate_numerator as numerator, store_conversion_rate_denominator as denominator"
    " from marts.kpi_store_conversion_daily where local_date between ? and ?",
    (filters.start, filters.end),
)
digital = read(
    "select session_date as day, platform as channel,"
    " conversion_rate_numerator as numerator, conversion_rate_denominator as denominator"
    " from marts.kpi_digital_conversion_daily where session_date between ? and ?",
    (filters.start, filters.end),
)
daily = pd.concat([store, digital], ignore_index=True)
daily = daily[daily["channel"].isin(channels)]

columns = st.columns(len(channels))
for column, channel in zip(columns, channels, strict=True):
    rows = daily[daily["channel"] == channel]
    numerator, denominator = int(rows["numerator"].sum()), int(rows["denominator"].sum())
    column.metric(
        f"{channel.capitalize()} conversion rate",
        percent(ratio(numerator, denominator), 2),
        help=f"{numerator:,} / {denominator:,}"
        + (" transactions / visitors" if channel == "store" else " purchase sessions / sessions"),
    )

weekly = daily.assign(week=pd.to_datetime(daily["day"]).dt.to_period("W-SUN").dt.start_time)
weekly = weekly.groupby(["week", "channel"], as_index=False)[["numerator", "denominator"]].sum()
weekly["conversion_rate"] = weekly["numerator"] / weekly["denominator"].where(
    weekly["denominator"] > 0
)
st.altair_chart(
    line(
        weekly,
        "week",
        "conversion_rate",
        "channel",
        "Conversion rate by week and channel",
        "Week (starting Monday)",
        "Conversion rate (%)",
        PERCENT_FORMAT,
    ),
    width="stretch",
)

if platforms:
    funnel = read(
        "select platform, sum(session_count) as session_count,"
        " sum(product_view_session_count) as product_view_session_count,"
        " sum(add_to_cart_session_count) as add_to_cart_session_count,"
        " sum(checkout_session_count) as checkout_session_count,"
        " sum(purchase_session_count) as purchase_session_count"
        " from marts.kpi_funnel_daily where session_date between ? and ? group by platform",
        (filters.start, filters.end),
    )
    funnel = funnel[funnel["platform"].isin(platforms)]
    steps = funnel.melt(
        id_vars="platform",
        value_vars=[column for column, _ in FUNNEL_STEPS],
        var_name="step",
        value_name="sessions",
    )
    steps["step"] = steps["step"].map(dict(FUNNEL_STEPS))
    left, right = st.columns(2)
    left.altair_chart(
        bars(
            steps,
            "step",
            "sessions",
            "platform",
            "Closed funnel: sessions reaching each step",
            "Funnel step",
            "Sessions (count)",
            ",.0f",
        ),
        width="stretch",
    )
    rates = steps.sort_values(["platform", "step"]).copy()
    rates["rate"] = rates.groupby("platform")["sessions"].transform(
        lambda sessions: sessions / sessions.shift(1).where(sessions.shift(1) > 0)
    )
    rates = rates.dropna(subset=["rate"])
    right.altair_chart(
        bars(
            rates,
            "step",
            "rate",
            "platform",
            "Step conversion: share of the previous step",
            "Funnel step",
            "Share of previous step (%)",
            PERCENT_FORMAT,
        ),
        width="stretch",
    )

    engagement = read(
        "select platform, sum(engagement_rate_numerator) as engaged,"
        " sum(engagement_rate_denominator) as sessions,"
        " sum(returning_visit_rate_numerator) as returning,"
        " sum(average_engagement_time_msec_numerator) as engagement_msec"
        " from marts.kpi_digital_engagement_daily where session_date between ? and ?"
        " group by platform order by platform",
        (filters.start, filters.end),
    )
    engagement = engagement[engagement["platform"].isin(platforms)]
    st.subheader("Engagement (GA4 definitions)")
    st.dataframe(
        pd.DataFrame(
            {
                "Platform": engagement["platform"],
                "Sessions": engagement["sessions"].map("{:,.0f}".format),
                "Engagement rate": [
                    percent(ratio(e, s))
                    for e, s in zip(engagement["engaged"], engagement["sessions"], strict=True)
                ],
                "Bounce rate": [
                    percent(ratio(s - e, s))
                    for e, s in zip(engagement["engaged"], engagement["sessions"], strict=True)
                ],
                "Returning visit rate": [
                    percent(ratio(r, s))
                    for r, s in zip(engagement["returning"], engagement["sessions"], strict=True)
                ],
                "Avg engagement time (s)": [
                    f"{ratio(m, s) / 1000:.1f}" if s else "–"
                    for m, s in zip(
                        engagement["engagement_msec"], engagement["sessions"], strict=True
                    )
                ],
            }
        ),
        hide_index=True,
    )
