"""Late data, incremental builds and idempotency, on real builds of one small world.

The world's days arrive out of order, as real extracts do, and every build
goes through `omnichannel build` (in-process, no landing checks, no dbt
tests: what is compared here are the models):

- **F**: a full build on every day, built twice on the same raw data (idempotency);
- **S**: the same world arriving in four steps: a first build without day 7
  (late) and without days 9-14, then day 7 with day 9 (day 7 is inside the
  lookback), then days 10-11, then days 12-14 (which carry a late login that
  joins two visitors). Every incremental model, every intermediate table and
  every mart of S must equal F;
- **B**: the web events arriving without day 3 until day 14 is loaded; day 3
  is then older than the lookback and must be reported, and a full refresh
  loads it.

Incremental models are discovered from the manifest, so models added later
are covered without touching this file.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from fault_tools import environment, move_days, relation_checksums, warehouse_env
from omnichannel.generate import generate_world
from omnichannel.pipeline import BuildOptions, BuildResult, build_and_publish
from omnichannel.publish import read_status
from omnichannel.quality.late_days import day_column, incremental_models

START = dt.date(2025, 4, 1)
DAYS = 14
SEED = 21


def day(n: int) -> dt.date:
    """The n-th day of the world, 1-based."""
    return START + dt.timedelta(days=n - 1)


LATE_WITHIN_LOOKBACK = day(7)  # arrives with day 9; the lookback (3 days) of day 8 reaches day 5
TOO_LATE = day(3)  # arrives after day 14 has been loaded: older than the lookback
LOGIN_DAY = day(14)
RESENT_FROM, RESENT_IN = (
    day(8),
    day(9),
)  # a day-8 event re-sent in day 9's extract (inside the lookback)
RESENT_EVENT_ID = "WE-RESENT-NEXT-DAY"
SHARED_PHONE_FROM, JUNK_FROM = day(2), day(12)  # a phone of three buyers, of a fourth on day 12
SHARED_PHONE = "+49 30 5550 0199"
SHARED_PHONE_BUYERS = ("MB-SHARED-1", "MB-SHARED-2", "MB-SHARED-3", "MB-SHARED-4")
MEMBER_FROM, MEMBER_CHANGES = day(2), day(12)  # a loyalty member's email changes, another's goes
MOVING_MEMBER, LEAVING_MEMBER = "LM-EMAIL-CHANGES", "LM-QUARANTINED-LATER"
STEPS = [  # (days that arrive, full refresh)
    ({day(n) for n in range(1, 9)} - {LATE_WITHIN_LOOKBACK}, True),
    ({LATE_WITHIN_LOOKBACK, day(9)}, False),
    ({day(10), day(11)}, False),
    ({day(12), day(13), day(14)}, False),
]
EVERYTHING = "@config.materialized:incremental +path:models/marts"
WEB_EVENTS_ONLY = "+stg_web_analytics__events +stg_web_analytics__events_quarantine"
MODELS_ONLY = ["--exclude-resource-type", "test", "unit_test"]
COMPARED_SCHEMAS = ("intermediate", "marts")


@dataclass(frozen=True)
class Restatement:
    """A relation whose older rows must move to the merged customer when a login links visitors.

    `cookie_sql` gives the customer ids of the cookie's activity before the
    login day, `account_sql` those of the account's own activity; both take
    {cookie}, {account} and {login_day}. Add attribution here when it exists.
    """

    relation: str
    cookie_sql: str
    account_sql: str


WEB_RECORDS = """
    select distinct stitched.customer_id
    from intermediate.int_source_records_stitched as stitched
    inner join staging.stg_web_analytics__events as events
        on stitched.source_system = 'web_analytics'
        and stitched.source_table = 'events'
        and stitched.source_record_id = events.event_id
