"""Landing checks: every raw file is checked against the extract contract before dbt reads it.

Two layers, both derived from ``omnichannel.generate.schema`` (never copied by hand):

1. **Files** (pyarrow, per file, from the Parquet footer): the file reads, its
   columns are exactly the contract's, with the contract's types, and the
   ``date=`` folder is a date. A corrupt file, a dropped, renamed or retyped
   column is reported with its path. Every daily table must have a folder.
   A day is delivered once (no file whose keys are mostly another file's) and
   is not empty when the days around it have many rows.
2. **Rows** (Great Expectations 1.x, per table, on the files read with pyarrow
   into pandas; GE's SQL datasource on duckdb-engine is broken): keys not
   null, categorical values in their sets, quantities and scores in range, a GA
   client id a web form stored shaped like one.
   Row-level mess that staging quarantines (a few null keys, negative
   quantities) is tolerated by ``mostly``; a file that is wholesale wrong is
   not. Failing rows are traced back to their file with a ``_file`` column.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from omnichannel.generate.schema import TABLES, RawTable

ROW_TOLERANCE = (
    0.9  # share of rows that must pass a row-level expectation (row-level mess is staging's job)
)
# A file whose distinct keys are more than this share (and at least MIN_REPEATED_KEYS keys)
# in another file of the same table is a day delivered twice.
REPEATED_DAY_SHARE = 0.5
MIN_REPEATED_KEYS = 5
# A day with no rows is a finding when the median of the days around it (up to
# EMPTY_DAY_NEIGHBOURS on each side) is at least this many rows.
MIN_MEDIAN_ROWS_FOR_EMPTY_DAY = 20
EMPTY_DAY_NEIGHBOURS = 7
GA_CLIENT_ID_PATTERN = r"^(GA1\.[0-9]+\.)?[A-Za-z0-9][A-Za-z0-9._-]*$"


@dataclass
class LandingFailure:
    path: str
    expectation: str
    examples: list = field(default_factory=list)


@dataclass
class LandingReport:
    files_checked: int = 0
    rows_checked: int = 0
    failures: list[LandingFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_json(self) -> str:
        return json.dumps(
            {
                "ok": self.ok,
                "files_checked": self.files_checked,
                "rows_checked": self.rows_checked,
                "failures": [asdict(f) for f in self.failures],
            },
            indent=2,
            default=str,
        )


def _value_sets(table: RawTable) -> dict[str, tuple[str, ...]]:
    sets = dict(table.accepted_values)
    names = table.column_names()
    if "fulfilment_method" in names:
        sets["fulfilment_method"] = (
            "ship_to_home",
            "ship_from_store",
            "bopis",
            "carry_out",
            "marketplace_fulfilled",
        )
    if "survey_type" in names:
        sets["survey_type"] = ("csat", "nps")
    if "order_channel" in names:
        sets["order_channel"] = ("web", "app", "store", "marketplace", "phone")
    return sets


def _table_files(raw_dir: Path, table: RawTable, report: LandingReport) -> list[Path]:
    folder = raw_dir / table.system / table.name
    if table.partition == "snapshot":
        path = folder / "snapshot.parquet"
        if not path.exists():
            report.failures.append(LandingFailure(str(path), "file exists"))
            return []
        return [path]
    if not folder.is_dir():
        report.failures.append(LandingFailure(str(folder), "table folder exists"))
        return []
    days = sorted(folder.glob("date=*"))
    if not days:
        report.failures.append(LandingFailure(str(folder), "at least one date= partition"))
    files = []
    for day in days:
        try:
            pd.Timestamp(day.name.split("=", 1)[1])
        except ValueError:
            report.failures.append(LandingFailure(str(day), "partition folder date=YYYY-MM-DD"))
            continue
        parts = sorted(day.glob("*.parquet"))
        if not parts:
            report.failures.append(
                LandingFailure(str(day), "a Parquet file in every day partition")
            )
        files += parts
    return files


def _check_file_schema(path: Path, table: RawTable, report: LandingReport) -> bool:
    try:
        schema = pq.read_schema(path)
    except Exception as error:  # a corrupt file is a finding, not a crash
        report.failures.append(
            LandingFailure(str(path), "file is readable Parquet", [str(error)[:200]])
        )
        return False
    expected = table.arrow_schema()
    if schema.names != expected.names:
        missing = [n for n in expected.names if n not in schema.names]
        extra = [n for n in schema.names if n not in expected.names]
        report.failures.append(
            LandingFailure(
                str(path), "columns match the contract", [{"missing": missing, "unexpected": extra}]
            )
        )
        return False
    wrong = [
        (f.name, str(f.type), str(expected.field(f.name).type))
        for f in schema
        if not f.type.equals(expected.field(f.name).type)
    ]
    if wrong:
        report.failures.append(
            LandingFailure(
                str(path),
                "column types match the contract",
                [{"column": c, "found": found, "expected": want} for c, found, want in wrong],
            )
        )
        return False
    return True


def _expectations(table: RawTable):
    import great_expectations as gx

    expectations = [
        gx.expectations.ExpectColumnValuesToNotBeNull(column=table.key[0], mostly=ROW_TOLERANCE)
    ]
    for column, values in sorted(_value_sets(table).items()):
        expectations.append(
            gx.expectations.ExpectColumnValuesToBeInSet(
                column=column, value_set=list(values), mostly=ROW_TOLERANCE
            )
        )
    names = table.column_names()
    if "quantity" in names:
        expectations.append(
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="quantity", min_value=-10_000, max_value=10_000, mostly=ROW_TOLERANCE
            )
        )
    if "score" in names:
        expectations.append(
            gx.expectations.ExpectColumnValuesToBeBetween(
                column="score", min_value=0, max_value=10, mostly=ROW_TOLERANCE
            )
        )
    if "ga_client_id" in names:
        # a GA client id (user_pseudo_id), or the raw `_ga` cookie value `GA1.<depth>.<client id>`
        expectations.append(
            gx.expectations.ExpectColumnValuesToMatchRegex(
                column="ga_client_id", regex=GA_CLIENT_ID_PATTERN, mostly=ROW_TOLERANCE
            )
        )
    if "currency" in names:
        expectations.append(
            gx.expectations.ExpectColumnValuesToMatchRegex(
                column="currency", regex="^[A-Za-z]{3}$", mostly=ROW_TOLERANCE
            )
        )
    return expectations


def _quiet_great_expectations() -> None:
    for name in [*logging.root.manager.loggerDict, "great_expectations"]:
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.ERROR)


def ephemeral_context():
    """A Great Expectations context in memory, quiet: no progress bars, errors only."""
    os.environ.setdefault("TQDM_DISABLE", "1")  # GE's per-validation progress bars drown reports
    import great_expectations as gx

    warnings.filterwarnings("ignore", module="great_expectations")
    _quiet_great_expectations()
    context = gx.get_context(mode="ephemeral")
    _quiet_great_expectations()
    try:
        from great_expectations.data_context.types.base import ProgressBarsConfig

        context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
    except (ImportError, AttributeError):
        pass
    return context


def validate_frame(
    context, name: str, frame: pd.DataFrame, expectations: list, result_format: dict
):
    """Validate `frame` (pandas datasource `name`) against `expectations`; GE's suite result."""
    import great_expectations as gx

    source = context.data_sources.add_pandas(name=name)
    asset = source.add_dataframe_asset(name=name)
    batch_definition = asset.add_batch_definition_whole_dataframe(name)
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    suite = gx.ExpectationSuite(name=name, expectations=expectations)
    return batch.validate(suite, result_format=result_format)


