"""The statement profile of a dbt JSON log, on a hand-made log of two nodes."""

from __future__ import annotations

import json

import pytest

from omnichannel.bench.statements import profile_statements, statement_kind


def _event(name: str, thread: str, unique_id: str | None, **data) -> str:
    node = {"unique_id": unique_id, "materialized": "view"} if unique_id else {}
    if unique_id and unique_id.endswith("table"):
        node["materialized"] = "table"
    return json.dumps(
        {"info": {"name": name, "thread": thread}, "data": {"node_info": node, **data}}
    )


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ('/* {"app": "dbt"} */\n  create view "w"."s"."v__dbt_tmp" as (select 1)', "create view"),
        ("comment on column w.s.v.a is $x$text$x$;", "comment on column"),
        ("comment on view w.s.v is $x$text$x$;", "comment on relation"),
        ("select column_name from system.information_schema.columns where 1", "column query"),
        ("select comment from duckdb_views() where view_name = 'v'", "catalog query"),
        ('alter view "w"."s"."v__dbt_tmp" rename to "v"', "rename"),
        ("BEGIN", "begin"),
        ("select 1", "select"),
    ],
)
def test_statement_kind(sql, kind):
    assert statement_kind(sql) == kind


def test_profile_pairs_each_statement_with_the_status_of_its_thread():
    view, table = "model.p.v", "model.p.a_table"
    log = [
        "not json",
        _event("SQLQuery", "T1", view, sql="create view v as (select 1)"),
        _event("SQLQuery", "T2", table, sql="create table a as select 1"),
        _event("SQLQueryStatus", "T2", table, elapsed=2.0),
        _event("SQLQueryStatus", "T1", view, elapsed=0.25),
        _event("SQLQuery", "T1", view, sql="comment on view v is $x$d$x$;"),
        _event("SQLQueryStatus", "T1", view, elapsed=0.5),
        _event("SQLQuery", "T2", table, sql="commit"),
        _event("SQLQueryStatus", "T2", table, elapsed=1.0),
        _event("SQLQuery", "T2", table, sql="comment on table a is $x$d$x$;"),
        _event("SQLQueryStatus", "T2", table, elapsed=0.125),
    ]
    profile = profile_statements(log)
    assert profile.statements == 5
    assert profile.kinds == {
        ("view", "create view"): [1, 0.25],
        ("table", "create table"): [1, 2.0],
        ("view", "comment on relation"): [1, 0.5],
        ("table", "commit"): [1, 1.0],
        ("table", "comment on relation"): [1, 0.125],
    }
    assert profile.per_node == {view: 2, table: 3}
    assert profile.per_node_by_materialization() == {"table": (1, 3.0), "view": (1, 2.0)}