"""
RESTATEMENTS = [
    Restatement(
        "intermediate.int_identity_components_resolved",
        "select distinct customer_id from intermediate.int_identity_components_resolved "
        "where node_id = 'cookie:{cookie}'",
        "select distinct customer_id from intermediate.int_identity_components_resolved "
        "where node_id = 'account:{account}'",
    ),
    Restatement(
        "intermediate.int_sessions_rebuilt",
        "select distinct customer_id from intermediate.int_sessions_rebuilt "
        "where platform = 'web' and visitor_id = '{cookie}' and session_date < '{login_day}'",
        "select distinct customer_id from intermediate.int_sessions_rebuilt "
        "where platform = 'web' and user_id = '{account}'",
    ),
    Restatement(
        "intermediate.int_source_records_stitched",
        WEB_RECORDS
        + "where events.user_pseudo_id = '{cookie}' and events.extract_date < '{login_day}'",
        WEB_RECORDS + "where events.user_id = '{account}'",
    ),
]


@dataclass
class Builds:
    root: Path
    full: Path
    stepwise: Path
    manifest: dict
    cookie: str
    account: str
    results: dict[str, BuildResult] = field(default_factory=dict)
    checksums: dict[str, dict] = field(default_factory=dict)
    day_rows: dict[str, dict] = field(default_factory=dict)
    customers: dict[str, dict] = field(default_factory=dict)
    too_late_rows: dict[str, int] = field(default_factory=dict)
    resent: dict[str, list] = field(default_factory=dict)
    shared_phone: dict[str, dict] = field(default_factory=dict)
    members: dict[str, dict] = field(default_factory=dict)
    published_status: dict = field(default_factory=dict)


def plant_late_login(raw: Path) -> tuple[str, str]:
    """Add to the last day a login that joins an anonymous cookie to another visitor's account.

    The cookie never logs in otherwise and was active on the first days; the
    account logged in on another cookie on the first days too.
    """
    folder = raw / "web_analytics" / "events"
    events = pd.concat(
        [
            pq.read_table(path).to_pandas().assign(_day=path.parent.name.split("=")[1])
            for path in sorted(folder.glob("date=*/*.parquet"))
        ],
        ignore_index=True,
    )
    early = events["_day"] <= day(4).isoformat()
    with_login = set(events.loc[events["user_id"].notna(), "user_pseudo_id"])
    agent = events["user_agent"].fillna("").str.lower()
    bots = set(events.loc[agent.str.contains("bot|crawl|spider|headless"), "user_pseudo_id"])
    anonymous = sorted(set(events.loc[early, "user_pseudo_id"].dropna()) - with_login - bots)
    accounts = sorted(set(events.loc[early & events["user_id"].notna(), "user_id"]))
    assert anonymous and accounts, "the world has no anonymous cookie or no early login"
    cookie, account = anonymous[0], accounts[0]
    path = folder / f"date={LOGIN_DAY.isoformat()}" / "part-0.parquet"
    table = pq.read_table(path)
    row = table.slice(0, 1).to_pylist()[0]
    row.update(
        event_id="WE-LATE-LOGIN",
        event_name="login",
        user_pseudo_id=cookie,
        user_id=account,
        utm_source=None,
        utm_medium=None,
        utm_campaign=None,
        gclid=None,
        item_sku=None,
        transaction_id=None,
        purchase_value=None,
        currency=None,
    )
    pq.write_table(pa.concat_tables([table, pa.Table.from_pylist([row], table.schema)]), path)
    return cookie, account


def plant_resend_next_day(raw: Path) -> None:
    """A web event of RESENT_FROM sent again in RESENT_IN's extract (same content, later day).

    The staging model ranks duplicates over the days it re-reads: day 8 is loaded by the first
    (full) build, day 9 by the next incremental one, whose lookback re-reads day 8, so the copy of
    day 9 must replace the one of day 8 there as in a full refresh.
    """
    folder = raw / "web_analytics" / "events"
    original = pq.read_table(folder / f"date={RESENT_FROM.isoformat()}" / "part-0.parquet")
    row = original.slice(0, 1).to_pylist()[0]
    row.update(event_id=RESENT_EVENT_ID)
    pq.write_table(
        pa.concat_tables([original, pa.Table.from_pylist([row], original.schema)]),
        folder / f"date={RESENT_FROM.isoformat()}" / "part-0.parquet",
    )
    path = folder / f"date={RESENT_IN.isoformat()}" / "part-0.parquet"
    table = pq.read_table(path)
    pq.write_table(pa.concat_tables([table, pa.Table.from_pylist([row], table.schema)]), path)


def plant_phone_turning_junk(raw: Path) -> None:
    """A delivery phone on the marketplace orders of three buyers, then of a fourth on day 12.

    Three anchors of one kind are within var('identity_max_anchors_per_identifier') (3): the
    phone joins the three buyers into one customer until day 12, when a fourth buyer makes it
    junk: its edges leave the trusted graph and the component splits into one per buyer.
    """
    folder = raw / "marketplace" / "orders"
    for order_day, buyers in (
        (SHARED_PHONE_FROM, SHARED_PHONE_BUYERS[:3]),
        (JUNK_FROM, SHARED_PHONE_BUYERS[3:]),
    ):
        path = folder / f"date={order_day.isoformat()}" / "part-0.parquet"
        table = pq.read_table(path)
        row = table.slice(0, 1).to_pylist()[0]
        rows = [
            {
                **row,
                "marketplace_order_id": f"MP-{buyer}",
                "buyer_id": buyer,
                "masked_email": f"{buyer.lower()}@relay.marketplace.example",
                "delivery_phone": SHARED_PHONE,
            }
            for buyer in buyers
        ]
        pq.write_table(pa.concat_tables([table, pa.Table.from_pylist(rows, table.schema)]), path)


def plant_member_changes(raw: Path) -> None:
    """Two loyalty members of day 2 whose snapshot rows change in day 12's extract.

    MOVING_MEMBER is extracted again with another email (same card): its edges must move from
    the old email's node to the new one. LEAVING_MEMBER is extracted again with an unparseable
    enrolment time: its latest row is quarantined, the member leaves staging, and its edges and
    stitched row must go. Members are a snapshot table: int_identity_edges replaces only the
    records whose edges differ from the stored ones.
    """
    folder = raw / "loyalty" / "members"
    template = next(
        table
        for table in (pq.read_table(path) for path in sorted(folder.glob("date=*/*.parquet")))
        if table.num_rows
    )
    row = template.slice(0, 1).to_pylist()[0]
    versions = {
        MEMBER_FROM: [
            {
                "member_id": MOVING_MEMBER,
                "card_number": "CARD-EMAIL-CHANGES",
                "email": "moving.before@example.com",
            },
            {
                "member_id": LEAVING_MEMBER,
                "card_number": "CARD-QUARANTINED-LATER",
                "email": "leaving@example.com",
            },
        ],
        MEMBER_CHANGES: [
            {
                "member_id": MOVING_MEMBER,
                "card_number": "CARD-EMAIL-CHANGES",
                "email": "moving.after@example.com",
            },
            {
                "member_id": LEAVING_MEMBER,
                "card_number": "CARD-QUARANTINED-LATER",
                "email": "leaving@example.com",
                "enrolled_ts": "not a timestamp",
            },
        ],
    }
    for extract_day, changes in versions.items():
        path = folder / f"date={extract_day.isoformat()}" / "part-0.parquet"
        rows = [{**row, "phone": None, **change} for change in changes]
        planted = pa.Table.from_pylist(rows, template.schema)
        if path.exists():
            planted = pa.concat_tables([pq.read_table(path), planted])
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(planted, path)


def member_identity(database: Path) -> dict[str, dict]:
    """Per planted member: the nodes of its edges, its staged email hash, whether it is stitched."""
    found: dict[str, dict] = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        for member in (MOVING_MEMBER, LEAVING_MEMBER):
            edges = connection.execute(
                "select node_a, node_b from intermediate.int_identity_edges "
                "where source_system = 'loyalty' and source_table = 'members' "
                "and source_record_id = ?",
                [member],
            ).fetchall()
            staged = connection.execute(
                "select email_hash from staging.stg_loyalty__members where member_id = ?", [member]
            ).fetchall()
            stitched = connection.execute(
                "select count(*) from intermediate.int_source_records_stitched "
                "where source_system = 'loyalty' and source_table = 'members' "
                "and source_record_id = ?",
                [member],
            ).fetchone()
            found[member] = {
                "nodes": {node for edge in edges for node in edge},
                "email_hash": staged[0][0] if staged else None,
                "stitched": stitched[0] if stitched else 0,
            }
    return found


def shared_phone_customers(database: Path) -> dict[str, tuple]:
    """Customer of each planted buyer node and of each planted order (stitched), by id."""
    with duckdb.connect(str(database), read_only=True) as connection:
        nodes = connection.execute(
            "select node_id, customer_id from intermediate.int_identity_components_resolved "
            "where node_id like 'marketplace_buyer:MB-SHARED-%' order by node_id"
        ).fetchall()
        records = connection.execute(
            "select source_record_id, customer_id from intermediate.int_source_records_stitched "
            "where source_system = 'marketplace' and source_table = 'orders' "
            "and source_record_id like 'MP-MB-SHARED-%' order by source_record_id"
        ).fetchall()
    return {"nodes": tuple(nodes), "records": tuple(records)}


def resent_copies(database: Path) -> list[tuple[str, str]]:
    """(event_id, extract_date) of the re-sent event's rows kept by the web events staging model."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return [
            (event_id, str(extract_date))
            for event_id, extract_date in connection.execute(
                "select event_id, extract_date from staging.stg_web_analytics__events "
                "where event_id = ? order by extract_date",
                [RESENT_EVENT_ID],
            ).fetchall()
        ]


