"""Compare the warehouse's stitching with the linkable components of the generator, record by record.

Usage (after `make generate` and a build):
    .venv/bin/python tools/identity_vs_linkable.py [data/build/warehouse.duckdb] [data/truth]

`truth/identifiable_records.parquet` holds, per record of a known person, its linkable
component (`src/omnichannel/generate/linkable.py`: the connected components any
warehouse could stitch from the extracts as delivered; -1 when the record carries and
references no non-junk identifier). A perfect warehouse maps every record of a
component >= 0 to one customer of its own, and leaves the others unstitched. Prints the
records the warehouse leaves unstitched, the components it splits between customers,
the customers that span components, and the records it stitches beyond the components.
Cookies and app devices get the customer of their web or app events.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd

KEY = ["source_system", "source_table", "source_record_id"]

WAREHOUSE_RECORDS = """
select source_system, source_table, source_record_id, customer_id
from intermediate.int_source_records_stitched
where not (source_system in ('web_analytics', 'app_analytics') and source_table = 'events')
union all
select distinct 'web_analytics', 'cookies', events.user_pseudo_id, stitched.customer_id
from intermediate.int_source_records_stitched as stitched
inner join staging.stg_web_analytics__events as events
    on stitched.source_record_id = events.event_id
where stitched.source_system = 'web_analytics' and stitched.source_table = 'events'
union all
select distinct 'app_analytics', 'devices', events.device_id, stitched.customer_id
from intermediate.int_source_records_stitched as stitched
inner join staging.stg_app_analytics__events as events
    on stitched.source_record_id = events.event_id
where stitched.source_system = 'app_analytics' and stitched.source_table = 'events'
"""


def compared(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> pd.DataFrame:
    """Each record of `identifiable_records.parquet` with its warehouse customer (null:
    unstitched); a visitor whose events map to two customers appears twice."""
    linkable = pd.read_parquet(truth_dir / "identifiable_records.parquet")
    warehouse = con.execute(WAREHOUSE_RECORDS).df()
    return linkable.merge(warehouse, on=KEY, how="left")


def differences(records: pd.DataFrame) -> dict[str, pd.DataFrame]:
    linked = records[records["component"] >= 0]
    stitched = linked[linked["customer_id"].notna()]
    per_component = stitched.groupby("component")["customer_id"].nunique()
    per_customer = stitched.groupby("customer_id")["component"].nunique()
    return {
        "unstitched": linked[linked["customer_id"].isna()],
        "split": stitched[stitched["component"].isin(per_component.index[per_component > 1])],
        "merged": stitched[stitched["customer_id"].isin(per_customer.index[per_customer > 1])],
        "beyond": records[(records["component"] < 0) & records["customer_id"].notna()],
    }


def main(database: Path, truth_dir: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        records = compared(con, truth_dir)
    found = differences(records)
    linked = records[records["component"] >= 0]
    print(
        f"records {len(records):,}  in a component {linked['component'].notna().sum():,}  "
        f"components {linked['component'].nunique():,}  "
        f"customers {linked['customer_id'].nunique():,}"
    )
    for name, frame in found.items():
        extra = ""
        if name == "split":
            extra = f"  components {frame['component'].nunique():,}"
        if name == "merged":
            extra = f"  customers {frame['customer_id'].nunique():,}"
        print(f"{name}: {len(frame):,} records{extra}")
        if len(frame):
            print(frame.groupby(["source_system", "source_table"]).size().to_string())
    return 0 if all(frame.empty for frame in found.values()) else 1


if __name__ == "__main__":
    args = sys.argv[1:]
    database = Path(args[0]) if args else Path("data/build/warehouse.duckdb")
    truth_dir = Path(args[1]) if len(args) > 1 else Path("data/truth")
    sys.exit(main(database, truth_dir))
