"""The DuckDB view materialization keeps a view whose definition did not change.

On a copy of the fixture warehouse (built by `dbt build`, so every view
carries its fingerprint in its comment), `dbt run` on a few staging views:

- nothing changed: every view is kept (`view unchanged`), and a marker written
  by hand on a column comment survives (a re-created view gets its column
  comments back from persist_docs);
- the compiled SQL changed (`default_phone_country` is pasted into the phone
  cleaning): that view is re-created with the new SQL;
- an upstream's column types changed (the checks view re-created by hand with
  `extract_date` as text): DuckDB refuses to read the old view ("Contents of
  view were altered"); the run re-creates it and it reads again;
- the unchanged view beside them is still kept; `--full-refresh` re-creates it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from omnichannel.dbt_runner import run_dbt

KEPT = "stg_crm__leads_quarantine"
SQL_CHANGED = "stg_ecommerce__customers_quarantine_checks"
UPSTREAM_CHANGED = "stg_crm__contacts_quarantine"
UPSTREAM = "stg_crm__contacts_quarantine_checks"
MARKER = "marker: this view was not re-created"


def _column_comment(path: Path, view: str) -> str | None:
    with duckdb.connect(str(path), read_only=True) as con:
        row = con.execute(
            "select comment from duckdb_columns() where schema_name = 'staging' "
            "and table_name = ? and column_name = 'raw_row_id'",
            [view],
        ).fetchone()
    return row[0] if row else None


def _view_sql(path: Path, view: str) -> str:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select sql from duckdb_views() where schema_name = 'staging' and view_name = ?",
            [view],
        ).fetchone()[0]


def _mark(path: Path, views: list[str]) -> None:
    with duckdb.connect(str(path)) as con:
        for view in views:
            con.execute(f"comment on column staging.{view}.raw_row_id is '{MARKER}'")


def _run(root: Path, env: dict[str, str], name: str, args: list[str]) -> dict[str, str]:
    """`dbt run` of ``args`` against the copy; the message of each model, by name."""
    target = root / f"target_{name}"
    outcome = run_dbt(
        ["run", "--target", "test", "--target-path", str(target), "--log-path", str(root / "logs")]
        + args,
        env=env,
    )
    assert outcome.success, outcome.failures
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {
        result["unique_id"].split(".")[-1]: result["message"]
        for result in results
        if result["unique_id"].startswith("model.")
    }


@pytest.fixture(scope="module")
def copy(warehouse, tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """A copy of the fixture warehouse (same file name: views name their catalog)."""
    assert warehouse.outcome.success, warehouse.outcome.failures
    root = tmp_path_factory.mktemp("view_materialization")
    path = root / "warehouse.duckdb"
    shutil.copy(warehouse.duckdb_path, path)
    env = {
        **warehouse.env,
        "OMNICHANNEL_DUCKDB_PATH": str(path),
        "OMNICHANNEL_DUCKDB_TEMP": str(root / "duckdb_tmp"),
    }
    return path, env


def test_views_are_kept_until_their_sql_docs_or_upstream_columns_change(copy):
    path, env = copy
    root = path.parent
    views = [KEPT, SQL_CHANGED, UPSTREAM_CHANGED]
    _mark(path, views)

    unchanged = _run(root, env, "unchanged", ["--select", *views])
    assert unchanged == {view: "view unchanged" for view in views}
    assert all(_column_comment(path, view) == MARKER for view in views)

    # the upstream's types move under the view: DuckDB no longer reads the old view
    with duckdb.connect(str(path)) as con:
        con.execute(f"alter view staging.{UPSTREAM} rename to {UPSTREAM}__by_hand")
        con.execute(
            f"create view staging.{UPSTREAM} as select * replace "
            f"(cast(extract_date as varchar) as extract_date) from staging.{UPSTREAM}__by_hand"
        )
        with pytest.raises(duckdb.BinderException, match="Contents of view were altered"):
            con.execute(f"select count(*) from staging.{UPSTREAM_CHANGED}").fetchall()
    assert "upper('DE')" in _view_sql(path, SQL_CHANGED)
    assert "upper('AT')" not in _view_sql(path, SQL_CHANGED)

    changed = _run(
        root, env, "changed", ["--select", *views, "--vars", "{default_phone_country: AT}"]
    )
    assert changed[KEPT] == "view unchanged"
    assert _column_comment(path, KEPT) == MARKER
    for view in (SQL_CHANGED, UPSTREAM_CHANGED):
        assert changed[view] != "view unchanged"
        assert _column_comment(path, view) not in (None, MARKER)  # persist_docs wrote it again
    assert "upper('AT')" in _view_sql(path, SQL_CHANGED)
    with duckdb.connect(str(path), read_only=True) as con:
        types = dict(
            con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where schema_name = 'staging' and table_name = ?",
                [UPSTREAM_CHANGED],
            ).fetchall()
        )
        assert types["extract_date"] == "VARCHAR"
        con.execute(f"select count(*) from staging.{UPSTREAM_CHANGED}").fetchall()

    refreshed = _run(root, env, "full_refresh", ["--select", KEPT, "--full-refresh"])
    assert refreshed[KEPT] != "view unchanged"
    assert _column_comment(path, KEPT) not in (None, MARKER)
