"""Print the marketing, satisfaction and cross-channel KPIs a built warehouse found beside the
generator's planted ones.

Usage (after `make generate` and a build):
    .venv/bin/python tools/marketing_kpis_vs_truth.py [data/build/warehouse.duckdb] [data/truth]

Each KPI is the sum of its mart's numerator over the sum of its denominator (every month and
group), the way tests/python/test_marketing_kpis.py reads it on the fixture world. Columns:
planted (the headline of kpis.json), found (the warehouse), true people (`true_people`, for
the KPIs that depend on who the person is). The planted headline counts customers as
metrics.md defines them (each linkable component of the extracts one customer,
docs/generator.md "The planted-KPI contract") and every KPI should equal it exactly; the
true-people value also counts what no warehouse can see (anonymous receipts, cookies never
linked), see the tests for the exact accounting of the gap.
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
        f"{'KPI':40s}{'planted':>12s}{'found':>12s}{'true ppl':>12s}"
        f"{'planted n/d':>24s}{'found n/d':>24s}{'true people n/d':>24s}"
    )
    with duckdb.connect(str(database), read_only=True) as con:
        for kpi, (mart, ratio, where, scale) in KPIS.items():
            numerator, denominator = con.execute(
                f"select coalesce(sum({ratio}_numerator), 0), coalesce(sum({ratio}_denominator), 0)"
                f" from marts.{mart} where {where}"
            ).fetchone()
            want = planted[kpi]
            true_people = want.get("true_people")
            print(
                f"{kpi:40s}{show(want['value']):>12s}"
                f"{show(value(float(numerator), float(denominator), scale)):>12s}"
                f"{show(true_people['value'] if true_people else None):>12s}"
                f"{want['numerator']:>14,.2f} /{want['denominator']:>8,.0f}"
                f"{float(numerator):>14,.2f} /{float(denominator):>8,.0f}"
                + (
                    f"{true_people['numerator']:>14,.2f} /{true_people['denominator']:>8,.0f}"
                    if true_people
                    else f"{'-':>24s}"
                )
            )
        print()
        attribution(con, planted)
        print()
        attribution_paths(con, truth)
        print()
        ropo(con, truth, planted["ropo_share_of_store_sales"])
    return 0


def attribution(con: duckdb.DuckDBPyConnection, planted: dict) -> None:
    """Share of net sales per model and channel: planted (customers), found, true people."""
    found = {
        (model, channel): float(amount)
        for model, channel, amount in con.execute(
            "select attribution_model, attribution_channel, sum(attributed_net_sales_amount_eur)"
            " from marts.fct_attribution group by 1, 2"
        ).fetchall()
    }
    print(
        f"{'attribution share':34s}{'planted':>10s}{'found':>10s}{'true ppl':>10s}"
        f"{'found-planted cents':>21s}{'found-true ppl pt':>19s}"
    )
    for model, channels in planted.get("attribution_share_by_channel", {}).items():
        for channel, want in channels.items():
            amount = found.get((model, channel), 0.0)
            got = amount / want["denominator"]
            true_people = want["true_people"]["value"]
            print(
                f"{model + ' ' + channel:34s}{want['value']:>10.4f}{got:>10.4f}"
                f"{true_people:>10.4f}{round(100 * amount) - round(100 * want['numerator']):>+21d}"
                f"{100 * (got - true_people):>+19.3f}"
            )
    effects = dict(
        con.execute(
            "select attribution_channel, removal_effect"
            " from intermediate.int_markov_removal_effects_computed"
        ).fetchall()
    )
    for channel, want in planted.get("attribution_markov_removal_effect", {}).items():
        print(
            f"{'removal effect ' + channel:34s}{want['value']:>10.4f}"
            f"{effects.get(channel, 0.0):>10.4f}{want['true_people']['value']:>10.4f}"
        )


def attribution_paths(con: duckdb.DuckDBPyConnection, truth: Path) -> None:
    """Conversions whose warehouse path differs from the planted (customer) one, and why."""
    touches = truth / "attribution_touches.parquet"
    if not touches.exists():
        return
    con.execute(
        f"""
        create or replace temp view truth_paths as
        select source_system || ':' || order_ref as order_key, touch_id, touch_position
        from read_parquet('{touches}') where variant = 'customer';
        create or replace temp view warehouse_paths as
        select
            windowed.order_key,
            case
                when touches.touchpoint_type = 'session'
                    then touches.visitor_id || '@' || strftime(touches.touched_at, '%Y-%m-%dT%H:%M:%SZ')
                else touches.source_record_id
            end as touch_id,
            windowed.touch_position
        from intermediate.int_conversion_touches_windowed as windowed
        left join intermediate.int_touchpoints_unified as touches
            on windowed.touchpoint_key = touches.touchpoint_key
        """
    )
    rows = con.execute(
        """
        with truth as (
            select order_key, string_agg(coalesce(touch_id, '-'), ',' order by touch_position) as path
            from truth_paths group by 1
        ),
        warehouse as (
            select order_key, string_agg(coalesce(touch_id, '-'), ',' order by touch_position) as path
            from warehouse_paths group by 1
        )
        select
            case
                when truth.path = warehouse.path then 'same path'
                when orders.customer_id is null then 'differs: order not stitched'
                else 'differs: touches stitched to another customer or none'
            end as outcome,
            count(*),
            sum(orders.net_sales_amount_eur)
        from truth
        inner join warehouse on truth.order_key = warehouse.order_key
        inner join intermediate.int_orders_unified as orders on truth.order_key = orders.order_key
        group by 1 order by 1
        """
    ).fetchall()
    for outcome, count, net_sales in rows:
        print(f"conversions, {outcome:55s}{count:>8,d}{float(net_sales):>16,.2f} EUR")


def ropo(con: duckdb.DuckDBPyConnection, truth: Path, planted: dict) -> None:
    """True people -> planted (customers) -> found ROPO store sales, order by order."""
    records = truth / "identifiable_records.parquet"
    rows = con.execute(
        f"""
        with truth as (
            select
                'store_pos:' || order_ref as order_key,
                net_sales_eur,
                is_ropo,
                coalesce(records.is_identifiable_ropo, false) as is_identifiable_ropo,
                coalesce(records.component, -1) as component
            from read_parquet('{truth / "orders.parquet"}') as orders
            left join (
                select source_record_id, is_identifiable_ropo, component
                from read_parquet('{records}') where source_table = 'transactions'
            ) as records on orders.order_ref = records.source_record_id
            where order_channel = 'store'
        )
        select
            case
                when truth.is_identifiable_ropo and found.is_ropo then '3 found'
                when truth.is_identifiable_ropo and found.customer_id is null
                    then '2 planted, not found: store order not stitched'
                when truth.is_identifiable_ropo
                    then '2 planted, not found: views stitched to another customer'
                when found.is_ropo then '4 found beyond the planted rule'
                when truth.is_ropo and truth.component < 0
                    then '1 true people only: the store order carries no identifier'
                when truth.is_ropo
                    then '1 true people only: the views lie in another component (cookie never tied)'
                else '0 no ROPO'
            end as outcome,
            count(*),
            sum(truth.net_sales_eur)
        from truth
        left join marts.fct_ropo_orders as found on truth.order_key = found.order_key
        group by 1 order by 1
        """
    ).fetchall()
    print(
        f"ROPO share: planted {planted['value']:.4f}, true people "
        f"{planted['true_people']['value']:.4f}; store sales {planted['denominator']:,.2f} EUR"
    )
    for outcome, count, net_sales in rows:
        print(f"ROPO store orders, {outcome:70s}{count:>8,d}{float(net_sales):>16,.2f} EUR")


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(
        main(
            Path(args[0] if args else "data/build/warehouse.duckdb"),
            Path(args[1] if len(args) > 1 else "data/truth"),
        )
    )
