"""Print the finance KPIs a built warehouse found beside the generator's planted ones.

Usage (after `make generate` and a build):
    .venv/bin/python tools/finance_kpis_vs_truth.py [data/build/warehouse.duckdb] [data/truth]

Net sales and CM1 by channel are summed over the days of marts.fct_channel_pnl;
the oversell rate and the BOPIS / ship-from-store shares of online orders from the
numerators and denominators of marts.kpi_fulfilment_mix_daily, the way
tests/python/test_finance_kpis.py does on the fixture world. Exit 1 on a difference.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

RATIOS = ("oversell_rate", "bopis_share_of_online_orders", "ship_from_store_share_of_online_orders")


def main(database: Path, truth: Path) -> int:
    planted = json.loads((truth / "kpis.json").read_text())
    mismatches = 0
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select order_channel, sum(net_sales_amount_eur), sum(cm1_amount_eur), "
            "sum(cm2_amount_eur), sum(cm3_amount_eur) "
            "from marts.fct_channel_pnl group by order_channel order by order_channel"
        ).fetchall()
        print(
            f"{'channel':12s}{'net sales found':>17s}{'planted':>14s}{'CM1 found':>14s}{'planted':>14s}"
            f"{'CM2':>14s}{'CM3':>15s}"
        )
        for channel, net, cm1, cm2, cm3 in rows:
            want_net = Decimal(str(planted["net_sales_eur_by_channel"][channel])).quantize(
                Decimal("0.01")
            )
            want_cm1 = Decimal(str(planted["cm1_eur_by_channel"][channel])).quantize(
                Decimal("0.01")
            )
            same = net == want_net and cm1 == want_cm1
            mismatches += not same
            print(
                f"{channel:12s}{net:>17,.2f}{want_net:>14,.2f}{cm1:>14,.2f}{want_cm1:>14,.2f}"
                f"{cm2:>14,.2f}{cm3:>15,.2f}   {'exact' if same else 'DIFFERS'}"
            )
        for ratio in RATIOS:
            numerator, denominator = con.execute(
                f"select sum({ratio}_numerator), sum({ratio}_denominator) "
                "from marts.kpi_fulfilment_mix_daily"
            ).fetchone()
            want = planted[ratio]
            same = (float(numerator), float(denominator)) == (
                want["numerator"],
                want["denominator"],
            )
            mismatches += not same
            print(
                f"{ratio:40s} found {numerator:>6d} / {denominator:<6d} = {numerator / denominator:.5f}"
                f"   planted {want['numerator']:>6.0f} / {want['denominator']:<6.0f} = {want['value']:.5f}"
                f"   {'exact' if same else 'DIFFERS'}"
            )
    return 1 if mismatches else 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    database = Path(arguments[0]) if arguments else Path("data/build/warehouse.duckdb")
    truth_dir = Path(arguments[1]) if len(arguments) > 1 else Path("data/truth")
    sys.exit(main(database, truth_dir))
