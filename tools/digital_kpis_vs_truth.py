"""Print the digital and conversion KPIs a built warehouse found beside the generator's planted ones.

Usage (after `make generate` and a build):
    .venv/bin/python tools/digital_kpis_vs_truth.py [data/build/warehouse.duckdb] [data/truth]

Sums each mart's published numerator and denominator over all days and groups,
the way tests/python/test_digital_kpis.py does on the fixture world.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

# kpis.json name -> (mart, ratio column prefix, filter)
KPIS: list[tuple[str, str, str, str]] = [
    ("web_conversion_rate", "kpi_digital_conversion_daily", "conversion_rate", "platform = 'web'"),
    ("app_conversion_rate", "kpi_digital_conversion_daily", "conversion_rate", "platform = 'app'"),
    ("engagement_rate_web", "kpi_digital_engagement_daily", "engagement_rate", "platform = 'web'"),
    ("engagement_rate_app", "kpi_digital_engagement_daily", "engagement_rate", "platform = 'app'"),
    (
        "returning_visit_rate_web",
        "kpi_digital_engagement_daily",
        "returning_visit_rate_visitor_id",
        "platform = 'web'",
    ),
    (
        "returning_visit_rate_app",
        "kpi_digital_engagement_daily",
        "returning_visit_rate_visitor_id",
        "platform = 'app'",
    ),
    ("store_conversion_rate", "kpi_store_conversion_daily", "store_conversion_rate", "1 = 1"),
    ("promotion_ctr_web", "kpi_promotion_ctr_daily", "click_through_rate", "platform = 'web'"),
    ("promotion_ctr_app", "kpi_promotion_ctr_daily", "click_through_rate", "platform = 'app'"),
]


def main(database: Path, truth: Path) -> int:
    planted = json.loads((truth / "kpis.json").read_text())
    mismatches = 0
    with duckdb.connect(str(database), read_only=True) as con:
        for name, mart, ratio, where in KPIS:
            row = con.execute(
                f"select sum({ratio}_numerator), sum({ratio}_denominator) from marts.{mart} where {where}"
            ).fetchone()
            numerator, denominator = (float(row[0] or 0), float(row[1] or 0)) if row else (0.0, 0.0)
            want = planted[name]
            same = (numerator, denominator) == (want["numerator"], want["denominator"])
            mismatches += not same
            found = numerator / denominator if denominator else float("nan")
            print(
                f"{name:26s} found {numerator:>9.0f} / {denominator:<9.0f} = {found:.5f}"
                f"   planted {want['numerator']:>9.0f} / {want['denominator']:<9.0f}"
                f" = {want['value']:.5f}   {'exact' if same else 'DIFFERS'}"
            )
    return 1 if mismatches else 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    database = Path(arguments[0] if arguments else "data/build/warehouse.duckdb")
    truth = Path(arguments[1] if len(arguments) > 1 else "data/truth")
    sys.exit(main(database, truth))
