"""`omnichannel export-segments` on the fixture warehouse: only consented customers
leave, under a salted SHA-256 key, with the segment columns and no PII.

The consented set is recomputed from the mart a second way (pandas filter on the
two consent flags) and the keys are recomputed with hashlib from customer_id.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from omnichannel.cli import app
from omnichannel.export_segments import EXPORT_COLUMNS

PII_NAME = re.compile(r"(email|phone|first_name|last_name|full_name|card|recipient|customer_id)$")
EMAIL_SHAPED = re.compile(r".+@.+\..+")
SALT = "test-salt"


@pytest.fixture(scope="module")
def segments(warehouse) -> pd.DataFrame:
    assert warehouse.outcome.success, warehouse.outcome.failures
    with warehouse.connect() as con:
        return con.execute("select * from marts.dim_customer_segments").df()


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_export_writes_only_consented_customers_under_a_hashed_key(
    warehouse, segments, tmp_path, file_format
):
    out = tmp_path / f"segments.{file_format}"
    result = CliRunner().invoke(
        app,
        [
            "export-segments",
            "--format",
            file_format,
            "--out",
            str(out),
            "--warehouse",
            str(warehouse.duckdb_path),
            "--salt",
            SALT,
        ],
    )
    assert result.exit_code == 0, result.output
    exported = pd.read_csv(out) if file_format == "csv" else pd.read_parquet(out)

    consented = segments[segments["is_email_consented"] | segments["is_sms_consented"]]
    assert 0 < len(consented) < len(segments), "the fixture should have both kinds of customer"
    expected_keys = {
        hashlib.sha256((SALT + customer_id).encode()).hexdigest()
        for customer_id in consented["customer_id"]
    }
    assert set(exported["crm_customer_key"]) == expected_keys
    assert len(exported) == len(consented)
    assert (exported["is_email_consented"] | exported["is_sms_consented"]).all()

    assert tuple(exported.columns) == EXPORT_COLUMNS
    assert not [c for c in exported.columns if PII_NAME.search(c)]
    assert not set(exported["crm_customer_key"]) & set(segments["customer_id"])
    for column in exported.columns:
        assert not exported[column].astype(str).str.fullmatch(EMAIL_SHAPED).any(), column


def test_export_refuses_an_unknown_format_and_a_missing_warehouse(warehouse, tmp_path):
    runner = CliRunner()
    bad_format = runner.invoke(
        app,
        [
            "export-segments",
            "--format",
            "xlsx",
            "--out",
            str(tmp_path / "x"),
            "--warehouse",
            str(warehouse.duckdb_path),
        ],
    )
    assert bad_format.exit_code == 2
    missing = runner.invoke(
        app,
        [
            "export-segments",
            "--out",
            str(tmp_path / "y.csv"),
            "--warehouse",
            str(tmp_path / "none.duckdb"),
        ],
    )
    assert missing.exit_code == 2
    assert not (tmp_path / "y.csv").exists()
