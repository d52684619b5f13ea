"""Landing checks catch broken files by path before dbt reads them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from omnichannel.generate import generate_world
from omnichannel.quality import check_raw


@pytest.fixture(scope="module")
def clean_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("landing")
    generate_world(
        0.02, 5, dt.date(2025, 2, 1), 3, root / "raw", root / "truth", show_progress=False
    )
    return root / "raw"


@pytest.fixture
def world_copy(clean_world: Path, tmp_path: Path) -> Path:
    target = tmp_path / "raw"
    shutil.copytree(clean_world, target)
    return target


def day_file(raw: Path, system: str, table: str) -> Path:
    return sorted((raw / system / table).glob("date=*/part-0.parquet"))[2]


def test_a_clean_world_passes(clean_world):
    report = check_raw(clean_world)
    assert report.ok, report.failures
    assert report.files_checked > 36


def test_a_corrupt_file_is_named(world_copy):
    path = day_file(world_copy, "ecommerce", "orders")
    content = path.read_bytes()
    path.write_bytes(content[:-40] + b"garbage written over the parquet footer!")
    report = check_raw(world_copy)
    assert not report.ok
    assert [f.expectation for f in report.failures if f.path == str(path)] == [
        "file is readable Parquet"
    ]


def test_a_dropped_column_is_named(world_copy):
    path = day_file(world_copy, "store_pos", "transactions")
    pq.write_table(pq.read_table(path).drop_columns(["currency"]), path)
    report = check_raw(world_copy)
    (failure,) = [f for f in report.failures if f.path == str(path)]
    assert failure.expectation == "columns match the contract"
    assert failure.examples[0]["missing"] == ["currency"]


def test_a_renamed_column_is_named(world_copy):
    path = day_file(world_copy, "web_analytics", "events")
    table = pq.read_table(path)
    pq.write_table(table.rename_columns(["event_uuid", *table.column_names[1:]]), path)
    report = check_raw(world_copy)
    (failure,) = [f for f in report.failures if f.path == str(path)]
    assert failure.examples[0] == {"missing": ["event_id"], "unexpected": ["event_uuid"]}


def test_a_wrong_type_is_named(world_copy):
    path = day_file(world_copy, "ecommerce", "order_lines")
    table = pq.read_table(path)
    index = table.column_names.index("quantity")
    table = table.set_column(index, "quantity", table["quantity"].cast(pa.string()))
    pq.write_table(table, path)
    report = check_raw(world_copy)
    (failure,) = [f for f in report.failures if f.path == str(path)]
    assert failure.expectation == "column types match the contract"
    assert failure.examples[0]["column"] == "quantity"


def test_a_missing_table_and_bad_values_are_reported(world_copy):
    shutil.rmtree(world_copy / "crm" / "leads")
    path = day_file(world_copy, "surveys", "responses")
    table = pq.read_table(path)
    scores = pa.array([99] * table.num_rows, type=pa.int64())
    pq.write_table(table.set_column(table.column_names.index("score"), "score", scores), path)
    report = check_raw(world_copy)
    assert any(f.path == str(world_copy / "crm" / "leads") for f in report.failures)
    assert any(
        "ExpectColumnValuesToBeBetween" in f.expectation or "between" in f.expectation
        for f in report.failures
    )


def test_a_lead_form_client_id_that_is_not_one_is_reported(world_copy):
    # a form whose hidden field was mapped to the email field: every lead of the day
    # carries an address where the GA client id belongs
    path = day_file(world_copy, "crm", "leads")
    table = pq.read_table(path)
    wrong = pa.array(["anna.muller@mail.de"] * table.num_rows, type=pa.string())
    index = table.column_names.index("ga_client_id")
    pq.write_table(table.set_column(index, "ga_client_id", wrong), path)
    report = check_raw(world_copy)
    (failure,) = [f for f in report.failures if "ga_client_id" in f.expectation]
    assert failure.path == str(path)
    assert failure.expectation.startswith("expect_column_values_to_match_regex")
