"""The simulated world: complete, deterministic, linear in scale, and agreeing with its truth."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from omnichannel.generate import generate_world, is_up_to_date
from omnichannel.generate.schema import TABLES


def read_table(raw: Path, system: str, name: str) -> pd.DataFrame:
    return pq.read_table(raw / system / name).to_pandas()


def file_hashes(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*.parquet"))
    }


def test_every_table_of_the_contract_is_written_with_its_schema(fixture_world):
    for table in TABLES:
        folder = fixture_world.raw_dir / table.system / table.name
        files = sorted(folder.rglob("*.parquet"))
        assert files, f"{table.qualified_name} has no file"
        if table.partition == "daily":
            assert len(list(folder.glob("date=*"))) == 45, table.qualified_name
        for path in files[:3]:
            assert pq.read_schema(path).equals(table.arrow_schema()), path


def test_same_parameters_give_identical_bytes(tmp_path):
    params = {"scale": 0.02, "days": 10, "start": dt.date(2025, 3, 25), "seed": 11}
    generate_world(**params, out=tmp_path / "a", truth=tmp_path / "ta", show_progress=False)
    generate_world(**params, out=tmp_path / "b", truth=tmp_path / "tb", show_progress=False)
    assert file_hashes(tmp_path / "a") == file_hashes(tmp_path / "b")
    assert file_hashes(tmp_path / "ta") == file_hashes(tmp_path / "tb")
    assert is_up_to_date(tmp_path / "a", **params)
    assert not is_up_to_date(tmp_path / "a", **{**params, "seed": 12})


def test_generating_over_an_earlier_world_leaves_exactly_the_new_world(tmp_path):
    """The extracts are overwritten in place: files the new world does not write go."""
    params = {"scale": 0.02, "days": 4, "start": dt.date(2025, 3, 25), "seed": 11}
    fresh, reused = tmp_path / "fresh", tmp_path / "reused"
    generate_world(**params, out=fresh, truth=tmp_path / "tf", show_progress=False)
    longer = {**params, "days": 6, "seed": 12}
    generate_world(**longer, out=reused, truth=tmp_path / "tr", show_progress=False)
    (reused / "notes").mkdir()
    (reused / "notes" / "stray.parquet").write_bytes(b"not a table")
    generate_world(**params, out=reused, truth=tmp_path / "tr", show_progress=False)
    assert file_hashes(reused) == file_hashes(fresh)
    assert not (reused / "notes").exists()
    assert not list(reused.rglob("date=2025-03-29"))  # day 5 of the longer world
    assert is_up_to_date(reused, **params)
    # the child that writes the events left nothing behind in the truth folder
    assert sorted(p.name for p in (tmp_path / "tr").iterdir()) == sorted(
        p.name for p in (tmp_path / "tf").iterdir()
    )


def test_events_written_in_a_child_or_in_process_give_the_same_bytes(tmp_path, monkeypatch):
    params = {"scale": 0.02, "days": 5, "start": dt.date(2025, 3, 25), "seed": 11}
    forked = generate_world(
        **params, out=tmp_path / "a", truth=tmp_path / "ta", show_progress=False
    )
    monkeypatch.setenv("OMNICHANNEL_GENERATE_IN_PROCESS", "1")
    alone = generate_world(**params, out=tmp_path / "b", truth=tmp_path / "tb", show_progress=False)
    assert "events (child process)" in forked["step_seconds"]
    assert "events (in process, in the wait)" in alone["step_seconds"]
    # the truth and the identifiable records: two more children, or in process
    assert {"truth (child process)", "identifiable records (child process)"} <= set(
        forked["step_seconds"]
    )
    assert "truth (in process)" in alone["step_seconds"]
    assert set(forked["peak_rss_mb"]) == {
        "parent",
        "events child",
        "truth child",
        "identifiable records child",
    }
    assert set(alone["peak_rss_mb"]) == {"parent"}
    assert forked["rows"] == alone["rows"]
    assert file_hashes(tmp_path / "a") == file_hashes(tmp_path / "b")
    assert file_hashes(tmp_path / "ta") == file_hashes(tmp_path / "tb")


def test_a_failure_writing_the_events_fails_the_generation(tmp_path, monkeypatch):
    """The events are written by a forked child: its failure must not pass unnoticed."""
    import omnichannel.generate.event_process as event_process

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(event_process, "write_event_extracts", broken)
    with pytest.raises(RuntimeError, match="web and app events"):
        generate_world(
            0.02, 3, dt.date(2025, 3, 25), 11, tmp_path / "raw", tmp_path / "truth", False
        )
    assert not is_up_to_date(tmp_path / "raw", 0.02, 3, dt.date(2025, 3, 25), 11)


@pytest.mark.parametrize(
    ("function", "step"),
    [("compute_truth", "truth"), ("plant_customer_kpis", "identifiable")],
)
def test_a_failure_in_the_truth_children_fails_the_generation(
    tmp_path, monkeypatch, function, step
):
    """The truth and the identifiable records are computed by forked children (the second
    waits for a file of the first): a failure of either must fail the generation."""
    import omnichannel.generate.linkable as linkable
    import omnichannel.generate.truth as truth

    def broken(*args, **kwargs):
        raise ValueError("broken")

    monkeypatch.setattr(truth if function == "compute_truth" else linkable, function, broken)
    with pytest.raises(RuntimeError, match=f"{step} failed"):
        generate_world(
            0.02, 3, dt.date(2025, 3, 25), 11, tmp_path / "raw", tmp_path / "truth", False
        )
    assert not is_up_to_date(tmp_path / "raw", 0.02, 3, dt.date(2025, 3, 25), 11)


def test_rows_grow_linearly_with_scale(tmp_path):
    # 180 days, so that the small world has a few hundred orders: over 30 days it had
    # about 40 shop orders, whose Poisson noise alone could leave the 2.4-3.6 band
    small = generate_world(
        0.1, 180, dt.date(2025, 1, 1), 5, tmp_path / "s", tmp_path / "ts", show_progress=False
    )
    large = generate_world(
        0.3, 180, dt.date(2025, 1, 1), 5, tmp_path / "l", tmp_path / "tl", show_progress=False
    )
    person_driven = [
        "web_analytics.events",
        "app_analytics.events",
        "ecommerce.orders",
        "store_pos.transactions",
        "marketplace.orders",
        "messaging.sends",
    ]
    for table in person_driven:
        ratio = large["rows"][table] / small["rows"][table]
        assert 2.4 < ratio < 3.6, (table, ratio)
    # reference data does not grow with people
    assert large["rows"]["erp.products"] == small["rows"]["erp.products"]


def test_every_true_order_appears_in_its_extract(fixture_world):
    orders = pd.read_parquet(fixture_world.truth_dir / "orders.parquet")
    raw = fixture_world.raw_dir
    extract_ids = {
        "ecommerce": set(read_table(raw, "ecommerce", "orders")["order_id"]),
        "store_pos": set(read_table(raw, "store_pos", "transactions")["transaction_id"]),
        "marketplace": set(read_table(raw, "marketplace", "orders")["marketplace_order_id"]),
    }
    for system, group in orders.groupby("source_system"):
        assert set(group["order_ref"]) <= extract_ids[system], system
    assert set(orders["order_channel"]) == {"web", "app", "store", "marketplace", "phone"}


def test_planted_duplicates_equal_the_extra_rows_found(fixture_world):
    defects = pd.read_parquet(fixture_world.truth_dir / "defects.parquet")
    duplicates = defects[defects["defect_kind"] == "duplicate_row"]
    keys = {table.qualified_name: table.key[0] for table in TABLES}
    for (system, name), group in duplicates.groupby(["source_system", "source_table"]):
        frame = read_table(fixture_world.raw_dir, system, name)
        key = keys[f"{system}.{name}"]
        extra_rows = int(frame[key].notna().sum() - frame[key].nunique())
        assert extra_rows == len(group), (system, name)


def test_every_person_record_of_the_truth_exists_in_its_extract(fixture_world):
    records = pd.read_parquet(fixture_world.truth_dir / "source_records.parquet")
    keys = {(t.system, t.name): t.key[0] for t in TABLES}
    for (system, name), group in records.groupby(["source_system", "source_table"]):
        frame = read_table(fixture_world.raw_dir, system, name)
        present = set(frame[keys[(system, name)]].dropna().astype(str))
        assert set(group["source_record_id"]) <= present, (system, name)
    assert records["person_id"].nunique() > 100


def test_kpis_have_the_planted_shape(fixture_world):
    kpis = json.loads((fixture_world.truth_dir / "kpis.json").read_text())
    required = {
        "store_conversion_rate",
        "web_conversion_rate",
        "app_conversion_rate",
        "otd_rate",
        "otif_rate",
        "revenue_per_lead_eur",
        "returning_visit_rate_web",
        "returning_visit_rate_app",
        "csat_buyers",
        "csat_non_buyers",
        "nps_buyers",
        "nps_non_buyers",
        "ropo_share_of_store_sales",
        "bopis_share_of_online_orders",
        "omnichannel_buyer_share",
        "repeat_purchase_rate",
        "inventory_record_accuracy",
        "stockout_rate",
        "oversell_rate",
        "net_sales_eur_by_channel",
        "cm1_eur_by_channel",
    }
    assert required <= set(kpis)
    for name, kpi in kpis.items():
        if (
            isinstance(kpi, dict)
            and "denominator" in kpi
            and name.endswith(("_rate", "_share", "_accuracy"))
        ):
            assert kpi["value"] is None or 0.0 <= kpi["value"] <= 1.0, name
            if kpi["value"] is not None:
                assert kpi["value"] == pytest.approx(kpi["numerator"] / kpi["denominator"])
    assert 0.28 <= kpis["store_conversion_rate"]["value"] <= 0.37
    assert set(kpis["net_sales_eur_by_channel"]) == {"web", "app", "store", "marketplace", "phone"}
    # buyers and non-buyers both answer CSAT and NPS surveys
    for name in ("csat_buyers", "csat_non_buyers", "nps_buyers", "nps_non_buyers"):
        assert kpis[name]["denominator"] >= 5, name
    # the fixture world is shorter than a year: no first order is 365 days old yet
    assert kpis["repeat_purchase_rate"]["value"] is None


def test_repeat_purchase_rate_needs_a_world_longer_than_a_year(tmp_path):
    generate_world(
        0.02, 400, dt.date(2024, 1, 1), 3, tmp_path / "raw", tmp_path / "truth", show_progress=False
    )
    kpi = json.loads((tmp_path / "truth" / "kpis.json").read_text())["repeat_purchase_rate"]
    # only people whose first order falls in the first 35 days are old enough
    assert 20 <= kpi["denominator"] <= 200
    assert 0.3 <= kpi["value"] <= 0.95


def test_every_tracked_click_lands_with_a_message_of_its_recipient(fixture_world):
    raw, truth = fixture_world.raw_dir, fixture_world.truth_dir
    events = read_table(raw, "web_analytics", "events")
    # rows planted without a key (malformed, quarantined by staging) carry no record
    events = events[events["event_id"].notna()]
    landed = events[events["page_location"].str.contains("msg_id=", regex=False, na=False)]
    landed = landed.assign(
        message_id=landed["page_location"].str.extract(r"msg_id=(MSG\d+)", expand=False)
    )
    sends = read_table(raw, "messaging", "sends")
    records = pd.read_parquet(truth / "source_records.parquet").set_index(
        ["source_system", "source_table", "source_record_id"]
    )["person_id"]
    clicker = records.reindex(
        [("web_analytics", "events", event_id) for event_id in landed["event_id"]]
    ).to_numpy()
    recipient = records.reindex(
        [("messaging", "sends", message_id) for message_id in landed["message_id"]]
    ).to_numpy()
    assert len(landed) >= 20
    assert landed["message_id"].isin(sends["message_id"]).all()
    assert (clicker == recipient).all()


def test_web_and_app_conversion_are_one_to_two_percent_at_demo_scale(tmp_path):
    generate_world(
        0.3, 60, dt.date(2025, 1, 1), 42, tmp_path / "raw", tmp_path / "truth", show_progress=False
    )
    kpis = json.loads((tmp_path / "truth" / "kpis.json").read_text())
    assert 0.01 <= kpis["web_conversion_rate"]["value"] <= 0.02
    assert 0.01 <= kpis["app_conversion_rate"]["value"] <= 0.02
    assert 0.30 <= kpis["store_conversion_rate"]["value"] <= 0.35


def test_a_store_return_dated_after_the_period_is_not_in_the_truth():
    # the scale-3, 366-day world's case: returned at 23:12 UTC on the last day, 00:12 on the
    # next day in Berlin; the writer writes the period's days only, so no extract holds it
    from omnichannel.generate.truth import delivered_store_returns

    returns = pd.DataFrame(
        {
            "return_id": ["RT-1", "RT-2", "RT-3"],
            "_date": pd.to_datetime(["2025-12-31", "2026-01-01", "2026-01-02"]),
        }
    )
    kept = delivered_store_returns(returns, np.datetime64("2026-01-02"))
    assert kept["return_id"].tolist() == ["RT-1", "RT-2"]


def test_berlin_local_text_equals_strftime_across_the_clock_changes():
    """The app events' local-time defect text, built in Arrow, is strftime's (with a colon
    in the offset), also on both sides of the 2025 clock changes (01:00 UTC)."""
    from omnichannel.generate.text import iso_local

    at = np.array(
        [
            "2025-01-01T00:00:00",
            "2025-03-30T00:59:59",
            "2025-03-30T01:00:00",
            "2025-07-01T22:30:05",
            "2025-10-26T00:59:59",
            "2025-10-26T01:00:00",
            "2025-12-31T23:30:00",
        ],
        dtype="datetime64[s]",
    )
    assert iso_local(at, "Europe/Berlin").to_pylist() == [
        "2025-01-01T01:00:00+01:00",
        "2025-03-30T01:59:59+01:00",
        "2025-03-30T03:00:00+02:00",
        "2025-07-02T00:30:05+02:00",
        "2025-10-26T02:59:59+02:00",
        "2025-10-26T02:00:00+01:00",
        "2026-01-01T00:30:00+01:00",
    ]
    utc = pd.DatetimeIndex(at).tz_localize("UTC").tz_convert("Europe/Berlin")
    expected = pd.Series(utc.strftime("%Y-%m-%dT%H:%M:%S%z"))
    expected = expected.str.replace(r"(\d{2})(\d{2})$", r"\1:\2", regex=True)
    assert iso_local(at, "Europe/Berlin").to_pylist() == expected.tolist()


def test_files_created_ahead_are_empty_and_a_written_file_is_left_as_it_is(tmp_path):
    """The child that creates a new world's files while it is simulated never truncates a
    file a writer got to first."""
    from omnichannel.generate.writer import create_empty_files

    written = tmp_path / "a" / "date=2025-01-01" / "part-0.parquet"
    written.parent.mkdir(parents=True)
    written.write_bytes(b"written first")
    ahead = tmp_path / "a" / "date=2025-01-02" / "part-0.parquet"
    create_empty_files([str(written), str(ahead)])
    assert written.read_bytes() == b"written first"
    assert ahead.read_bytes() == b""