def build(root: Path, raw: Path, database: str, select: str, **options) -> BuildResult:
    env = warehouse_env(root, raw)
    env["OMNICHANNEL_DUCKDB_PATH"] = str(root / f"{database}.duckdb")
    env["OMNICHANNEL_PUBLISHED_PATH"] = str(root / f"{database}_published" / "warehouse.duckdb")
    with environment(env):
        result = build_and_publish(
            BuildOptions(
                select=select,
                skip_landing_checks=True,
                target_path=root / "target",
                dbt_args=MODELS_ONLY,
                **{"publish": False, "skip_audit": True, **options},
            ),
            say=lambda _: None,
        )
    assert result.ok, result.failures
    return result


def rows_per_day(database: Path, models: dict[str, dict]) -> dict[str, dict[str, int]]:
    counts = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        for node in models.values():
            column = day_column(node)
            relation = f"{node['schema']}.{node['alias'] or node['name']}"
            if column is None:
                continue
            try:
                counts[node["name"]] = dict(
                    connection.execute(
                        f"select cast({column} as varchar), count(*) from {relation} group by 1"
                    ).fetchall()
                )
            except duckdb.CatalogException:
                continue  # not in this build's selection
    return counts


def customers(database: Path, cookie: str, account: str) -> dict[str, tuple[set, set]]:
    found = {}
    with duckdb.connect(str(database), read_only=True) as connection:
        for check in RESTATEMENTS:
            values = {"cookie": cookie, "account": account, "login_day": LOGIN_DAY.isoformat()}
            found[check.relation] = tuple(
                {r[0] for r in connection.execute(sql.format(**values)).fetchall()}
                for sql in (check.cookie_sql, check.account_sql)
            )
    return found


