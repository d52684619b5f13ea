"""The finance marts recover the planted finance KPIs of the fixture world exactly.

``net_sales_eur_by_channel`` and ``cm1_eur_by_channel`` of ``kpis.json`` are
recovered to the cent from ``fct_channel_pnl`` (summed over its days), and the
oversell rate and the BOPIS / ship-from-store shares of online orders exactly from
the numerators and denominators of ``kpi_fulfilment_mix_daily``.

No tolerance is needed, and none is given. The truth is computed from the clean
world before the mess is planted, and staging rejects rows, so a difference would
be inherent if staging rejected a true record. ``defects.parquet`` lists every
rejected row (negative quantities, unknown SKUs, refunds above their line,
unparseable order timestamps): each is an extra copy of a true record under a
suffixed id (``-NEG``, ``-SKU``, ``-X``, ``-BAD``), while the true record it copies
stays. ``test_rejected_rows_are_extra_copies_of_kept_true_records`` checks exactly
that, row by row, so the value the quarantine removes from the truth is zero.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

REJECTED_KINDS = {
    "negative_quantity",
    "unknown_sku",
    "refund_exceeds_order",
    "unparseable_timestamp",
}
SUFFIXES = {
    "negative_quantity": "-NEG",
    "unknown_sku": "-SKU",
    "refund_exceeds_order": "-X",
    "unparseable_timestamp": "-BAD",
}
# where the warehouse keeps a record of each raw table, keyed `<source_system>:<id>`
KEPT_RECORDS = {
    "order_lines": ("marts.fct_order_lines", "order_line_key"),
    "transaction_lines": ("marts.fct_order_lines", "order_line_key"),
    "refunds": ("marts.fct_returns", "return_key"),
    "orders": ("marts.fct_orders", "order_key"),
}


@pytest.fixture(scope="module")
def kpis(fixture_world) -> dict:
    return json.loads((fixture_world.truth_dir / "kpis.json").read_text())


@pytest.fixture(scope="module")
def pnl_by_channel(warehouse) -> pd.DataFrame:
    assert warehouse.outcome.success, warehouse.outcome.failures
    with warehouse.connect() as con:
        return con.execute(
            "select order_channel, "
            "cast(sum(net_sales_amount_eur) as varchar) as net_sales, "
            "cast(sum(cm1_amount_eur) as varchar) as cm1 "
            "from marts.fct_channel_pnl group by order_channel order by order_channel"
        ).df()


def cents(value: float | str) -> int:
    return int(round(float(value) * 100))


def test_rejected_rows_are_extra_copies_of_kept_true_records(warehouse, fixture_world):
    defects = pd.read_parquet(fixture_world.truth_dir / "defects.parquet")
    rejected = defects[defects["defect_kind"].isin(REJECTED_KINDS)]
    assert len(rejected) >= 4, "the fixture plants every kind of rejected row"
    for row in rejected.itertuples():
        suffix = SUFFIXES[row.defect_kind]
        assert row.source_record_id.endswith(suffix), row
        model, key = KEPT_RECORDS[row.source_table]
        planted = f"{row.source_system}:{row.source_record_id}"
        original = planted[: -len(suffix)]
        found = {
            k
            for (k,) in warehouse.query(
                f"select {key} from {model} where {key} in ('{planted}', '{original}')"
            )
        }
        assert found == {original}, (row, found)


def test_net_sales_by_channel_to_the_cent(kpis, pnl_by_channel):
    expected = {c: cents(v) for c, v in kpis["net_sales_eur_by_channel"].items()}
    found = {r.order_channel: cents(r.net_sales) for r in pnl_by_channel.itertuples()}
    assert found == expected


def test_cm1_by_channel_to_the_cent(kpis, pnl_by_channel):
    expected = {c: cents(v) for c, v in kpis["cm1_eur_by_channel"].items()}
    found = {r.order_channel: cents(r.cm1) for r in pnl_by_channel.itertuples()}
    assert found == expected


@pytest.mark.parametrize(
    "kpi",
    ["oversell_rate", "bopis_share_of_online_orders", "ship_from_store_share_of_online_orders"],
)
def test_fulfilment_mix_ratio_exactly(warehouse, kpis, kpi):
    numerator, denominator = warehouse.query(
        f"select sum({kpi}_numerator), sum({kpi}_denominator) from marts.kpi_fulfilment_mix_daily"
    )[0]
    truth = kpis[kpi]
    assert (numerator, denominator) == (truth["numerator"], truth["denominator"])
    assert denominator > 0 and numerator / denominator == truth["value"]


def test_every_channel_day_has_a_pnl_row_and_brand_spend_is_fully_allocated(warehouse):
    (days, rows, channels) = warehouse.query(
        "select count(distinct pnl_date), count(*), count(distinct order_channel) "
        "from marts.fct_channel_pnl"
    )[0]
    assert channels == 5 and rows == 5 * days
    (allocated, spent) = warehouse.query(
        "select (select sum(marketing_spend_amount_eur) from marts.fct_channel_pnl), "
        "(select sum(spend_eur) from staging.stg_ads__daily_performance)"
    )[0]
    assert cents(allocated) == cents(spent) > 0