def _validate_rows(context, table: RawTable, frame: pd.DataFrame, report: LandingReport) -> None:
    name = table.qualified_name.replace(".", "__")
    result = validate_frame(
        context,
        f"landing_{name}",
        frame,
        _expectations(table),
        {"result_format": "COMPLETE", "unexpected_index_column_names": ["_file"]},
    )
    for outcome in result.results:
        if outcome.success:
            continue
        unexpected = outcome.result.get("unexpected_index_list") or []
        files = sorted({row.get("_file") for row in unexpected if isinstance(row, dict)}) or [
            str(table.qualified_name)
        ]
        examples = [row for row in unexpected[:5]]
        config = outcome.expectation_config
        report.failures.append(
            LandingFailure(
                ", ".join(files[:5]),
                f"{config.type} {json.dumps(dict(config.kwargs), default=str)}",
                examples,
            )
        )


def _check_day_delivered_once(table: RawTable, rows: pd.DataFrame, report: LandingReport) -> None:
    """A file whose keys mostly sit in another file of the table is a day delivered twice."""
    keys = list(table.key)
    distinct = rows[[*keys, "_file"]].dropna(subset=keys).drop_duplicates()
    if distinct.empty or distinct["_file"].nunique() < 2:
        return
    repeated = distinct[distinct.duplicated(subset=keys, keep=False)]
    if repeated.empty:
        return
    keys_per_file = distinct.groupby("_file").size()
    pairs = repeated.merge(repeated, on=keys, suffixes=("", "_other"))
    pairs = pairs[pairs["_file"] != pairs["_file_other"]]
    shared = pairs.groupby(["_file", "_file_other"]).size().reset_index(name="shared")
    shared = shared.sort_values(["_file", "shared", "_file_other"], ascending=[True, False, True])
    for path, other, count in zip(
        shared["_file"], shared["_file_other"], shared["shared"], strict=True
    ):
        total = int(keys_per_file[path])
        if count >= MIN_REPEATED_KEYS and count > REPEATED_DAY_SHARE * total:
            report.failures.append(
                LandingFailure(
                    path,
                    f"a day is delivered once: {count} of its {total} keys "
                    f"({', '.join(keys)}) are also in {other}",
                )
            )


