"""Export the CRM segments of consented customers from the published warehouse.

Reads ``marts.dim_customer_segments`` read-only (the published DuckDB file BI tools
read, or any warehouse given), keeps only customers who consented to email or SMS
marketing, replaces the warehouse's customer_id by a salted SHA-256 key (the CRM
never sees the warehouse id) and writes CSV or Parquet. No PII leaves: the mart
has none, and only the columns listed in ``EXPORT_COLUMNS`` are written.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet

FORMATS = ("csv", "parquet")
DEFAULT_SALT = "omnichannel-crm"
SALT_ENV = "OMNICHANNEL_CRM_KEY_SALT"
EXPORT_COLUMNS = (
    "crm_customer_key",
    "as_of_date",
    "lifecycle_stage",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "rfm_segment_code",
    "preferred_channel",
    "next_best_channel",
    "is_omnichannel",
    "is_loyalty_member",
    "loyalty_tier",
    "is_email_consented",
    "is_sms_consented",
)


class ExportError(RuntimeError):
    """The export cannot run; the message says what to do."""


@dataclass(frozen=True)
class ExportReport:
    out: Path
    file_format: str
    rows_written: int
    customers_in_mart: int


def crm_key_salt(salt: str | None) -> str:
    return salt if salt is not None else os.environ.get(SALT_ENV, DEFAULT_SALT)


def read_consented_segments(warehouse: Path, salt: str) -> pa.Table:
    """Consented customers' segments, keyed by sha256(salt || customer_id), in key order."""
    if not warehouse.exists():
        raise ExportError(
            f"no warehouse at {warehouse}: run `omnichannel build` (publishes it) or pass --warehouse"
        )
    columns = ",\n    ".join(EXPORT_COLUMNS[1:])
    query = f"""
select
    sha256(? || customer_id) as crm_customer_key,
    {columns}
from marts.dim_customer_segments
where is_email_consented or is_sms_consented
order by crm_customer_key
"""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        try:
            return con.execute(query, [salt]).fetch_arrow_table()
        except duckdb.CatalogException as error:
            raise ExportError(
                f"{warehouse} has no marts.dim_customer_segments: build the customer marts first"
            ) from error


def count_customers(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        row = con.execute("select count(*) from marts.dim_customer_segments").fetchone()
    return int(row[0]) if row else 0


def export_segments(
    warehouse: Path, out: Path, file_format: str, salt: str | None = None
) -> ExportReport:
    if file_format not in FORMATS:
        raise ExportError(f"--format must be one of {', '.join(FORMATS)}, got {file_format!r}")
    table = read_consented_segments(warehouse, crm_key_salt(salt))
    out.parent.mkdir(parents=True, exist_ok=True)
    if file_format == "csv":
        pa_csv.write_csv(table, out)
    else:
        pa_parquet.write_table(table, out)
    return ExportReport(out, file_format, table.num_rows, count_customers(warehouse))
