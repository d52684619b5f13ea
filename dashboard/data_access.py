"""The dashboard's only door to data: the published warehouse, read-only, marts and semantic only.

The file is `data/published/warehouse.duckdb` (a build whose every test passed),
or OMNICHANNEL_PUBLISHED_PATH. Every query goes through `read`, which refuses any
relation outside the `marts` and `semantic` schemas: never staging.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PUBLISHED = PROJECT_ROOT / "data" / "published" / "warehouse.duckdb"
ALLOWED_SCHEMAS = ("marts", "semantic")
_RELATION = re.compile(r"\b(?:from|join)\s+([a-z_][a-z0-9_\.]*)", re.IGNORECASE)


def published_path() -> Path:
    """The published warehouse file the dashboard reads."""
    return Path(os.environ.get("OMNICHANNEL_PUBLISHED_PATH", DEFAULT_PUBLISHED))


def check_relations(sql: str) -> None:
    """Raise unless every relation read by `sql` is schema-qualified in marts or semantic."""
    for relation in _RELATION.findall(sql):
        schema = relation.split(".")[0].lower() if "." in relation else ""
        if schema not in ALLOWED_SCHEMAS:
            raise ValueError(f"the dashboard reads only marts and semantic, not {relation!r}")


@st.cache_data(ttl=300, show_spinner=False)
def _read(sql: str, params: tuple, path: str, modified: float) -> pd.DataFrame:
    with duckdb.connect(path, read_only=True) as connection:
        return connection.execute(sql, list(params)).fetchdf()


def _published_or_stop() -> Path:
    path = published_path()
    if not path.exists():
        st.error(f"No published warehouse at {path}: run `make build` first.")
        st.stop()
    return path


def read(sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run a query on the published warehouse (read-only), cached until the file changes."""
    check_relations(sql)
    path = _published_or_stop()
    return _read(sql, params, str(path), path.stat().st_mtime)


def tables() -> set[str]:
    """`schema.table` of every relation in marts and semantic (from the catalog)."""
    path = _published_or_stop()
    frame = _read(
        "select table_schema || '.' || table_name as relation from information_schema.tables "
        "where table_schema in ('marts', 'semantic')",
        (),
        str(path),
        path.stat().st_mtime,
    )
    return set(frame["relation"])
