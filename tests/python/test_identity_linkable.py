"""The warehouse's stitching against what a perfect warehouse could find.

The generator's linkable components (`truth/identifiable_records.parquet`,
docs/generator.md "Identifiable KPIs") are the connected components of the extracts as
delivered: records linked through the non-junk identifiers they carry and the records they
name. A perfect warehouse stitches each into one customer, and the planted headline of each
identity-dependent KPI of kpis.json is the truth's rule on that partition (the planted-KPI
contract, docs/generator.md: customers as metrics.md defines them; the value over true
people is kept under `true_people`). Asserted on the fixture world and on the demo world
(marker `demo`, fixture `demo_warehouse`):

- the warehouse's partition IS the linkable one: no identifiable record unstitched, no
  component split between customers, no customer spanning two, no other record stitched;
- every identity-dependent KPI equals its planted headline exactly (counts exactly, money
  to the cent), and never exceeds the true-people count where that is a count of
  identified things (omnichannel buyers, ROPO sales, lead revenue and conversions);
- on the demo world, pairwise precision >= 0.995 and recall >= 0.98 (issue 6), at the
  linkable ceiling.
"""

from __future__ import annotations

import json

import pytest

from omnichannel.identity_scoring import (
    IDENTITY_KPIS,
    comparable,
    found_kpis,
    linkable_ceiling,
    linkable_records,
    pairwise_scores,
    partition_differences,
    scored_records,
)

# pairs or buyers a customer can only lose to anonymity (a component holds one person), so
# their planted numerator never exceeds the true-people one
ONLY_LOST_TO_ANONYMITY = frozenset(
    {"ropo_share_of_store_sales", "revenue_per_lead_eur", "lead_conversion_rate"}
)


def assert_partition_is_linkable(built) -> None:
    with built.connect() as con:
        records = linkable_records(con, built.world.truth_dir)
    assert records["customer_id"].notna().any()
    differences = partition_differences(records)
    summary = {
        name: frame.groupby(["source_system", "source_table"]).size().to_dict()
        for name, frame in differences.items()
        if not frame.empty
    }
    assert not summary, summary


def assert_kpi_is_planted(built, kpi: str) -> None:
    kpis = json.loads((built.world.truth_dir / "kpis.json").read_text())
    with built.connect() as con:
        numerator, denominator = found_kpis(con)[kpi]
    planted = kpis[kpi]
    assert denominator > 0
    assert comparable(kpi, numerator, denominator) == comparable(
        kpi, planted["numerator"], planted["denominator"]
    ), f"found {numerator}/{denominator}, planted {planted}"
    true_people = planted["true_people"]
    assert true_people["why_no_warehouse_sees_it"]
    if kpi in ONLY_LOST_TO_ANONYMITY:
        assert planted["numerator"] <= true_people["numerator"]


# ------------------------------------------------------------------------------ fixture world


def test_partition_is_the_linkable_one(warehouse):
    assert warehouse.outcome.success, warehouse.outcome.failures
    assert_partition_is_linkable(warehouse)


@pytest.mark.parametrize("kpi", sorted(IDENTITY_KPIS))
def test_identity_kpi_is_the_planted_headline(warehouse, kpi):
    assert_kpi_is_planted(warehouse, kpi)


# ------------------------------------------------------------------------------ demo world


@pytest.mark.demo
def test_demo_precision_and_recall(demo_warehouse):
    """Pairwise scores against the true person of every record (unstitched: a singleton).
    The issue asks for precision >= 0.995 and recall >= 0.98 on the demo world, junk
    present. Recall is also at the linkable ceiling, the recall of the linkable partition
    itself (0.98171 on the demo world since web forms store the GA client id, generator
    version 4; unchanged by version 5): no warehouse can stitch more from these extracts."""
    truth_dir = demo_warehouse.world.truth_dir
    with demo_warehouse.connect() as con:
        scored = scored_records(con, truth_dir)
    precision, recall = pairwise_scores(scored["person_id"], scored["customer_id"])
    _, ceiling = linkable_ceiling(demo_warehouse.world.raw_dir, truth_dir)
    assert precision >= 0.995, precision
    assert recall >= 0.98, recall
    assert recall == pytest.approx(ceiling, abs=1e-4), (recall, ceiling)


@pytest.mark.demo
def test_demo_partition_is_the_linkable_one(demo_warehouse):
    assert_partition_is_linkable(demo_warehouse)


@pytest.mark.demo
@pytest.mark.parametrize("kpi", sorted(IDENTITY_KPIS))
def test_demo_identity_kpi_is_the_planted_headline(demo_warehouse, kpi):
    assert_kpi_is_planted(demo_warehouse, kpi)
