"""Operations: on-time delivery and OTIF trend, inventory record accuracy, stockouts, reorder alerts."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from charts import PERCENT_FORMAT, bars, line
from data_access import read
from filters import current
from formatting import percent, ratio

filters = current()
st.title("Operations")
st.caption(
    f"{filters.start:%d %b %Y} to {filters.end:%d %b %Y}, {filters.channel or 'all channels'}. "
    "OTD = shipments delivered by the original promised date / shipments due (a reschedule "
    "does not reset the clock); OTIF also needs every ordered unit. IRA = cycle counts within "
    "tolerance (A exact, B 2%, C 5%) / cycle counts."
)

delivery = read(
    "select due_date, order_channel, sum(otd_rate_numerator) as on_time,"
    " sum(otif_rate_numerator) as on_time_in_full, sum(otd_rate_denominator) as due"
    " from marts.kpi_delivery_daily where due_date between ? and ?"
    " group by due_date, order_channel",
    (filters.start, filters.end),
)
delivery = delivery[delivery["order_channel"].isin(filters.channels())]
inventory = read(
    "select month_start_date, abc_class,"
    " sum(inventory_record_accuracy_numerator) as accurate,"
    " sum(inventory_record_accuracy_denominator) as counts,"
    " sum(stockout_rate_numerator) as stockout_days,"
    " sum(stockout_rate_denominator) as active_days"
    " from marts.kpi_inventory_monthly"
    " where month_start_date between date_trunc('month', cast(? as date)) and ?"
    " group by month_start_date, abc_class",
    (filters.start, filters.end),
)
on_time, in_full, due = (
    float(delivery["on_time"].sum()),
    float(delivery["on_time_in_full"].sum()),
    float(delivery["due"].sum()),
)
kpis = st.columns(4)
kpis[0].metric("On-time delivery (OTD)", percent(ratio(on_time, due)), help=f"{due:,.0f} due")
kpis[1].metric("OTIF", percent(ratio(in_full, due)))
kpis[2].metric(
    "Inventory record accuracy",
    percent(ratio(float(inventory["accurate"].sum()), float(inventory["counts"].sum()))),
)
kpis[3].metric(
    "Stockout rate",
    percent(
        ratio(float(inventory["stockout_days"].sum()), float(inventory["active_days"].sum())), 2
    ),
    help="SKU-location-days with nothing available / active SKU-location-days",
)

weekly = delivery.assign(
    week=pd.to_datetime(delivery["due_date"]).dt.to_period("W-SUN").dt.start_time
)
weekly = weekly.groupby("week", as_index=False)[["on_time", "on_time_in_full", "due"]].sum()
trend = pd.DataFrame(
    {
        "week": weekly["week"],
        "OTD": weekly["on_time"] / weekly["due"].where(weekly["due"] > 0),
        "OTIF": weekly["on_time_in_full"] / weekly["due"].where(weekly["due"] > 0),
    }
).melt(id_vars="week", var_name="measure", value_name="rate")
st.altair_chart(
    line(
        trend,
        "week",
        "rate",
        "measure",
        "On-time delivery and OTIF by week of the promised date",
        "Week of the original promised date (starting Monday)",
        "Share of shipments due (%)",
        PERCENT_FORMAT,
    ),
    width="stretch",
)

by_class = inventory.groupby("abc_class", as_index=False)[
    ["accurate", "counts", "stockout_days", "active_days"]
].sum()
by_class["ira"] = by_class["accurate"] / by_class["counts"].where(by_class["counts"] > 0)
by_class["stockout_rate"] = by_class["stockout_days"] / by_class["active_days"].where(
    by_class["active_days"] > 0
)
left, right = st.columns(2)
left.altair_chart(
    bars(
        by_class.dropna(subset=["ira"]),
        "abc_class",
        "ira",
        None,
        "Inventory record accuracy by ABC class",
        "ABC class",
        "Cycle counts within tolerance (%)",
        PERCENT_FORMAT,
    ),
    width="stretch",
)
right.altair_chart(
    bars(
        by_class.dropna(subset=["stockout_rate"]),
        "abc_class",
        "stockout_rate",
        None,
        "Stockout rate by ABC class",
        "ABC class",
        "SKU-location-days out of stock (%)",
        PERCENT_FORMAT,
    ),
    width="stretch",
)

st.subheader("Reorder alerts: SKU-locations below their reorder point")
alerts = read(
    "select sku, location_id, abc_class, available_units,"
    " round(reorder_point_units, 1) as reorder_point_units,"
    " round(days_of_supply, 1) as days_of_supply, supplier_lead_time_days"
    " from marts.fct_inventory_daily"
    " where is_below_reorder_point and snapshot_date = ("
    "  select max(snapshot_date) from marts.fct_inventory_daily where snapshot_date <= ?)"
    " order by abc_class, days_of_supply nulls first, sku, location_id",
    (filters.end,),
)
st.caption(
    f"{len(alerts):,} SKU-locations on the last day of the range; reorder point = d x L + "
    "1.65 x sigma_d x sqrt(L) over 28 days of demand."
)
st.dataframe(alerts, hide_index=True, width="stretch")
