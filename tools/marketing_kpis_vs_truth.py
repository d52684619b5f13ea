"""Print the marketing, satisfaction and cross-channel KPIs a built warehouse found beside the
generator's planted ones.

Usage (after `make generate` and a build):
    .venv/bin/python tools/marketing_kpis_vs_truth.py [data/build/warehouse.duckdb] [data/truth]

Each KPI is the sum of its mart's numerator over the sum of its denominator (every month and
group), the way tests/python/test_marketing_kpis.py reads it on the fixture world. The truth
uses the TRUE person behind every record, the warehouse its unified customers, so lead revenue,
lead conversion, the NPS buyer split and the ROPO share are lower bounds of the truth (see the
tests for the exact accounting); CSAT and the fulfilment shares should be exact.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

# kpis.json name -> (mart, ratio column, filter, scale of the value)
KPIS: dict[str, tuple[str, str, str, float]] = {
    "revenue_per_lead_eur": ("kpi_leads_monthly", "revenue_per_lead_eur", "1 = 1", 1.0),
    "lead_conversion_rate": ("kpi_leads_monthly", "lead_conversion_rate", "1 = 1", 1.0),
    "csat_buyers": ("kpi_satisfaction_monthly", "csat", "buyer_segment = 'buyer'", 1.0),
    "csat_non_buyers": ("kpi_satisfaction_monthly", "csat", "buyer_segment = 'non_buyer'", 1.0),
    "nps_buyers": ("kpi_satisfaction_monthly", "nps", "buyer_segment = 'buyer'", 100.0),
    "nps_non_buyers": ("kpi_satisfaction_monthly", "nps", "buyer_segment = 'non_buyer'", 100.0),
    "ropo_share_of_store_sales": (
        "kpi_cross_channel_monthly",
        "ropo_share_of_store_sales",
        "1 = 1",
        1.0,
    ),
    "bopis_share_of_online_orders": (
        "kpi_cross_channel_monthly",
        "bopis_share_of_online_orders",
        "1 = 1",
        1.0,
    ),
    "ship_from_store_share_of_online_orders": (
        "kpi_cross_channel_monthly",
        "ship_from_store_share_of_online_orders",
        "1 = 1",
        1.0,
    ),
}


def value(numerator: float, denominator: float, scale: float) -> float | None:
    return scale * numerator / denominator if denominator else None


def show(number: float | None) -> str:
    return "-" if number is None else f"{number:,.4f}"


def main(database: Path, truth: Path) -> int:
    planted = json.loads((truth / "kpis.json").read_text())
    print(
        f"{'KPI':40s}{'found':>12s}{'identif.':>12s}{'planted':>12s}"
        f"{'found n/d':>24s}{'identifiable n/d':>24s}{'planted n/d':>24s}"
    )
    with duckdb.connect(str(database), read_only=True) as con:
        for kpi, (mart, ratio, where, scale) in KPIS.items():
            numerator, denominator = con.execute(
                f"select coalesce(sum({ratio}_numerator), 0), coalesce(sum({ratio}_denominator), 0)"
                f" from marts.{mart} where {where}"
            ).fetchone()
            want = planted[kpi]
            best = want.get("identifiable", want)
            print(
                f"{kpi:40s}{show(value(float(numerator), float(denominator), scale)):>12s}"
                f"{show(best['value']):>12s}{show(want['value']):>12s}"
                f"{float(numerator):>14,.2f} /{float(denominator):>8,.0f}"
                f"{best['numerator']:>14,.2f} /{best['denominator']:>8,.0f}"
                f"{want['numerator']:>14,.2f} /{want['denominator']:>8,.0f}"
            )
        print()
        for model, net_sales, unattributed in con.execute(
            "select attribution_model, sum(attributed_net_sales_amount_eur),"
            " sum(case when is_unattributed then attributed_net_sales_amount_eur else 0 end)"
            " from marts.fct_attribution group by 1 order by 1"
        ).fetchall():
            print(
                f"attribution {model:18s} net sales {net_sales:>14,.2f}  unattributed {unattributed:>14,.2f}"
            )
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(
        main(
            Path(args[0] if args else "data/build/warehouse.duckdb"),
            Path(args[1] if len(args) > 1 else "data/truth"),
        )
    )
