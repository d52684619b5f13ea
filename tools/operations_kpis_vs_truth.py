"""Print the delivery, inventory, service and forecast KPIs a built warehouse found, beside
the generator's planted ones where it plants them.

Usage (after `make generate` and a build):
    .venv/bin/python tools/operations_kpis_vs_truth.py [data/build/warehouse.duckdb] [data/truth]

OTD, OTIF (metrics.md numerator and the truth's handed-over variant), inventory record
accuracy and stockout rate are summed from the marts' numerators and denominators, as
tests/python/test_operations_kpis.py does on the fixture world; exit 1 on a difference.
Service KPIs and forecast accuracy have no planted value in kpis.json and are printed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

CHECKS = {
    "otd_rate": (
        "select sum(otd_rate_numerator), sum(otd_rate_denominator) from marts.kpi_delivery_daily"
    ),
    "otif_rate": (
        "select sum(otif_rate_numerator), sum(otif_rate_denominator) from marts.kpi_delivery_daily"
    ),
    "inventory_record_accuracy": (
        "select sum(inventory_record_accuracy_numerator), "
        "sum(inventory_record_accuracy_denominator) from marts.kpi_inventory_monthly"
    ),
    "stockout_rate": (
        "select sum(stockout_rate_numerator), sum(stockout_rate_denominator) "
        "from marts.kpi_inventory_monthly"
    ),
}


def main(database: Path, truth: Path) -> int:
    planted = json.loads((truth / "kpis.json").read_text())
    mismatches = 0
    with duckdb.connect(str(database), read_only=True) as con:
        print(f"{'KPI':28s}{'found':>22s}{'planted':>22s}")
        for name, sql in CHECKS.items():
            numerator, denominator = con.execute(sql).fetchone()
            want = planted[name]
            same = (float(numerator), float(denominator)) == (
                want["numerator"],
                want["denominator"],
            )
            mismatches += not same
            found = f"{numerator}/{denominator}={numerator / denominator:.4f}"
            wanted = f"{want['numerator']:.0f}/{want['denominator']:.0f}={want['value']:.4f}"
            print(f"{name:28s}{found:>22s}{wanted:>22s}   {'exact' if same else 'DIFFERS'}")
        service = con.execute(
            "select sum(tickets_per_1000_orders_numerator) / sum(tickets_per_1000_orders_denominator), "
            "sum(first_contact_resolution_rate_numerator) "
            "/ sum(first_contact_resolution_rate_denominator), "
            "sum(service_csat_denominator), "
            "sum(ticketed_order_csat_numerator) / sum(ticketed_order_csat_denominator) "
            "from marts.kpi_service_monthly"
        ).fetchone()
        print(
            f"service: tickets per 1,000 orders {service[0]:.1f}, first contact resolution "
            f"{service[1]:.3f}, service CSAT responses {service[2]}, ticketed-order CSAT "
            f"{service[3]:.3f}"
        )
        rows = con.execute(
            "select abc_class, sum(model_wape_numerator) / sum(model_wape_denominator), "
            "sum(baseline_wape_numerator) / sum(baseline_wape_denominator), "
            "sum(model_bias_numerator) / sum(model_bias_denominator) "
            "from marts.kpi_forecast_accuracy where channel = 'all' group by abc_class "
            "order by abc_class"
        ).fetchall()
        print(f"{'ABC':6s}{'WAPE':>8s}{'naive':>8s}{'FVA pts':>9s}{'bias':>8s}")
        for abc, wape, naive, bias in rows:
            print(f"{abc:6s}{wape:>8.3f}{naive:>8.3f}{100 * (naive - wape):>9.1f}{bias:>8.3f}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    db = Path(args[0]) if args else Path("data/build/warehouse.duckdb")
    truth_dir = Path(args[1]) if len(args) > 1 else Path("data/truth")
    sys.exit(main(db, truth_dir))
