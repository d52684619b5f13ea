"""Score the warehouse's identity graph against the generator's truth, and say where recall is lost.

Usage (after `make generate` and a build):
    .venv/bin/python tools/identity_vs_truth.py [data/build/warehouse.duckdb] [data/truth] [data/raw]

Prints pairwise precision and recall of `int_source_records_stitched` against
`truth/source_records.parquet` (the scoring of tests/python/test_identity.py), the
number of unified customers, the same scores with the junk blocking switched off
(connected components of every edge of `int_identity_edges`, blocked identifiers
included, computed here with scipy: a measurement, not the warehouse's method), the
linkable ceiling (the recall of the generator's linkable components, what any warehouse
could stitch from the extracts; tools/identity_vs_linkable.py compares record by record),
and the true pairs the warehouse misses by source table. A record's share of the
missed pairs is half the number of records of its person outside its customer
(each missed pair is counted from both ends).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from omnichannel.identity_scoring import linkable_ceiling

KEY = ["source_system", "source_table", "source_record_id"]


def pair_count(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def scores(truth: pd.DataFrame, predicted: pd.Series) -> tuple[float, float]:
    frame = pd.DataFrame({"person_id": truth["person_id"].to_numpy(), "predicted": predicted})
    true_positive = pair_count(frame.groupby(["predicted", "person_id"]).size())
    precision = true_positive / pair_count(frame.groupby("predicted").size())
    recall = true_positive / pair_count(frame.groupby("person_id").size())
    return precision, recall


def with_singletons(customer: pd.Series) -> pd.Series:
    singletons = pd.Series("unstitched:" + customer.index.astype(str), index=customer.index)
    return customer.fillna(singletons)


def unblocked_customers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Each record's component in the graph of all edges, junk identifiers included."""
    edges = con.execute(
        "select source_system, source_table, source_record_id, node_a, node_b "
        "from intermediate.int_identity_edges"
    ).df()
    nodes, codes = np.unique(
        np.concatenate([edges["node_a"].to_numpy(), edges["node_b"].to_numpy()]),
        return_inverse=True,
    )
    a, b = codes[: len(edges)], codes[len(edges) :]
    graph = coo_matrix((np.ones(len(a)), (a, b)), shape=(len(nodes), len(nodes)))
    _, label = connected_components(graph, directed=False)
    # a component of references only (`ref:` nodes) is no person, as in the warehouse
    identifier = ~pd.Series(nodes).str.startswith("ref:").to_numpy()
    has_identifier = np.bincount(label[identifier], minlength=label.max() + 1) > 0
    edges["customer_id"] = (
        ("unblocked:" + pd.Series(label[a]).astype(str)).where(has_identifier[label[a]]).to_numpy()
    )
    return edges[[*KEY, "customer_id"]].drop_duplicates(KEY)


def main(database: Path, truth_dir: Path, raw_dir: Path) -> int:
    truth = pd.read_parquet(truth_dir / "source_records.parquet")
    with duckdb.connect(str(database), read_only=True) as con:
        stitched = con.execute(
            "select source_system, source_table, source_record_id, customer_id "
            "from intermediate.int_source_records_stitched"
        ).df()
        customers = con.execute(
            "select count(distinct customer_id) from intermediate.int_source_records_stitched"
        ).fetchone()[0]
        unblocked = unblocked_customers(con)
    merged = truth.merge(stitched, on=KEY, how="left")
    predicted = with_singletons(merged["customer_id"])
    precision, recall = scores(merged, predicted)
    print(
        f"records {len(merged):,}  persons {merged['person_id'].nunique():,}  customers {customers:,}"
    )
    print(f"with junk blocking:    precision {precision:.5f}  recall {recall:.5f}")
    if (truth_dir / "identifiable_records.parquet").exists() and raw_dir.exists():
        _, ceiling = linkable_ceiling(raw_dir, truth_dir)
        print(f"linkable ceiling:      recall {ceiling:.5f} (what the extracts link at all)")
    loose = truth.merge(unblocked, on=KEY, how="left")
    loose_precision, loose_recall = scores(loose, with_singletons(loose["customer_id"]))
    print(f"without junk blocking: precision {loose_precision:.5f}  recall {loose_recall:.5f}")

    merged["predicted"] = predicted
    person_size = merged.groupby("person_id")["person_id"].transform("size")
    cluster_size = merged.groupby(["person_id", "predicted"])["person_id"].transform("size")
    merged["missed"] = (person_size - cluster_size) / 2
    missed = merged["missed"].sum()
    total = pair_count(merged.groupby("person_id").size())
    print(f"missed true pairs {missed:,.0f} of {total:,} ({missed / total:.2%})")
    largest = merged.groupby(["person_id", "predicted"]).size().rename("size").reset_index()
    largest = largest.sort_values(["person_id", "size"], ascending=[True, False])
    main_cluster = largest.drop_duplicates("person_id").set_index("person_id")["predicted"]
    merged["outside"] = merged["predicted"] != main_cluster.reindex(merged["person_id"]).to_numpy()
    by_table = (
        merged.groupby(["source_system", "source_table"])
        .agg(
            records=("missed", "size"),
            outside_main=("outside", "sum"),
            missed_pairs=("missed", "sum"),
        )
        .sort_values("missed_pairs", ascending=False)
    )
    by_table["share_of_missed"] = (by_table["missed_pairs"] / missed).round(3)
    print("records outside their person's largest customer, and missed pairs, by table:")
    print(by_table.to_string())
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    database = Path(args[0]) if args else Path("data/build/warehouse.duckdb")
    truth_dir = Path(args[1]) if len(args) > 1 else Path("data/truth")
    raw_dir = Path(args[2]) if len(args) > 2 else Path("data/raw")
    sys.exit(main(database, truth_dir, raw_dir))
