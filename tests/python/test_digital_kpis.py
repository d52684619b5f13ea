"""Digital engagement and conversion marts against the generator's planted KPIs.

Each KPI of truth/kpis.json is recovered exactly (numerator and denominator)
by summing the mart's published numerator and denominator over every day and
channel group. CTRs, which the truth does not plant, are recomputed from the
raw extracts with pandas, a second way.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

# kpis.json name -> (mart, numerator column, denominator column, filter)
TRUTH_KPIS = {
    "web_conversion_rate": ("kpi_digital_conversion_daily", "conversion_rate", "platform = 'web'"),
    "app_conversion_rate": ("kpi_digital_conversion_daily", "conversion_rate", "platform = 'app'"),
    "engagement_rate_web": ("kpi_digital_engagement_daily", "engagement_rate", "platform = 'web'"),
    "engagement_rate_app": ("kpi_digital_engagement_daily", "engagement_rate", "platform = 'app'"),
    # the truth counts returns per cookie or device: the mart's visitor-id variant
    "returning_visit_rate_web": (
        "kpi_digital_engagement_daily",
        "returning_visit_rate_visitor_id",
        "platform = 'web'",
    ),
    "returning_visit_rate_app": (
        "kpi_digital_engagement_daily",
        "returning_visit_rate_visitor_id",
        "platform = 'app'",
    ),
    "store_conversion_rate": ("kpi_store_conversion_daily", "store_conversion_rate", "1 = 1"),
    "promotion_ctr_web": ("kpi_promotion_ctr_daily", "click_through_rate", "platform = 'web'"),
    "promotion_ctr_app": ("kpi_promotion_ctr_daily", "click_through_rate", "platform = 'app'"),
}


@pytest.fixture(scope="module")
def planted(fixture_world) -> dict:
    return json.loads((fixture_world.truth_dir / "kpis.json").read_text())


def summed(warehouse, mart: str, ratio: str, where: str) -> tuple[float, float]:
    ((numerator, denominator),) = warehouse.query(
        f"select sum({ratio}_numerator), sum({ratio}_denominator) from marts.{mart} where {where}"
    )
    return float(numerator), float(denominator)


@pytest.mark.parametrize("kpi", sorted(TRUTH_KPIS))
def test_kpi_recovers_the_planted_numerator_and_denominator(warehouse, planted, kpi):
    mart, ratio, where = TRUTH_KPIS[kpi]
    numerator, denominator = summed(warehouse, mart, ratio, where)
    assert planted[kpi]["denominator"] > 0
    assert (numerator, denominator) == (planted[kpi]["numerator"], planted[kpi]["denominator"])


def test_promotion_ctr_recovers_every_planted_promotion(warehouse, planted):
    """Per promotion (web and app together), clicks and views exactly; the raw export's bot
    views are the only promotion events the mart leaves out."""
    per_promotion = planted["promotion_ctr_by_promotion"]
    assert len(per_promotion) >= 2
    found = {
        promotion_id: (float(clicks), float(views))
        for promotion_id, clicks, views in warehouse.query(
            "select promotion_id, sum(click_through_rate_numerator),"
            " sum(click_through_rate_denominator) from marts.kpi_promotion_ctr_daily"
            " group by promotion_id"
        )
    }
    assert found == {k: (v["numerator"], v["denominator"]) for k, v in per_promotion.items()}
    assert all(v["numerator"] > 0 for v in per_promotion.values())


@pytest.mark.parametrize("platform", ["web", "app"])
def test_customer_level_returning_rate_is_at_least_the_cookie_level_one(warehouse, platform):
    where = f"platform = '{platform}'"
    customer = summed(warehouse, "kpi_digital_engagement_daily", "returning_visit_rate", where)
    cookie = summed(
        warehouse, "kpi_digital_engagement_daily", "returning_visit_rate_visitor_id", where
    )
    assert customer[1] == cookie[1]
    assert customer[0] >= cookie[0]


def test_funnel_ends_at_the_purchasing_sessions(warehouse, planted):
    """Every purchasing session went through the whole funnel, so the closed funnel's last step
    holds every purchase of the truth."""
    ((purchases,),) = warehouse.query(
        "select sum(purchase_session_count) from marts.kpi_funnel_daily"
    )
    expected = (
        planted["web_conversion_rate"]["numerator"] + planted["app_conversion_rate"]["numerator"]
    )
    assert purchases == expected


def raw_table(fixture_world, system: str, table: str) -> pd.DataFrame:
    return pd.read_parquet(fixture_world.raw_dir / system / table)


def test_email_and_sms_ctr_recomputed_from_the_raw_extracts(warehouse, fixture_world):
    sends = raw_table(fixture_world, "messaging", "sends").drop_duplicates("message_id")
    engagements = raw_table(fixture_world, "messaging", "engagements").drop_duplicates(
        "engagement_id"
    )
    clicked = set(engagements.loc[engagements["engagement_type"] == "click", "message_id"])
    opened = set(engagements.loc[engagements["engagement_type"] == "open", "message_id"])
    for channel in ("email", "sms"):
        ids = set(sends.loc[sends["message_channel"] == channel, "message_id"])
        assert ids
        ((delivered, opens, clicks),) = warehouse.query(
            "select sum(delivered_count), sum(opened_count), sum(clicked_count)"
            f" from marts.kpi_message_ctr_daily where message_channel = '{channel}'"
        )
        assert delivered == len(ids)
        assert clicks == len(ids & clicked)
        assert opens == (len(ids & (opened | clicked)) if channel == "email" else 0)


def test_ad_ctr_recomputed_from_the_raw_extract(warehouse, fixture_world):
    performance = raw_table(fixture_world, "ads", "daily_performance")
    ((impressions, clicks),) = warehouse.query(
        "select sum(click_through_rate_denominator), sum(click_through_rate_numerator)"
        " from marts.kpi_ad_ctr_daily"
    )
    assert impressions == performance["impressions"].sum() > 0
    assert clicks == performance["clicks"].sum()
