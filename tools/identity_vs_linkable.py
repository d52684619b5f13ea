"""Compare the warehouse's stitching with the linkable components of the generator, record by record.

Usage (after `make generate` and a build):
    .venv/bin/python tools/identity_vs_linkable.py [data/build/warehouse.duckdb] [data/truth]

`truth/identifiable_records.parquet` holds, per record of a known person, its linkable
component (`src/omnichannel/generate/linkable.py`: the connected components any
warehouse could stitch from the extracts as delivered; -1 when the record carries and
references no non-junk identifier). A perfect warehouse maps every record of a
component >= 0 to one customer of its own, and leaves the others unstitched. Prints the
records the warehouse leaves unstitched, the components it splits between customers,
the customers that span components, and the records it stitches beyond the components
(omnichannel.identity_scoring); then each identity-dependent KPI: the planted headline
(over customers, the linkable components), found, and true people (`true_people` of
kpis.json, which no warehouse can see). Exit code 1 when anything differs from the planted
headline.
Cookies and app devices get the customer of their web or app events.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

from omnichannel.identity_scoring import (
    comparable,
    found_kpis,
    linkable_records,
    partition_differences,
)


def main(database: Path, truth_dir: Path) -> int:
    kpis = json.loads((truth_dir / "kpis.json").read_text())
    with duckdb.connect(str(database), read_only=True) as con:
        records = linkable_records(con, truth_dir)
        found = found_kpis(con)
    differences = partition_differences(records)
    linked = records[records["component"] >= 0]
    print(
        f"records {len(records):,}  in a component {len(linked):,}  "
        f"components {linked['component'].nunique():,}  "
        f"customers {linked['customer_id'].nunique():,}"
    )
    for name, frame in differences.items():
        extra = ""
        if name == "split":
            extra = f"  components {frame['component'].nunique():,}"
        if name == "merged":
            extra = f"  customers {frame['customer_id'].nunique():,}"
        print(f"{name}: {len(frame):,} records{extra}")
        if len(frame):
            print(frame.groupby(["source_system", "source_table"]).size().to_string())
    mismatches = sum(not frame.empty for frame in differences.values())
    print(f"{'KPI':28s}{'planted n/d':>28s}{'found n/d':>28s}{'true people n/d':>28s}")
    for kpi, (numerator, denominator) in found.items():
        planted = kpis[kpi]
        true_people = planted["true_people"]
        same = comparable(kpi, numerator, denominator) == comparable(
            kpi, planted["numerator"], planted["denominator"]
        )
        mismatches += not same
        print(
            f"{kpi:28s}{planted['numerator']:>16,.2f} /{planted['denominator']:>14,.2f}"
            f"{numerator:>16,.2f} /{denominator:>14,.2f}"
            f"{true_people['numerator']:>16,.2f} /{true_people['denominator']:>14,.2f}"
            f"  {'OK' if same else 'DIFFERS'}"
        )
    return 1 if mismatches else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    database = Path(args[0]) if args else Path("data/build/warehouse.duckdb")
    truth_dir = Path(args[1]) if len(args) > 1 else Path("data/truth")
    sys.exit(main(database, truth_dir))
