"""Print every planted KPI of kpis.json beside what a built warehouse found: one Markdown table.

Usage (after `make generate` and a build):
    .venv/bin/python tools/planted_kpis_vs_truth.py [data/build/warehouse.duckdb] [data/truth]

Columns: the planted headline (numerator / denominator = value), the warehouse's value (sum
of its mart's numerator over the sum of its denominator, every day and group, as the pytest
suites read them), and the true-people value (`true_people` of kpis.json) for the KPIs that
depend on who the person is; the other KPIs have one value. The planted headline counts
customers as metrics.md defines them (docs/generator.md, "The planted-KPI contract"), so
every row should match: counts exactly, money to the cent, Markov effects to 1e-9. The
per-area tools (`*_kpis_vs_truth.py`) explain the differences; this one is the summary,
grouped by the issue whose marts publish the KPI. Exit code 1 when a row differs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

# (issue, label, kpis.json name, mart, ratio column prefix, filter, kind); kind: count, money,
# nps (points: x 100)
RATIOS: list[tuple[int, str, str, str, str, str, str]] = [
    (7, "otd_rate", "otd_rate", "kpi_delivery_daily", "otd_rate", "1 = 1", "count"),
    (7, "otif_rate", "otif_rate", "kpi_delivery_daily", "otif_rate", "1 = 1", "count"),
    *[
        (7, name, name, "kpi_inventory_monthly", name, "1 = 1", "count")
        for name in ("inventory_record_accuracy", "stockout_rate")
    ],
    (7, "oversell_rate", "oversell_rate", "kpi_fulfilment_mix_daily", "oversell_rate", "1 = 1", "count"),
    *[
        (7, name, name, "kpi_customers_as_of", name, "1 = 1", "count")
        for name in ("omnichannel_buyer_share", "repeat_purchase_rate")
    ],
    (8, "store_conversion_rate", "store_conversion_rate", "kpi_store_conversion_daily", "store_conversion_rate", "1 = 1", "count"),
    *[
        (8, f"{platform}_conversion_rate", f"{platform}_conversion_rate", "kpi_digital_conversion_daily", "conversion_rate", f"platform = '{platform}'", "count")
        for platform in ("web", "app")
    ],
    *[
        (8, f"engagement_rate_{platform}", f"engagement_rate_{platform}", "kpi_digital_engagement_daily", "engagement_rate", f"platform = '{platform}'", "count")
        for platform in ("web", "app")
    ],
    *[
        (8, f"returning_visit_rate_{platform}", f"returning_visit_rate_{platform}", "kpi_digital_engagement_daily", "returning_visit_rate_visitor_id", f"platform = '{platform}'", "count")
        for platform in ("web", "app")
    ],
    *[
        (8, f"promotion_ctr_{platform}", f"promotion_ctr_{platform}", "kpi_promotion_ctr_daily", "click_through_rate", f"platform = '{platform}'", "count")
        for platform in ("web", "app")
    ],
    *[
        (8, name, name, "kpi_cross_channel_monthly", name, "1 = 1", "count")
        for name in ("bopis_share_of_online_orders", "ship_from_store_share_of_online_orders")
    ],
    (8, "omnichannel_buyer_share", "omnichannel_buyer_share", "kpi_customers_as_of", "omnichannel_buyer_share", "1 = 1", "count"),
    (8, "ropo_share_of_store_sales", "ropo_share_of_store_sales", "kpi_cross_channel_monthly", "ropo_share_of_store_sales", "1 = 1", "money"),
    (8, "revenue_per_lead_eur", "revenue_per_lead_eur", "kpi_leads_monthly", "revenue_per_lead_eur", "1 = 1", "money"),
    (8, "lead_conversion_rate", "lead_conversion_rate", "kpi_leads_monthly", "lead_conversion_rate", "1 = 1", "count"),
    *[
        (8, f"{survey}_{segment}s", f"{survey}_{segment}s", "kpi_satisfaction_monthly", survey, f"buyer_segment = '{segment}'", "nps" if survey == "nps" else "count")
        for survey in ("csat", "nps")
        for segment in ("buyer", "non_buyer")
    ],
]  # fmt: skip
CHANNEL_ORDER = ("store", "web", "app", "phone", "marketplace")


def ratio_text(numerator: float, denominator: float, kind: str) -> str:
    if not denominator:
        value = "null"
    elif kind == "nps":
        value = f"{100 * numerator / denominator:.2f}"
    elif kind == "money" and abs(numerator / denominator) >= 2:
        value = f"{numerator / denominator:.2f}"
    else:
        value = f"{numerator / denominator:.4f}"
    if kind == "money":
        return f"{numerator:,.2f} / {denominator:,.2f} = {value}"
    return f"{numerator:,.0f} / {denominator:,.0f} = {value}"


def same(found: tuple[float, float], planted: dict) -> bool:
    """Counts exactly, money to the cent."""
    return all(
        round(100 * a) == round(100 * b)
        for a, b in zip(found, (planted["numerator"], planted["denominator"]), strict=True)
    )


def main(database: Path, truth: Path) -> int:
    kpis = json.loads((truth / "kpis.json").read_text())
    rows: dict[int, list[str]] = {7: [], 8: []}
    differences = 0
    with duckdb.connect(str(database), read_only=True) as con:

        def summed(mart: str, ratio: str, where: str) -> tuple[float, float]:
            numerator, denominator = con.execute(
                f"select coalesce(sum({ratio}_numerator), 0), coalesce(sum({ratio}_denominator), 0)"
                f" from marts.{mart} where {where}"
            ).fetchone()
            return float(numerator), float(denominator)

        pnl = {
            channel: (float(net), float(cm1))
            for channel, net, cm1 in con.execute(
                "select order_channel, sum(net_sales_amount_eur), sum(cm1_amount_eur)"
                " from marts.fct_channel_pnl group by order_channel"
            ).fetchall()
        }
        for position, (name, label) in enumerate(
            (("net_sales_eur_by_channel", "net sales EUR"), ("cm1_eur_by_channel", "CM1 EUR"))
        ):
            for channel in sorted(kpis[name], key=CHANNEL_ORDER.index):
                want, got = kpis[name][channel], pnl.get(channel, (0.0, 0.0))[position]
                ok = round(100 * want) == round(100 * got)
                differences += not ok
                rows[7].append(
                    f"| {label}, {channel} | {want:,.2f} | {got:,.2f}{'' if ok else ' DIFFERS'}"
                    " | = planted |"
                )

        for issue, label, name, mart, ratio, where, kind in RATIOS:
            planted, found = kpis[name], summed(mart, ratio, where)
            ok = same(found, planted)
            differences += not ok
            true_people = planted.get("true_people")
            rows[issue].append(
                f"| {label} | {ratio_text(planted['numerator'], planted['denominator'], kind)} | "
                f"{ratio_text(*found, kind)}{'' if ok else ' DIFFERS'} | "
                + (
                    ratio_text(true_people["numerator"], true_people["denominator"], kind)
                    if true_people
                    else "= planted"
                )
                + " |"
            )
        for promotion, planted in sorted(kpis["promotion_ctr_by_promotion"].items()):
            found = summed(
                "kpi_promotion_ctr_daily", "click_through_rate", f"promotion_id = '{promotion}'"
            )
            ok = same(found, planted)
            differences += not ok
            rows[8].append(
                f"| promotion_ctr, {promotion} | "
                f"{ratio_text(planted['numerator'], planted['denominator'], 'count')} | "
                f"{ratio_text(*found, 'count')}{'' if ok else ' DIFFERS'} | = planted |"
            )

        attributed = {
            (model, channel): float(amount)
            for model, channel, amount in con.execute(
                "select attribution_model, attribution_channel,"
                " sum(attributed_net_sales_amount_eur) from marts.fct_attribution group by 1, 2"
            ).fetchall()
        }
        for model, per_channel in kpis.get("attribution_share_by_channel", {}).items():
            for channel, planted in per_channel.items():
                got = attributed.get((model, channel), 0.0)
                ok = round(100 * got) == round(100 * planted["numerator"])
                differences += not ok
                true_people = planted["true_people"]
                rows[8].append(
                    f"| attribution {model}, {channel} | {planted['numerator']:,.2f} = "
                    f"{planted['value']:.4f} | {got:,.2f} = {got / planted['denominator']:.4f}"
                    f"{'' if ok else ' DIFFERS'} | {true_people['numerator']:,.2f} = "
                    f"{true_people['value']:.4f} |"
                )
        effects = dict(
            con.execute(
                "select attribution_channel, removal_effect"
                " from intermediate.int_markov_removal_effects_computed"
            ).fetchall()
        )
        for channel, planted in kpis.get("attribution_markov_removal_effect", {}).items():
            got = float(effects.get(channel, 0.0))
            ok = abs(got - planted["value"]) < 1e-9
            differences += not ok
            rows[8].append(
                f"| Markov removal effect, {channel} | {planted['value']:.6f} | {got:.6f}"
                f"{'' if ok else ' DIFFERS'} | {planted['true_people']['value']:.6f} |"
            )

    shares = kpis.get("attribution_share_by_channel", {})
    total = next(iter(next(iter(shares.values())).values()))["denominator"] if shares else 0.0
    titles = {
        7: "Issue 7 (commerce marts)",
        8: f"Issue 8 (marketing marts; attribution shares of {total:,.2f} EUR net sales)",
    }
    for issue, lines in rows.items():
        print(f"{titles[issue]}\n")
        print("| KPI | planted headline | warehouse | true people |\n|---|---|---|---|")
        print("\n".join(lines) + "\n")
    print(f"{differences} row(s) differ from the planted headline")
    return 1 if differences else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(
        main(
            Path(args[0] if args else "data/build/warehouse.duckdb"),
            Path(args[1] if len(args) > 1 else "data/truth"),
        )
    )
