"""Print the customer KPIs a built warehouse found beside the generator's planted ones.

Usage (after `make generate` and a build):
    .venv/bin/python tools/customer_kpis_vs_truth.py [data/build/warehouse.duckdb] [data/truth]

For omnichannel_buyer_share and repeat_purchase_rate it prints four lines: the
planted headline (customers: each linkable component one customer, docs/generator.md
"The planted-KPI contract"), the truth's rule applied to the true orders grouped by
the warehouse's unified customer (the population the warehouse counts), the
warehouse's published value - these three must be equal - and the true-people value
(`true_people`), which differs by what no warehouse can see (split people, anonymous
orders), as tests/python/test_customer_kpis.py explains.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb
import pandas as pd

TRAILING = pd.Timedelta(days=365)


def _ratio(numerator: float, denominator: float) -> str:
    value = f"{numerator / denominator:.4f}" if denominator else "null"
    return f"{value} = {numerator:.0f} / {denominator:.0f}"


def omnichannel(orders: pd.DataFrame, by: str, end: pd.Timestamp) -> tuple[int, int]:
    window = orders[orders[by].notna() & (orders["ordered_at"] >= end - TRAILING)]
    channels = window.groupby(by)["order_channel"].nunique()
    return int((channels >= 2).sum()), len(channels)


def repeat(orders: pd.DataFrame, by: str, end: pd.Timestamp) -> tuple[int, int]:
    known = orders[orders[by].notna()]
    first = known.groupby(by)["ordered_at"].min()
    old = first[first <= end - TRAILING]
    again = known[known[by].isin(old.index)].join(first.rename("first_at"), on=by)
    again = again[
        (again["ordered_at"] > again["first_at"])
        & (again["ordered_at"] <= again["first_at"] + TRAILING)
    ]
    return again[by].nunique(), len(old)


def main(database: Path, truth: Path) -> int:
    planted = json.loads((truth / "kpis.json").read_text())
    orders = pd.read_parquet(truth / "orders.parquet")
    orders["order_key"] = orders["source_system"] + ":" + orders["order_ref"]
    with duckdb.connect(str(database), read_only=True) as con:
        published = con.execute("select * from marts.kpi_customers_as_of").df().iloc[0]
        unified = con.execute(
            "select order_key, customer_id from intermediate.int_orders_unified"
        ).df()
        mix = con.execute(
            "select customer_group, customer_count, historical_clv_12m_amount_eur, "
            "predicted_purchases_12m, predicted_clv_12m_amount_eur "
            "from marts.kpi_clv_by_channel_mix order by customer_group"
        ).df()
    orders = orders.merge(unified, on="order_key", how="left")
    orders = orders[~orders["is_cancelled"]]
    end = pd.Timestamp(published["as_of_date"])
    mismatches = 0
    for name, rule, column in (
        ("omnichannel_buyer_share", omnichannel, "omnichannel_buyer_share"),
        ("repeat_purchase_rate", repeat, "repeat_purchase_rate"),
    ):
        want = planted[name]
        partition = rule(orders, "customer_id", end)
        found = (
            float(published[f"{column}_numerator"]),
            float(published[f"{column}_denominator"]),
        )
        same = partition == found
        same = same and found == (want["numerator"], want["denominator"])
        mismatches += not same
        true_people = want["true_people"]
        print(f"{name}:")
        print(f"  planted (customers)             {_ratio(want['numerator'], want['denominator'])}")
        print(f"  truth rule, warehouse customers {_ratio(*partition)}")
        print(f"  found (warehouse)               {_ratio(*found)}  {'OK' if same else 'DIFFERS'}")
        print(
            "  true people (no warehouse sees) "
            f"{_ratio(true_people['numerator'], true_people['denominator'])}"
        )
    print(
        "other KPIs: "
        + ", ".join(
            f"{c}={published[c]}"
            for c in (
                "average_order_value_amount_eur",
                "purchase_frequency",
                "omnichannel_net_sales_share",
                "loyalty_net_sales_share",
                "historical_clv_12m_amount_eur",
            )
        )
    )
    print(mix.to_string(index=False))
    return 1 if mismatches else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    database = Path(args[0]) if args else Path("data/build/warehouse.duckdb")
    truth = Path(args[1]) if len(args) > 1 else Path("data/truth")
    sys.exit(main(database, truth))
