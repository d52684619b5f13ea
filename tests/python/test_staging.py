"""Staging on the fixture world: every planted defect is quarantined or repaired, and no PII leaks."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from omnichannel.generate.schema import TABLES

QUARANTINED_KINDS = {
    "negative_quantity": "negative_quantity",
    "unknown_sku": "unknown_sku",
    "refund_exceeds_order": "refund_exceeds_order",
    "unparseable_timestamp": "unparseable_timestamp",
    "missing_key": "missing_key",
}
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()-]{9,}$")


@pytest.fixture(scope="module")
def defects(fixture_world) -> pd.DataFrame:
    return pd.read_parquet(fixture_world.truth_dir / "defects.parquet")


@pytest.fixture(scope="module")
def quarantined(warehouse) -> pd.DataFrame:
    assert warehouse.outcome.success, warehouse.outcome.failures
    names = [
        row[0]
        for row in warehouse.query(
            "select table_name from information_schema.tables "
            "where table_schema = 'staging' and table_name like '%\\_quarantine' escape '\\' order by 1"
        )
    ]
    with warehouse.connect() as con:
        return pd.concat(
            [
                con.execute(
                    f"select source_table, source_record_id, quarantine_reason from staging.{n}"
                ).df()
                for n in names
            ],
            ignore_index=True,
        )


def test_each_rejectable_defect_is_quarantined_with_its_reason(defects, quarantined):
    planted = defects[defects["defect_kind"].isin(QUARANTINED_KINDS)]
    planted_counts = (
        planted.assign(
            source_table=planted["source_system"] + "." + planted["source_table"],
            quarantine_reason=planted["defect_kind"].map(QUARANTINED_KINDS),
        )
        .groupby(["source_table", "quarantine_reason"])
        .size()
    )
    found_counts = quarantined.groupby(["source_table", "quarantine_reason"]).size()
    assert found_counts.sort_index().to_dict() == planted_counts.sort_index().to_dict()
    keyed = planted[planted["defect_kind"] != "missing_key"]
    assert set(keyed["source_record_id"]) <= set(quarantined["source_record_id"].dropna())


def test_duplicates_removed_equal_the_planted_resends(warehouse, defects):
    duplicates = (
        defects[defects["defect_kind"] == "duplicate_row"]
        .groupby(["source_system", "source_table"])
        .size()
    )
    models = {(t.system, t.name): t for t in TABLES}
    for (system, name), planted in duplicates.items():
        entity = "points_ledger_entries" if name == "points_ledger" else name
        checks = f"staging.stg_{system}__{entity}_quarantine_checks"
        quarantine = f"staging.stg_{system}__{entity}_quarantine"
        (removed,) = warehouse.query(
            f"select count(*) from {checks} where duplicate_rank > 1 "
            f"and raw_row_id not in (select raw_row_id from {quarantine})"
        )[0]
        assert removed == planted, (system, name)
        assert models[(system, name)]


def test_lower_case_currencies_are_repaired(warehouse, defects):
    planted = defects[
        (defects["defect_kind"] == "lowercase_currency")
        & (defects["source_table"] == "orders")
        & (defects["source_system"] == "ecommerce")
    ]
    ids = ", ".join(f"'{i}'" for i in planted["source_record_id"])
    rows = warehouse.query(
        f"select distinct currency_code from staging.stg_ecommerce__orders where order_id in ({ids})"
    )
    assert rows and all(code in {"EUR", "GBP", "SEK"} for (code,) in rows)


def test_local_offsets_in_app_events_become_the_same_utc_instant(warehouse, fixture_world, defects):
    planted = (
        defects[(defects["defect_kind"] == "local_timestamp")]["source_record_id"].head(20).tolist()
    )
    raw = pd.read_parquet(
        fixture_world.raw_dir / "app_analytics" / "events", columns=["event_id", "event_ts"]
    )
    raw = raw[raw["event_id"].isin(planted)].drop_duplicates("event_id")
    expected = {
        r.event_id: pd.Timestamp(r.event_ts).tz_convert("UTC").tz_localize(None)
        for r in raw.itertuples()
    }
    ids = ", ".join(f"'{i}'" for i in expected)
    found = dict(
        warehouse.query(
            f"select event_id, event_at from staging.stg_app_analytics__events where event_id in ({ids})"
        )
    )
    assert {k: pd.Timestamp(v) for k, v in found.items()} == expected
    assert any("+0" in ts for ts in raw["event_ts"])


def test_no_raw_email_or_phone_leaves_the_checks_models(warehouse):
    models = [
        row[0]
        for row in warehouse.query(
            "select table_name from information_schema.tables where table_schema = 'staging' "
            "and table_name not like '%quarantine%' order by 1"
        )
    ]
    assert len(models) == len(TABLES)
    with warehouse.connect() as con:
        for model in models:
            columns = con.execute(f"describe staging.{model}").df()
            text_columns = columns.loc[columns["column_type"] == "VARCHAR", "column_name"].tolist()
            assert not {
                "email",
                "phone",
                "first_name",
                "last_name",
                "card_fingerprint",
                "recipient",
                "delivery_phone",
            } & set(text_columns), model
            if not text_columns:
                continue
            sample = con.execute(
                f"select {', '.join(text_columns)} from staging.{model} limit 500"
            ).df()
            for column in text_columns:
                values = sample[column].dropna().astype(str)
                assert not values.map(lambda v: bool(EMAIL_PATTERN.search(v))).any(), (
                    model,
                    column,
                )
                if not column.endswith(("_id", "_ref", "_number")):
                    assert not values.map(lambda v: bool(PHONE_PATTERN.match(v))).any(), (
                        model,
                        column,
                    )


def test_ga4_channel_group_of_each_web_session_matches_the_truth(warehouse, fixture_world):
    truth = pd.read_parquet(fixture_world.truth_dir / "sessions.parquet")
    truth = truth[(truth["platform"] == "web") & ~truth["is_bot"]]
    truth["ga_session_id"] = truth["session_start"].astype("datetime64[s]").astype("int64")
    with warehouse.connect() as con:
        found = con.execute(
            "select user_pseudo_id as visitor_id, ga_session_id, default_channel_group "
            "from staging.stg_web_analytics__events "
            "where event_at = make_timestamp(ga_session_id * 1000000) and not is_bot"
        ).df()
    merged = truth.merge(found, on=["visitor_id", "ga_session_id"], suffixes=("_true", "_found"))
    assert len(merged) >= 0.99 * len(truth)
    mismatched = merged[
        merged["default_channel_group_true"] != merged["default_channel_group_found"]
    ]
    assert mismatched.empty, mismatched.head()
    assert merged["default_channel_group_found"].nunique() >= 7


def test_bot_traffic_is_flagged(warehouse, fixture_world):
    truth = pd.read_parquet(fixture_world.truth_dir / "sessions.parquet")
    bot_visitors = set(truth.loc[truth["is_bot"], "visitor_id"])
    flagged = {
        v
        for (v,) in warehouse.query(
            "select distinct user_pseudo_id from staging.stg_web_analytics__events where is_bot"
        )
    }
    assert bot_visitors and flagged == bot_visitors
