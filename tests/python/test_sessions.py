"""Sessions rebuilt from raw events, scored against the generator's true sessions.

The truth (truth/sessions.parquet) holds every simulated session with its
visitor (cookie or device), start time, bot flag and GA4 outcomes, written from
the clean world before duplicates, local-time stamps, malformed rows and late
days were planted. The warehouse must find the same sessions from the mess.
"""

from __future__ import annotations

import pandas as pd
import pytest

SESSION_COLUMNS = [
    "platform",
    "visitor_id",
    "session_start",
    "has_purchase",
    "is_engaged",
    "is_returning_visitor",
    "default_channel_group",
]


@pytest.fixture(scope="module")
def true_sessions(fixture_world) -> pd.DataFrame:
    return pd.read_parquet(fixture_world.truth_dir / "sessions.parquet")


@pytest.fixture(scope="module")
def rebuilt_sessions(warehouse) -> pd.DataFrame:
    with warehouse.connect() as con:
        return con.execute(
            "select platform, visitor_id, session_start_at as session_start, has_purchase,"
            " is_engaged, is_returning_visitor, default_channel_group"
            " from intermediate.int_sessions_rebuilt"
        ).df()


def test_human_sessions_per_platform_equal_the_truth(true_sessions, rebuilt_sessions):
    humans = true_sessions[~true_sessions["is_bot"]]
    expected = humans.groupby("platform").size().to_dict()
    assert set(expected) == {"web", "app"}
    assert rebuilt_sessions.groupby("platform").size().to_dict() == expected


def test_bot_sessions_excluded_equal_the_true_bot_sessions(warehouse, true_sessions):
    bots = true_sessions[true_sessions["is_bot"]]
    assert len(bots) > 0
    excluded = warehouse.query(
        "select platform, visitor_id, session_start_at from intermediate.int_sessions_bots_excluded"
    )
    found = {(platform, visitor, pd.Timestamp(start)) for platform, visitor, start in excluded}
    expected = {
        (row.platform, row.visitor_id, pd.Timestamp(row.session_start))
        for row in bots.itertuples(index=False)
    }
    assert found == expected


def test_every_session_matches_its_true_session(true_sessions, rebuilt_sessions):
    """Same sessions (visitor and start second), same purchase, engagement, return and channel."""
    humans = true_sessions[~true_sessions["is_bot"]][SESSION_COLUMNS]
    key = ["platform", "visitor_id", "session_start"]
    humans = humans.assign(session_start=humans["session_start"].astype("datetime64[us]"))
    rebuilt = rebuilt_sessions.assign(
        session_start=rebuilt_sessions["session_start"].astype("datetime64[us]")
    )
    merged = humans.merge(
        rebuilt, on=key, how="outer", suffixes=("_true", "_found"), indicator=True
    )
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    for column in ("has_purchase", "is_engaged", "is_returning_visitor", "default_channel_group"):
        differs = merged[f"{column}_true"] != merged[f"{column}_found"]
        assert not differs.any(), merged.loc[differs, key + [f"{column}_true", f"{column}_found"]]


def test_customer_level_returning_visits_include_the_cookie_level_ones(warehouse):
    """A visit the cookie or device returns on is a customer-level return; not the other way round."""
    ((cookie_only, customer_level, cookie_level),) = warehouse.query(
        "select count_if(is_returning_visitor and not is_returning),"
        " count_if(is_returning), count_if(is_returning_visitor)"
        " from intermediate.int_sessions_rebuilt"
    )
    assert cookie_only == 0
    assert customer_level > cookie_level
