"""The unified orders layer against the generator's truth, order by order.

Every true order of ``truth/orders.parquet`` whose header staging kept (none of the
planted defects rejects a true order: rejected rows are extra rows the generator
added) must appear exactly once in ``int_orders_unified`` under the key
``source_system:order_ref``, with the truth's channel, fulfilment method,
cancellation and net sales to the cent.
"""

from __future__ import annotations

import pandas as pd
import pytest

ORDER_HEADER_QUARANTINES = {
    "ecommerce": "staging.stg_ecommerce__orders_quarantine",
    "store_pos": "staging.stg_store_pos__transactions_quarantine",
    "marketplace": "staging.stg_marketplace__orders_quarantine",
}


@pytest.fixture(scope="module")
def true_orders(fixture_world) -> pd.DataFrame:
    truth = pd.read_parquet(fixture_world.truth_dir / "orders.parquet")
    return truth.assign(order_key=truth["source_system"] + ":" + truth["order_ref"])


@pytest.fixture(scope="module")
def unified(warehouse) -> pd.DataFrame:
    assert warehouse.outcome.success, warehouse.outcome.failures
    with warehouse.connect() as con:
        return con.execute(
            "select order_key, source_system, source_order_id, order_channel, fulfilment_method, "
            "is_cancelled, cast(net_sales_amount_eur as double) as net_sales_amount_eur "
            "from intermediate.int_orders_unified"
        ).df()


@pytest.fixture(scope="module")
def quarantined_headers(warehouse) -> set[str]:
    keys: set[str] = set()
    for system, model in ORDER_HEADER_QUARANTINES.items():
        keys |= {
            f"{system}:{record_id}"
            for (record_id,) in warehouse.query(f"select source_record_id from {model}")
        }
    return keys


def test_every_true_order_appears_once_with_its_channel(true_orders, unified, quarantined_headers):
    expected = true_orders[~true_orders["order_key"].isin(quarantined_headers)]
    assert len(expected) > 100, "the fixture world should have orders of every channel"
    assert unified["order_key"].is_unique
    merged = expected.merge(unified, on="order_key", how="left", suffixes=("_true", "_found"))
    missing = merged[merged["order_channel_found"].isna()]
    assert missing.empty, missing.head()
    wrong_channel = merged[merged["order_channel_true"] != merged["order_channel_found"]]
    assert wrong_channel.empty, wrong_channel.head()
    assert (merged["fulfilment_method_true"] == merged["fulfilment_method_found"]).all()
    assert (merged["is_cancelled_true"] == merged["is_cancelled_found"]).all()
    assert set(merged["order_channel_found"]) == {"web", "app", "phone", "store", "marketplace"}


def test_no_order_that_the_truth_does_not_know(true_orders, unified):
    extra = unified[~unified["order_key"].isin(true_orders["order_key"])]
    assert extra.empty, extra.head()


def test_net_sales_of_every_order_to_the_cent(true_orders, unified):
    merged = true_orders.merge(unified, on="order_key", suffixes=("_true", "_found"))
    expected_cents = (merged["net_sales_eur"] * 100).round().astype("int64")
    found_cents = (merged["net_sales_amount_eur"] * 100).round().astype("int64")
    wrong = merged[expected_cents != found_cents]
    assert wrong.empty, wrong[["order_key", "net_sales_eur", "net_sales_amount_eur"]].head()
    # a cancelled order books nothing (the dbt unit tests cover it on hand-made rows too)
    assert (merged.loc[merged["is_cancelled_found"], "net_sales_amount_eur"] == 0).all()


def test_store_returns_of_other_channels_land_on_the_original_order(warehouse):
    rows = warehouse.query(
        "select r.original_order_channel, count(*), "
        "sum(case when o.order_channel = r.original_order_channel then 1 else 0 end) "
        "from intermediate.int_returns_linked as r "
        "join intermediate.int_orders_unified as o on r.order_key = o.order_key "
        "where r.is_cross_channel_return group by 1 order by 1"
    )
    assert rows, "the fixture world should have store returns of online orders"
    for channel, returns, on_channel in rows:
        assert channel != "store" and returns == on_channel
    (unlinked,) = warehouse.query(
        "select count(*) from intermediate.int_returns_linked where not has_original_order"
    )[0]
    assert unlinked == 0
