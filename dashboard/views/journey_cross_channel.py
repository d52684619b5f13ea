"""Journey and cross-channel: the journey stage funnel, ROPO and reverse ROPO."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from charts import PERCENT_FORMAT, bars, line
from data_access import read
from filters import current
from formatting import percent, ratio

filters = current()
st.title("Journey and cross-channel")
st.caption(
    f"Months overlapping {filters.start:%d %b %Y} to {filters.end:%d %b %Y}. Customers are "
    "unified across channels, so the channel filter does not apply here."
)

stages = read(
    "select journey_stage, min(stage_rank) as stage_rank,"
    " sum(customers_reaching_count) as customers,"
    " sum(stage_conversion_rate_numerator) as converted,"
    " sum(stage_conversion_rate_denominator) as previous"
    " from marts.fct_customer_journey_stages"
    " where stage_month between date_trunc('month', cast(? as date)) and ?"
    " group by journey_stage order by stage_rank",
    (filters.start, filters.end),
)
stages["stage"] = stages["stage_rank"].astype(int).astype(str) + " " + stages["journey_stage"]
stages["conversion"] = stages["converted"] / stages["previous"].where(stages["previous"] > 0)

cross = read(
    "select kpi_month,"
    " ropo_share_of_store_sales_numerator, ropo_share_of_store_sales_denominator,"
    " reverse_ropo_share_of_online_orders_numerator,"
    " reverse_ropo_share_of_online_orders_denominator"
    " from marts.kpi_cross_channel_monthly"
    " where kpi_month between date_trunc('month', cast(? as date)) and ? order by kpi_month",
    (filters.start, filters.end),
)
kpis = st.columns(2)
kpis[0].metric(
    "ROPO share of store sales",
    percent(
        ratio(
            float(cross["ropo_share_of_store_sales_numerator"].sum()),
            float(cross["ropo_share_of_store_sales_denominator"].sum()),
        )
    ),
    help="Store net sales whose customer viewed the product or its category online in the 14 days before / store net sales",
)
kpis[1].metric(
    "Reverse ROPO share of online orders",
    percent(
        ratio(
            float(cross["reverse_ropo_share_of_online_orders_numerator"].sum()),
            float(cross["reverse_ropo_share_of_online_orders_denominator"].sum()),
        )
    ),
    help="Online orders whose customer visited a store in the 14 days before / online orders",
)

left, right = st.columns(2)
left.altair_chart(
    bars(
        stages,
        "stage",
        "customers",
        None,
        "Journey stage funnel: customers first reaching each stage",
        "Journey stage",
        "Customers (count)",
        ",.0f",
    ),
    width="stretch",
)
right.altair_chart(
    bars(
        stages.dropna(subset=["conversion"]),
        "stage",
        "conversion",
        None,
        "Stage-to-stage conversion from the previous stage",
        "Journey stage",
        "Conversion from previous stage (%)",
        PERCENT_FORMAT,
    ),
    width="stretch",
)

shares = pd.DataFrame(
    {
        "month": pd.to_datetime(cross["kpi_month"]),
        "ROPO share of store sales": cross["ropo_share_of_store_sales_numerator"].astype(float)
        / cross["ropo_share_of_store_sales_denominator"]
        .astype(float)
        .where(cross["ropo_share_of_store_sales_denominator"] > 0),
        "Reverse ROPO share of online orders": cross[
            "reverse_ropo_share_of_online_orders_numerator"
        ].astype(float)
        / cross["reverse_ropo_share_of_online_orders_denominator"]
        .astype(float)
        .where(cross["reverse_ropo_share_of_online_orders_denominator"] > 0),
    }
).melt(id_vars="month", var_name="measure", value_name="share")
st.altair_chart(
    line(
        shares,
        "month",
        "share",
        "measure",
        "ROPO and reverse ROPO by month",
        "Month",
        "Share (%)",
        PERCENT_FORMAT,
        x_format="%b %Y",
        tick_interval="month",
    ),
    width="stretch",
)
