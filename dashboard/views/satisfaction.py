"""Satisfaction: CSAT and NPS of buyers vs non-buyers, by channel of the surveyed touchpoint."""

from __future__ import annotations

import streamlit as st
from charts import PERCENT_FORMAT, bars
from data_access import read
from filters import current
from formatting import percent, points, ratio

filters = current()
st.title("Satisfaction")
st.caption(
    f"Responses of the months overlapping {filters.start:%d %b %Y} to {filters.end:%d %b %Y}"
    f", {filters.channel or 'every'} touchpoint channel. CSAT = share of 4-5 on 1-5; "
    "NPS = % promoters (9-10) - % detractors (0-6), in points. A buyer ordered in the 90 days "
    "before responding."
)

responses = read(
    "select buyer_segment, touchpoint_channel, journey_stage,"
    " sum(csat_numerator) as csat_top, sum(csat_denominator) as csat_responses,"
    " sum(nps_promoter_count) as promoters, sum(nps_detractor_count) as detractors,"
    " sum(nps_denominator) as nps_responses"
    " from marts.kpi_satisfaction_monthly"
    " where response_month between date_trunc('month', cast(? as date)) and ?"
    " group by buyer_segment, touchpoint_channel, journey_stage",
    (filters.start, filters.end),
)
if filters.channel:
    responses = responses[responses["touchpoint_channel"] == filters.channel]


def nps(frame) -> float | None:
    share = ratio(
        float(frame["promoters"].sum() - frame["detractors"].sum()),
        float(frame["nps_responses"].sum()),
    )
    return None if share is None else 100 * share


kpis = st.columns(4)
for position, segment in enumerate(("buyer", "non_buyer")):
    rows = responses[responses["buyer_segment"] == segment]
    label = "buyers" if segment == "buyer" else "non-buyers"
    kpis[position].metric(
        f"CSAT, {label}",
        percent(ratio(float(rows["csat_top"].sum()), float(rows["csat_responses"].sum()))),
        help=f"{int(rows['csat_responses'].sum()):,} responses",
    )
    kpis[position + 2].metric(
        f"NPS, {label}", points(nps(rows)), help=f"{int(rows['nps_responses'].sum()):,} responses"
    )

by_channel = responses.groupby(["touchpoint_channel", "buyer_segment"], as_index=False)[
    ["csat_top", "csat_responses", "promoters", "detractors", "nps_responses"]
].sum()
by_channel["csat"] = by_channel["csat_top"] / by_channel["csat_responses"].where(
    by_channel["csat_responses"] > 0
)
by_channel["nps"] = (
    100
    * (by_channel["promoters"] - by_channel["detractors"])
    / by_channel["nps_responses"].where(by_channel["nps_responses"] > 0)
)
left, right = st.columns(2)
left.altair_chart(
    bars(
        by_channel.dropna(subset=["csat"]),
        "touchpoint_channel",
        "csat",
        "buyer_segment",
        "CSAT by touchpoint channel: buyers vs non-buyers",
        "Channel of the surveyed touchpoint",
        "CSAT, top-2-box (%)",
        PERCENT_FORMAT,
    ),
    width="stretch",
)
right.altair_chart(
    bars(
        by_channel.dropna(subset=["nps"]),
        "touchpoint_channel",
        "nps",
        "buyer_segment",
        "NPS by touchpoint channel: buyers vs non-buyers",
        "Channel of the surveyed touchpoint",
        "NPS (points, -100 to 100)",
        "+.0f",
    ),
    width="stretch",
)
