"""Shared pytest fixtures: one fixture world and one dbt build of it per session.

`import dbt` and `dbt parse` cost seconds, so the warehouse is built once, on a
small simulated world, and many tests assert on it.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from omnichannel.dbt_runner import DbtOutcome, run_dbt

FIXTURE_SCALE = 0.03
FIXTURE_DAYS = 45
FIXTURE_START = dt.date(2025, 1, 1)
FIXTURE_SEED = 7


@dataclass
class FixtureWorld:
    raw_dir: Path
    truth_dir: Path
    generation: dict


@dataclass
class BuiltWarehouse:
    world: FixtureWorld
    duckdb_path: Path
    target_dir: Path
    outcome: DbtOutcome
    env: dict[str, str]

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.duckdb_path), read_only=True)

    def query(self, sql: str) -> list[tuple]:
        with self.connect() as con:
            return con.execute(sql).fetchall()

    def manifest(self) -> dict:
        return json.loads((self.target_dir / "manifest.json").read_text())

    def run_results(self) -> dict:
        return json.loads((self.target_dir / "run_results.json").read_text())


@pytest.fixture(scope="session")
def fixture_world(tmp_path_factory: pytest.TempPathFactory) -> FixtureWorld:
    from omnichannel.generate import generate_world

    root = tmp_path_factory.mktemp("fixture_world")
    raw, truth = root / "raw", root / "truth"
    report = generate_world(
        scale=FIXTURE_SCALE,
        days=FIXTURE_DAYS,
        start=FIXTURE_START,
        seed=FIXTURE_SEED,
        out=raw,
        truth=truth,
        show_progress=False,
    )
    return FixtureWorld(raw_dir=raw, truth_dir=truth, generation=report)


def dbt_env(duckdb_path: Path, raw_dir: Path) -> dict[str, str]:
    return {
        "OMNICHANNEL_TARGET": "test",
        "OMNICHANNEL_DUCKDB_PATH": str(duckdb_path),
        "OMNICHANNEL_RAW_ROOT": str(raw_dir),
        "OMNICHANNEL_DUCKDB_TEMP": str(duckdb_path.parent / "duckdb_tmp"),
    }


@pytest.fixture(scope="session")
def warehouse(
    fixture_world: FixtureWorld, tmp_path_factory: pytest.TempPathFactory
) -> BuiltWarehouse:
    """`dbt build` (seeds, models, data and unit tests) of the project on the fixture world."""
    root = tmp_path_factory.mktemp("warehouse")
    duckdb_path = root / "warehouse.duckdb"
    target_dir = root / "target"
    env = dbt_env(duckdb_path, fixture_world.raw_dir)
    outcome = run_dbt(
        [
            "build",
            "--target",
            "test",
            "--target-path",
            str(target_dir),
            "--log-path",
            str(root / "logs"),
        ],
        env=env,
    )
    return BuiltWarehouse(fixture_world, duckdb_path, target_dir, outcome, env)