def checksums(database: Path, manifest: dict) -> dict:
    """Every intermediate table, every mart, and every incremental model wherever it lives."""
    incremental = {
        f"{node['schema']}.{node['alias'] or node['name']}"
        for node in incremental_models(manifest).values()
    }
    schemas = tuple(sorted(set(COMPARED_SCHEMAS) | {r.split(".")[0] for r in incremental}))
    return {
        relation: value
        for relation, value in relation_checksums(database, schemas).items()
        if relation.split(".")[0] in COMPARED_SCHEMAS or relation in incremental
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    root = tmp_path_factory.mktemp("late_data")
    raw, parking = root / "raw", root / "not_yet_arrived"
    generate_world(0.02, DAYS, START, SEED, raw, root / "truth", show_progress=False)
    cookie, account = plant_late_login(raw)
    plant_resend_next_day(raw)
    plant_phone_turning_junk(raw)
    plant_member_changes(raw)
    out = Builds(root, root / "full.duckdb", root / "stepwise.duckdb", {}, cookie, account)

    # F: everything at once, then once more on the same raw data
    out.results["full"] = build(root, raw, "full", EVERYTHING, full_refresh=True, skip_audit=False)
    out.manifest = json.loads((root / "target" / "manifest.json").read_text())
    models = incremental_models(out.manifest)
    out.checksums["full"] = checksums(out.full, out.manifest)
    out.day_rows["full"] = rows_per_day(out.full, models)
    out.customers["full"] = customers(out.full, cookie, account)
    out.resent["full"] = resent_copies(out.full)
    out.shared_phone["full"] = shared_phone_customers(out.full)
    out.members["full"] = member_identity(out.full)
    build(root, raw, "full", EVERYTHING)
    out.checksums["full again"] = checksums(out.full, out.manifest)

    # B: web events without day 3 until day 14 is in; then day 3; then a full refresh
    move_days(raw, parking, {TOO_LATE})
    published = {"publish": True, "skip_audit": False}
    build(root, raw, "too_late", WEB_EVENTS_ONLY, full_refresh=True, **published)
    move_days(parking, raw, {TOO_LATE})
    out.results["too late"] = build(root, raw, "too_late", WEB_EVENTS_ONLY, **published)
    out.published_status = read_status(root / "too_late_published")
    out.too_late_rows["incremental"] = rows_per_day(root / "too_late.duckdb", models)[
        "stg_web_analytics__events"
    ].get(TOO_LATE.isoformat(), 0)
    out.results["too late, full refresh"] = build(
        root, raw, "too_late", WEB_EVENTS_ONLY, full_refresh=True, **published
    )
    out.too_late_rows["full refresh"] = rows_per_day(root / "too_late.duckdb", models)[
        "stg_web_analytics__events"
    ].get(TOO_LATE.isoformat(), 0)

    # S: the same world arriving in four steps
    move_days(raw, parking, set().union(*(days for days, _ in STEPS[1:])))
    for number, (arriving, full_refresh) in enumerate(STEPS, start=1):
        move_days(parking, raw, arriving)
        name = f"step {number}"
        out.results[name] = build(root, raw, "stepwise", EVERYTHING, full_refresh=full_refresh)
        out.day_rows[name] = rows_per_day(out.stepwise, models)
        out.customers[name] = customers(out.stepwise, cookie, account)
        out.resent[name] = resent_copies(out.stepwise)
        out.shared_phone[name] = shared_phone_customers(out.stepwise)
        out.members[name] = member_identity(out.stepwise)
    out.checksums["stepwise"] = checksums(out.stepwise, out.manifest)
    return out


def test_incremental_models_are_discovered_from_the_manifest(builds: Builds):
    names = {node["name"] for node in incremental_models(builds.manifest).values()}
    assert {
        "stg_web_analytics__events",
        "stg_app_analytics__events",
        "stg_messaging__engagements",
        "stg_fulfilment__tracking_events",
    } <= names


def test_every_incremental_model_and_mart_equals_a_full_refresh_after_several_steps(
    builds: Builds,
):
    full, stepwise = builds.checksums["full"], builds.checksums["stepwise"]
    assert any(relation.startswith("marts.") for relation in full)
    assert set(stepwise) == set(full)
    different = {r: (full[r], stepwise[r]) for r in full if full[r] != stepwise[r]}
    assert different == {}


def test_an_event_re_sent_the_next_day_is_kept_once_from_the_later_extract(builds: Builds):
    later = [(RESENT_EVENT_ID, RESENT_IN.isoformat())]
    assert builds.resent["full"] == later
    assert builds.resent["step 1"] == [
        (RESENT_EVENT_ID, RESENT_FROM.isoformat())
    ]  # day 9 not yet in
    assert builds.resent["step 2"] == later  # the incremental build that re-reads day 8
    assert builds.resent["step 4"] == later


def test_a_late_day_within_the_lookback_is_picked_up_by_the_next_incremental_build(
    builds: Builds,
):
    late = LATE_WITHIN_LOOKBACK.isoformat()
    for model, full_days in builds.day_rows["full"].items():
        assert late not in builds.day_rows["step 1"][model], model
        assert builds.day_rows["step 2"][model].get(late) == full_days.get(late), model
    assert builds.day_rows["full"]["stg_web_analytics__events"][late] > 0


def test_two_builds_on_the_same_raw_data_give_identical_marts(builds: Builds):
    first, second = builds.checksums["full"], builds.checksums["full again"]
    assert first == second
    assert sum(rows for rows, _ in first.values()) > 0


def test_a_complete_build_reports_no_late_day(builds: Builds):
    assert builds.results["full"].warnings == []
    assert builds.results["full"].attempt.late_days_not_loaded == []


def test_a_day_older_than_the_lookback_is_reported_not_ignored(builds: Builds):
    result = builds.results["too late"]
    reported = result.attempt.late_days_not_loaded
    assert {
        "model": "stg_web_analytics__events",
        "day": TOO_LATE.isoformat(),
        "sources": ["web_analytics.events"],
        "older_than_lookback": True,
    } in reported
    assert {entry["day"] for entry in reported} == {TOO_LATE.isoformat()}
    assert any(TOO_LATE.isoformat() in warning for warning in result.warnings)
    assert builds.too_late_rows["incremental"] == 0  # it really was not loaded
    status = builds.published_status["last_published"]
    assert status["late_days_not_loaded"] == reported  # `omnichannel status` shows it


def test_a_full_refresh_loads_the_day_that_was_too_late(builds: Builds):
    assert builds.results["too late, full refresh"].warnings == []
    expected = builds.day_rows["full"]["stg_web_analytics__events"][TOO_LATE.isoformat()]
    assert builds.too_late_rows["full refresh"] == expected > 0


@pytest.mark.parametrize("check", RESTATEMENTS, ids=lambda c: c.relation)
def test_a_late_login_restates_the_older_activity_of_both_visitors(builds: Builds, check):
    before_cookie, before_account = builds.customers["step 3"][check.relation]
    after_cookie, after_account = builds.customers["step 4"][check.relation]
    assert before_cookie and before_account, "the cookie and the account are in the warehouse"
    assert before_cookie.isdisjoint(before_account)  # two people before the login arrived
    assert len(after_cookie | after_account) == 1  # one customer after it, history included
    assert builds.customers["full"][check.relation] == (after_cookie, after_account)


def test_a_phone_turning_junk_on_a_later_day_splits_its_customer_as_a_full_refresh_does(
    builds: Builds,
):
    before, after = builds.shared_phone["step 3"], builds.shared_phone["step 4"]
    # until day 12 the phone joins the first three buyers and their orders into one customer
    assert [node for node, _ in before["nodes"]] == [
        f"marketplace_buyer:{buyer}" for buyer in SHARED_PHONE_BUYERS[:3]
    ]
    assert len({customer for _, customer in before["nodes"]}) == 1
    assert len({customer for _, customer in before["records"]}) == 1
    # the fourth buyer makes it junk: the incremental build splits them, one customer each
    assert len(after["nodes"]) == 4 and len(after["records"]) == 4
    assert len({customer for _, customer in after["nodes"]}) == 4
    assert len({customer for _, customer in after["records"]}) == 4
    assert after == builds.shared_phone["full"]


def test_a_snapshot_row_that_changes_or_leaves_moves_or_drops_its_edges(builds: Builds):
    before, after = builds.members["step 3"], builds.members["step 4"]
    card = "loyalty:CARD-EMAIL-CHANGES"
    # until day 12: the member's card and first email, both members stitched
    old_email = f"email:{before[MOVING_MEMBER]['email_hash']}"
    assert before[MOVING_MEMBER]["nodes"] == {card, old_email}
    assert before[LEAVING_MEMBER]["nodes"] == {
        "loyalty:CARD-QUARANTINED-LATER",
        f"email:{before[LEAVING_MEMBER]['email_hash']}",
    }
    assert before[MOVING_MEMBER]["stitched"] == before[LEAVING_MEMBER]["stitched"] == 1
    # day 12's extract, loaded incrementally: the edges follow the new email, the old one is gone
    new_email = f"email:{after[MOVING_MEMBER]['email_hash']}"
    assert new_email != old_email
    assert after[MOVING_MEMBER]["nodes"] == {card, new_email}
    assert after[MOVING_MEMBER]["stitched"] == 1
    # the quarantined member left staging: no edge, no stitched row
    assert after[LEAVING_MEMBER] == {"nodes": set(), "email_hash": None, "stitched": 0}
    assert after == builds.members["full"]