def _check_no_empty_day(files_rows: dict[Path, int], report: LandingReport) -> None:
    """A day with no rows, where the days around it have many, is a lost delivery.

    "Around" is up to EMPTY_DAY_NEIGHBOURS days on each side: a table that starts
    slowly (goods receipts before the first orders arrive) is not flagged, the
    newest day is compared with the days before it.
    """
    rows_per_day: dict[Path, int] = {}
    for path, count in files_rows.items():
        rows_per_day[path.parent] = rows_per_day.get(path.parent, 0) + count
    days = sorted(rows_per_day)
    counts = [rows_per_day[day] for day in days]
    for index, (day, count) in enumerate(zip(days, counts, strict=True)):
        if count:
            continue
        around = (
            counts[max(0, index - EMPTY_DAY_NEIGHBOURS) : index]
            + counts[index + 1 : index + 1 + EMPTY_DAY_NEIGHBOURS]
        )
        if len(around) < 2:
            continue
        median = float(pd.Series(around).median())
        if median >= MIN_MEDIAN_ROWS_FOR_EMPTY_DAY:
            files = ", ".join(str(p) for p in sorted(files_rows) if p.parent == day)
            report.failures.append(
                LandingFailure(
                    files,
                    f"rows in every day: this day has none, the days around it have "
                    f"{median:,.0f} (median)",
                )
            )


def check_raw(raw_dir: Path, show_progress: bool = False) -> LandingReport:
    """Check every raw file of the contract under `raw_dir`; write `_landing_report.json` there."""
    from rich.progress import Progress

    raw_dir = Path(raw_dir)
    report = LandingReport()
    context = ephemeral_context()
    with Progress(disable=not show_progress, transient=True) as progress:
        task = progress.add_task("landing checks", total=len(TABLES))
        for table in TABLES:
            progress.update(task, description=f"checking {table.qualified_name}")
            good = [
                path
                for path in _table_files(raw_dir, table, report)
                if _check_file_schema(path, table, report)
            ]
            report.files_checked += len(good)
            if good:
                columns = sorted(
                    {
                        *table.key,
                        *_value_sets(table),
                        *(
                            c
                            for c in ("quantity", "score", "currency", "ga_client_id")
                            if c in table.column_names()
                        ),
                    }
                )
                frames = []
                for path in good:
                    frame = pq.read_table(path, columns=columns).to_pandas()
                    frame["_file"] = str(path)
                    frames.append(frame)
                rows = pd.concat(frames, ignore_index=True)
                report.rows_checked += len(rows)
                if table.partition == "daily":
                    _check_no_empty_day(
                        {p: len(f) for p, f in zip(good, frames, strict=True)}, report
                    )
                    _check_day_delivered_once(table, rows, report)
                if len(rows):
                    _validate_rows(context, table, rows, report)
            progress.advance(task)
    if raw_dir.exists():
        (raw_dir / "_landing_report.json").write_text(report.to_json())
    return report
