"""Build one raw world on DuckDB and on a local Spark session, then compare them (`engines`).

Target `spark_ci` keeps Spark's catalog in memory: tables exist only while
the process that built them lives. So the Spark build runs in this process
(dbt in-process, its session stays up) and the comparison reads the tables
through that same session. DuckDB builds into its own file under
`data/spark/`, away from the demo warehouse.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from omnichannel.dbt_runner import DbtOutcome, run_dbt
from omnichannel.engines import (
    DEFAULT_LAYERS,
    ComparedModel,
    ModelComparison,
    Row,
    compare_model,
    missing_from,
    models_to_compare,
)
from omnichannel.paths import DATA_DIR

SPARK_DIR = DATA_DIR / "spark"
# dbt-spark's local session runs no Python models: they are disabled (see dbt_project.yml vars)
SPARK_VARS = ("--vars", "{python_models_enabled: false}")


@dataclass
class EngineBuild:
    """One `dbt build` of the world on one engine."""

    engine: str
    target: str
    target_path: Path
    outcome: DbtOutcome
    seconds: float

    def manifest(self) -> dict:
        return json.loads((self.target_path / "manifest.json").read_text())


@dataclass
class EngineComparisonReport:
    """Both builds, every model compared, and the models only one engine builds."""

    raw_root: str
    builds: list[EngineBuild]
    comparisons: list[ModelComparison] = field(default_factory=list)
    not_on_spark: list[ComparedModel] = field(default_factory=list)
    compare_seconds: float = 0.0

    @property
    def builds_succeeded(self) -> bool:
        return all(build.outcome.success for build in self.builds)

    @property
    def ok(self) -> bool:
        return (
            self.builds_succeeded
            and bool(self.comparisons)
            and all(comparison.ok for comparison in self.comparisons)
        )

    def as_dict(self) -> dict:
        return {
            "raw_root": self.raw_root,
            "ok": self.ok,
            "builds": [
                {
                    "engine": build.engine,
                    "target": build.target,
                    "success": build.outcome.success,
                    "seconds": round(build.seconds, 1),
                    "failures": build.outcome.failures,
                }
                for build in self.builds
            ],
            "compare_seconds": round(self.compare_seconds, 1),
            "models": [
                {
                    "model": comparison.model.name,
                    "layer": comparison.model.layer,
                    "key": list(comparison.model.key_columns),
                    "rows_duckdb": comparison.rows_duckdb,
                    "rows_spark": comparison.rows_spark,
                    "ok": comparison.ok,
                    "problems": comparison.problems,
                }
                for comparison in self.comparisons
            ],
            "not_on_spark": [
                {"model": model.name, "language": model.language} for model in self.not_on_spark
            ],
        }


class DuckDBReader:
    """Reads relations of a DuckDB file (read-only)."""

    def __init__(self, path: Path) -> None:
        self.connection = duckdb.connect(str(path), read_only=True)

    def read(self, relation: str) -> tuple[list[str], list[Row]]:
        cursor = self.connection.execute(f"select * from {relation}")
        columns = [description[0] for description in cursor.description]
        return columns, [tuple(row) for row in cursor.fetchall()]

    def close(self) -> None:
        self.connection.close()


class SparkReader:
    """Reads relations through the Spark session dbt-spark started in this process."""

    def __init__(self) -> None:
        from pyspark import SparkContext
        from pyspark.sql import SparkSession

        if SparkContext._active_spark_context is None:
            raise RuntimeError("no Spark session in this process: build on Spark first")
        # the session dbt-spark started (in one of dbt's threads, so not this thread's active one)
        self.session = SparkSession.builder.getOrCreate()

    def read(self, relation: str) -> tuple[list[str], list[Row]]:
        frame = self.session.table(relation)
        return list(frame.columns), [tuple(row) for row in frame.collect()]


def _build(
    engine: str,
    target: str,
    raw_root: Path,
    env: dict[str, str],
    extra_args: Sequence[str] = (),
    label: str | None = None,
) -> EngineBuild:
    target_path = SPARK_DIR / f"target_{label or engine}"
    started = time.perf_counter()
    outcome = run_dbt(
        [
            "build",
            "--target",
            target,
            "--target-path",
            str(target_path),
            "--log-path",
            str(SPARK_DIR / f"logs_{engine}"),
            *extra_args,
        ],
        env={"OMNICHANNEL_RAW_ROOT": str(raw_root), "OMNICHANNEL_TARGET": target, **env},
    )
    seconds = time.perf_counter() - started
    return EngineBuild(label or engine, target, target_path, outcome, seconds)


def build_on_duckdb(raw_root: Path, database: Path) -> EngineBuild:
    """Seeds and models (tests are `make test`'s job) into a fresh DuckDB file."""
    database.parent.mkdir(parents=True, exist_ok=True)
    for stale in (database, database.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    return _build(
        "duckdb",
        "test",
        raw_root,
        {
            "OMNICHANNEL_DUCKDB_PATH": str(database),
            "OMNICHANNEL_DUCKDB_TEMP": str(database.parent / "duckdb_tmp"),
        },
        ["--exclude-resource-type", "test", "unit_test"],
    )


def partial_world(raw_root: Path, partial_root: Path) -> list[str]:
    """`raw_root` without its last day and without a late day inside the lookback window.

    Files are hard-linked (copied where links are not possible) into
    `partial_root`; snapshots are kept. Returns the hidden days.
    """
    days = sorted({folder.name.split("=", 1)[1] for folder in raw_root.glob("*/*/date=*")})
    # the first build's newest day is days[-2]; days[-3] arrives late, inside var('lookback_days')
    hidden = [days[-1], days[-3]] if len(days) >= 3 else days[-1:]
    shutil.rmtree(partial_root, ignore_errors=True)
    for source in sorted(raw_root.rglob("*.parquet")):
        relative = source.relative_to(raw_root)
        if any(part in {f"date={day}" for day in hidden} for part in relative.parts):
            continue
        destination = partial_root / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, destination)
        except OSError:
            shutil.copyfile(source, destination)
    return hidden


def build_on_spark(
    raw_root: Path, warehouse: Path, with_tests: bool, incremental_check: bool = True
) -> list[EngineBuild]:
    """Seeds, models, unit and portability tests (every data test `with_tests`) on local Spark.

    With `incremental_check`, the incremental models and what they read are
    first built on the world without its last day and a late day, so that
    the full build then runs them incrementally (insert_overwrite of the
    days re-read): the comparison with DuckDB's full build then proves that
    incremental runs on Spark give the same rows as a full refresh.
    """
    # the catalog is in memory: table folders left by an earlier process would block creation
    shutil.rmtree(warehouse, ignore_errors=True)
    env = {"OMNICHANNEL_SPARK_WAREHOUSE": str(warehouse)}
    no_tests = [*SPARK_VARS, "--exclude-resource-type", "test", "unit_test"]
    # unit tests (rules on hand-made rows) and the portability tests (tests/portability: date
    # macros on hand-counted cases) are quick and always run on Spark; the data tests prove on
    # DuckDB what the comparison then proves equal on Spark, and take minutes here
    no_data_tests = [
        *SPARK_VARS,
        "--select",
        "resource_type:seed resource_type:model test_type:unit path:tests/portability",
        # a selected model would otherwise bring its data tests along
        "--indirect-selection",
        "empty",
    ]
    builds = []
    if incremental_check:
        partial_root = SPARK_DIR / "partial_raw"
        partial_world(raw_root, partial_root)
        first = _build(
            "spark",
            "spark_ci",
            partial_root,
            env,
            ["--select", "+config.materialized:incremental", *no_tests],
            label="spark_first_days",
        )
        builds.append(first)
        if not first.outcome.success:
            return builds
    everything = [*SPARK_VARS] if with_tests else no_data_tests
    builds.append(_build("spark", "spark_ci", raw_root, env, everything))
    return builds


def compare_engines(
    raw_root: Path,
    layers: Sequence[str] = DEFAULT_LAYERS,
    spark_tests: bool = False,
    incremental_check: bool = True,
    on_model: Callable[[ModelComparison], None] | None = None,
) -> EngineComparisonReport:
    """Build `raw_root` on both engines and compare every model of `layers` (see `engines`)."""
    # pyspark turns Spark timestamps into Python datetimes in the process's time zone
    os.environ["TZ"] = "UTC"
    time.tzset()
    raw_root = raw_root.resolve()
    database = SPARK_DIR / "duckdb" / "warehouse.duckdb"
    duckdb_build = build_on_duckdb(raw_root, database)
    spark_builds = build_on_spark(raw_root, SPARK_DIR / "warehouse", spark_tests, incremental_check)
    report = EngineComparisonReport(str(raw_root), [duckdb_build, *spark_builds])
    if not report.builds_succeeded:
        return report
    spark_build = spark_builds[-1]
    started = time.perf_counter()
    models = models_to_compare(duckdb_build.manifest(), layers)
    report.not_on_spark = missing_from(spark_build.manifest(), models)
    duckdb_reader, spark_reader = DuckDBReader(database), SparkReader()
    try:
        for model in models:
            if model in report.not_on_spark:
                continue
            comparison = compare_model(model, duckdb_reader, spark_reader)
            report.comparisons.append(comparison)
            if on_model:
                on_model(comparison)
    finally:
        duckdb_reader.close()
    report.compare_seconds = time.perf_counter() - started
    return report
