"""The dashboard's small rules: money and percent formatting, and its refusal to read staging."""

from __future__ import annotations

import re
import sys

import pytest

from omnichannel.paths import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "dashboard"))
from data_access import check_relations  # noqa: E402
from formatting import money, percent, points, ratio  # noqa: E402


def test_money_has_euro_sign_thousands_and_cents():
    assert money(1234567.891) == "€1,234,567.89"
    assert money(-821924.99) == "-€821,924.99"
    assert money(0.0) == "€0.00"
    assert money(None) == "–"


def test_percent_and_points():
    assert percent(0.30806) == "30.8%"
    assert percent(0.30806, 2) == "30.81%"
    assert percent(None) == "–"
    assert points(23.456) == "+23.5"
    assert points(-4.0) == "-4.0"


def test_ratio_is_null_for_an_empty_denominator():
    assert ratio(1, 4) == 0.25
    assert ratio(3, 0) is None


def test_only_marts_and_semantic_relations_are_read():
    check_relations(
        "select * from marts.fct_channel_pnl join semantic.metricflow_time_spine on 1=1"
    )
    for sql in (
        "select * from staging.stg_ecommerce__orders",
        "select * from marts.fct_orders join intermediate.int_orders_unified using (order_key)",
        "select * from fct_orders",
    ):
        with pytest.raises(ValueError):
            check_relations(sql)


def test_no_dashboard_page_names_a_staging_or_intermediate_model():
    model_name = re.compile(r"\b(stg|int)_\w+")
    for script in (PROJECT_ROOT / "dashboard").rglob("*.py"):
        assert not model_name.search(script.read_text()), script
