"""Identity resolution scored against the generator's truth (pairwise precision and recall).

Every raw record that carries a person is a point; two records are a true
pair when the same simulated person is behind them, and a predicted pair
when the warehouse stitched them to the same customer. Records the warehouse
could not stitch count as singletons.
"""

from __future__ import annotations

import pandas as pd
import pytest


def pair_count(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


@pytest.fixture(scope="module")
def scored(warehouse, fixture_world) -> pd.DataFrame:
    with warehouse.connect() as con:
        stitched = con.execute(
            "select source_system, source_table, source_record_id, customer_id "
            "from intermediate.int_source_records_stitched"
        ).df()
    truth = pd.read_parquet(fixture_world.truth_dir / "source_records.parquet")
    merged = truth.merge(
        stitched, on=["source_system", "source_table", "source_record_id"], how="left"
    )
    singletons = pd.Series("unstitched:" + merged.index.astype(str), index=merged.index)
    merged["predicted"] = merged["customer_id"].fillna(singletons)
    return merged


def test_every_true_record_reaches_the_identity_graph(scored):
    # the records the generator says carry a person, minus those staging quarantined
    assert scored["customer_id"].notna().mean() > 0.995


def test_pairwise_precision_and_recall(scored):
    true_positive = pair_count(scored.groupby(["predicted", "person_id"]).size())
    precision = true_positive / pair_count(scored.groupby("predicted").size())
    recall = true_positive / pair_count(scored.groupby("person_id").size())
    assert precision >= 0.995, precision
    # The fixture world reaches 0.969 (0.957 before web forms stored the GA client id;
    # the demo world, scale 1 over 365 days, seed 42: 0.982, 0.979 before;
    # tools/identity_vs_truth.py prints it with the missed pairs by table).
    # What stays apart is what no extract links: browsers of people who never log in,
    # never click a tracked email or SMS link, never buy online and never fill in a lead
    # or newsletter form on them (about 85% of the missed pairs on the demo world), and
    # marketplace orders of buyers who give no delivery phone the retailer knows, are not
    # loyalty members and never write to support.
    assert recall >= 0.965, recall


def test_junk_identifiers_are_blocked_and_never_join_people(warehouse, scored):
    blocked = dict(
        warehouse.query(
            "select identifier_type, count(*) from intermediate.int_identity_junk_identifiers_flagged group by 1"
        )
    )
    assert blocked.get("email", 0) >= 1 and blocked.get("loyalty", 0) >= 1
    people_per_customer = scored.groupby("predicted")["person_id"].nunique()
    assert people_per_customer.max() == 1
