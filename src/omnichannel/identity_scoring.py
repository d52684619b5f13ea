"""Score a built warehouse's identity against the generator's truth.

Three views, shared by the pytest suites and the tools in ``tools/``:

- pairwise precision and recall of ``int_source_records_stitched`` against the true person
  behind every record (``truth/source_records.parquet``; unstitched records are singletons);
- the warehouse's partition against the linkable components of the generator
  (``truth/identifiable_records.parquet``, ``omnichannel.generate.linkable``): what a
  perfect warehouse stitches from the extracts as delivered. Equal means: every record of
  a component holding an identifier has a customer, no component is split between
  customers, no customer spans two components, and no other record has a customer;
- every identity-dependent KPI of the marts beside its planted headline in ``kpis.json``
  (the truth's rule on the linkable partition: customers as metrics.md defines them).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

KEY = ["source_system", "source_table", "source_record_id"]

# kpis.json name -> (mart, ratio column, filter); the NPS numerator is promoters - detractors
IDENTITY_KPIS: dict[str, tuple[str, str, str]] = {
    "omnichannel_buyer_share": ("kpi_customers_as_of", "omnichannel_buyer_share", "1 = 1"),
    "ropo_share_of_store_sales": (
        "kpi_cross_channel_monthly",
        "ropo_share_of_store_sales",
        "1 = 1",
    ),
    "revenue_per_lead_eur": ("kpi_leads_monthly", "revenue_per_lead_eur", "1 = 1"),
    "lead_conversion_rate": ("kpi_leads_monthly", "lead_conversion_rate", "1 = 1"),
    "csat_buyers": ("kpi_satisfaction_monthly", "csat", "buyer_segment = 'buyer'"),
    "csat_non_buyers": ("kpi_satisfaction_monthly", "csat", "buyer_segment = 'non_buyer'"),
    "nps_buyers": ("kpi_satisfaction_monthly", "nps", "buyer_segment = 'buyer'"),
    "nps_non_buyers": ("kpi_satisfaction_monthly", "nps", "buyer_segment = 'non_buyer'"),
}
# KPIs whose numerator (and denominator) are money: compared to the cent
MONEY_KPIS = frozenset({"ropo_share_of_store_sales", "revenue_per_lead_eur"})

# each visitor of identifiable_records gets the customer of its events
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


def pair_count(sizes: pd.Series) -> int:
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise_scores(person: pd.Series, customer: pd.Series) -> tuple[float, float]:
    """Pairwise precision and recall of `customer` (null: a singleton) against `person`."""
    singletons = pd.Series("unstitched:" + person.index.astype(str), index=person.index)
    frame = pd.DataFrame(
        {"person": person.to_numpy(), "customer": customer.fillna(singletons).to_numpy()}
    )
    true_positive = pair_count(frame.groupby(["customer", "person"]).size())
    precision = true_positive / pair_count(frame.groupby("customer").size())
    recall = true_positive / pair_count(frame.groupby("person").size())
    return precision, recall


def scored_records(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> pd.DataFrame:
    """Every true record (source_records.parquet) with its warehouse customer (null: none)."""
    stitched = con.execute(
        "select source_system, source_table, source_record_id, customer_id "
        "from intermediate.int_source_records_stitched"
    ).df()
    truth = pd.read_parquet(truth_dir / "source_records.parquet")
    return truth.merge(stitched, on=KEY, how="left")


def linkable_records(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> pd.DataFrame:
    """Each record of identifiable_records.parquet with its warehouse customer (null:
    unstitched); a visitor whose events map to two customers appears twice."""
    linkable = pd.read_parquet(truth_dir / "identifiable_records.parquet")
    return linkable.merge(con.execute(WAREHOUSE_RECORDS).df(), on=KEY, how="left")


def partition_differences(records: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The records where the warehouse's partition differs from the linkable components:
    `unstitched` (a component >= 0, no customer), `split` (records of components spread
    over two customers or more), `merged` (records of customers spanning two components or
    more), `beyond` (a customer for a record of no component)."""
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


def found_kpis(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[float, float]]:
    """(numerator, denominator) of each identity-dependent KPI, summed over its mart."""
    found = {}
    for kpi, (mart, ratio, where) in IDENTITY_KPIS.items():
        numerator, denominator = con.execute(
            f"select coalesce(sum({ratio}_numerator), 0), coalesce(sum({ratio}_denominator), 0)"
            f" from marts.{mart} where {where}"
        ).fetchone()
        found[kpi] = (float(numerator), float(denominator))
    return found


def comparable(kpi: str, numerator: float, denominator: float) -> tuple[int, int]:
    """Exact integers to compare: cents for money KPIs, counts otherwise."""
    scale = 100 if kpi in MONEY_KPIS else 1
    return tuple(
        int((Decimal(str(value)) * scale).to_integral_value()) for value in (numerator, denominator)
    )


def linkable_ceiling(raw_dir: Path, truth_dir: Path) -> tuple[float, float]:
    """Pairwise precision and recall of the linkable partition itself against the truth:
    each true record in its linkable component (web and app events in their visitor's),
    records of no component singletons. The best any warehouse can reach from the extracts."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    visitors = con.execute(
        f"""
        select distinct 'web_analytics' as source_system, 'events' as source_table,
            event_id as source_record_id, 'cookies' as visitor_table, user_pseudo_id as visitor
        from read_parquet('{raw_dir}/web_analytics/events/**/*.parquet', hive_partitioning = true)
        where event_id is not null
        union all
        select distinct 'app_analytics', 'events', event_id, 'devices', device_id
        from read_parquet('{raw_dir}/app_analytics/events/**/*.parquet', hive_partitioning = true)
        where event_id is not null
        """
    ).df()
    visitors = visitors.drop_duplicates(KEY)
    linkable = pd.read_parquet(truth_dir / "identifiable_records.parquet")
    component = pd.Series(
        linkable["component"].to_numpy(),
        index=pd.MultiIndex.from_frame(linkable[KEY]),
    )
    truth = pd.read_parquet(truth_dir / "source_records.parquet")
    own = component.reindex(pd.MultiIndex.from_frame(truth[KEY])).to_numpy()
    truth = truth.merge(visitors, on=KEY, how="left")
    of_visitor = component.reindex(
        pd.MultiIndex.from_arrays(
            [truth["source_system"], truth["visitor_table"], truth["visitor"]]
        )
    ).to_numpy()
    found = pd.Series(own).fillna(pd.Series(of_visitor))
    label = ("component:" + found.astype("Int64").astype(str)).where(found >= 0)
    return pairwise_scores(truth["person_id"], label.set_axis(truth.index))
