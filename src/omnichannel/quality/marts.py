"""The audit of the marts before they are published: suites derived, never written per mart.

Every relation in the ``marts`` schema of a warehouse file is audited with
expectations that follow from the project itself, so that a mart added
tomorrow is audited without touching this module:

- **schema** (from the DuckDB catalog against the dbt manifest): the relation
  is a model of the project, its columns are exactly the contract's, each of
  the contract's ``data_type`` (normalised by DuckDB itself);
- **keys** (Great Expectations): every primary key the project declares is
  unique (``unique`` and ``unique_combination_of_columns`` tests,
  ``primary_key`` constraints), every ``not_null`` column has no null; a
  mart that declares no key fails;
- **ranges**: ``*_rate`` / ``*_share`` in [0, 1]; every ``*_denominator`` and
  the ``*_numerator`` of a rate or share not negative (signed ratios such as
  NPS, forecast bias or marketing ROI have signed numerators); a ratio with both beside it equals
  numerator / denominator and is null (not zero) when the denominator is
  empty;
- **PII**: no string column holds an email address or a phone number;
- **row count**: not more than ``max_row_drop`` below the same mart in the
  previously published warehouse.

Each mart is read with DuckDB (read-only) into pandas and validated with a
pandas datasource (GE's SQL datasource on duckdb-engine is broken), reading
only the columns some expectation needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

MARTS_SCHEMA = "marts"
DEFAULT_MAX_ROW_DROP = 0.25
RATIO_SUFFIXES = ("_rate", "_share")
NON_NEGATIVE_SUFFIXES = ("_numerator", "_denominator")
RATIO_TOLERANCE = 5e-4  # a ratio may be rounded to 4 decimals
# Anywhere in the value: something@domain.tld.
EMAIL_PATTERN = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
# The whole value is a phone number as people write them: +49 151..., 0049 151...,
# +49 (0)151..., 0151 2345678, (015) 112-345678.
PHONE_PATTERN = (
    r"^\s*(?:(?:\+|00)\s?[1-9][0-9]{0,3}|\(?0[1-9][0-9]{0,4}\)?)"
    r"[\s()./-]*[0-9][0-9\s()./-]{4,}[0-9]\s*$"
)


@dataclass
class AuditFailure:
    relation: str
    check: str
    details: str = ""

    def __str__(self) -> str:
        return f"{self.relation}: {self.check}" + (f" ({self.details})" if self.details else "")


@dataclass
class MartAuditReport:
    relations: list[str] = field(default_factory=list)
    rows_checked: int = 0
    failures: list[AuditFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures


@dataclass
class MartSpec:
    """What the manifest says about one mart."""

    unique_id: str
    relation: str
    contract_types: dict[str, str] = field(default_factory=dict)
    keys: list[tuple[str, ...]] = field(default_factory=list)
    not_null: list[str] = field(default_factory=list)


def mart_specs(manifest: dict, schema: str = MARTS_SCHEMA) -> dict[str, MartSpec]:
    """Mart relation name -> its spec: contract types, declared keys and not-null columns."""
    specs: dict[str, MartSpec] = {}
    by_id: dict[str, MartSpec] = {}
    for unique_id, node in sorted(manifest["nodes"].items()):
        if node["resource_type"] != "model" or node["schema"].lower() != schema:
            continue
        relation = (node.get("alias") or node["name"]).lower()
        spec = MartSpec(unique_id, relation)
        for name, column in node.get("columns", {}).items():
            if column.get("data_type"):
                spec.contract_types[name.lower()] = column["data_type"]
            for constraint in column.get("constraints") or []:
                if constraint.get("type") == "primary_key":
                    spec.keys.append((name.lower(),))
                if constraint.get("type") in ("not_null", "primary_key"):
                    spec.not_null.append(name.lower())
        for constraint in node.get("constraints") or []:
            if constraint.get("type") == "primary_key" and constraint.get("columns"):
                spec.keys.append(tuple(c.lower() for c in constraint["columns"]))
        specs[relation] = by_id[unique_id] = spec
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        spec = by_id.get(node.get("attached_node") or "")
        if spec is None or (node.get("config") or {}).get("where"):
            continue  # a test on part of the rows does not declare a key
        kwargs = metadata.get("kwargs") or {}
        column = (kwargs.get("column_name") or node.get("column_name") or "").lower()
        if metadata.get("name") == "unique" and column:
            spec.keys.append((column,))
        elif metadata.get("name") == "not_null" and column:
            spec.not_null.append(column)
        elif metadata.get("name") == "unique_combination_of_columns":
            spec.keys.append(tuple(c.lower() for c in kwargs.get("combination_of_columns") or []))
    for spec in specs.values():
        spec.keys = sorted(set(k for k in spec.keys if k))
        spec.not_null = sorted(set(spec.not_null))
    return specs


@cache
def duckdb_type(declared: str) -> str:
    """DuckDB's own name for a declared type (`decimal(18,2)` -> `DECIMAL(18,2)`, `text` -> `VARCHAR`)."""
    import duckdb

    try:
        with duckdb.connect() as connection:
            return str(connection.execute(f"select typeof(cast(null as {declared}))").fetchone()[0])
    except duckdb.Error:
        return declared.strip().upper()


def previous_row_counts(published: Path | None, schema: str = MARTS_SCHEMA) -> dict[str, int]:
    """Rows per mart in the previously published warehouse (empty when there is none)."""
    import duckdb

    if published is None or not Path(published).exists():
        return {}
    counts = {}
    try:
        with duckdb.connect(str(published), read_only=True) as connection:
            for (table,) in connection.execute(
                "select table_name from information_schema.tables "
                "where table_schema = ? and table_catalog = current_database() order by 1",
                [schema],
            ).fetchall():
                counts[table.lower()] = connection.execute(
                    f'select count(*) from {schema}."{table}"'
                ).fetchone()[0]
    except duckdb.Error:
        return {}
    return counts


def _ratio_parts(ratio: str, columns: list[str]) -> tuple[str, str] | None:
    stem = next(ratio[: -len(s)] for s in RATIO_SUFFIXES if ratio.endswith(s))
    for base in (ratio, stem):
        numerator, denominator = f"{base}_numerator", f"{base}_denominator"
        if numerator in columns and denominator in columns:
            return numerator, denominator
    return None


def _value_expectations(
    spec: MartSpec, catalog: dict[str, str], frame: pd.DataFrame, previous_rows: int | None, drop
):
    """The GE expectations of one mart; adds derived ratio-consistency columns to `frame`."""
    import great_expectations as gx

    columns = list(catalog)
    expectations = []
    for key in spec.keys:
        if len(key) == 1:
            expectations.append(gx.expectations.ExpectColumnValuesToBeUnique(column=key[0]))
        else:
            expectations.append(
                gx.expectations.ExpectCompoundColumnsToBeUnique(column_list=list(key))
            )
    for column in spec.not_null:
        expectations.append(gx.expectations.ExpectColumnValuesToNotBeNull(column=column))
    for column in columns:
        if column.endswith(RATIO_SUFFIXES):
            expectations.append(
                gx.expectations.ExpectColumnValuesToBeBetween(
                    column=column, min_value=0, max_value=1
                )
            )
            parts = _ratio_parts(column, columns)
            if parts:
                numerator, denominator = (frame[p].astype("float64") for p in parts)
                ratio = frame[column].astype("float64")
                empty = denominator.isna() | (denominator == 0)
                expected = numerator / denominator.where(~empty)
                consistent = (empty & ratio.isna()) | (
                    ~empty & ((ratio - expected).abs() <= RATIO_TOLERANCE)
                )
                derived = f"{column} = {parts[0]} / {parts[1]}, null when the denominator is empty"
                frame[derived] = consistent.fillna(False).astype(bool)
                expectations.append(
                    gx.expectations.ExpectColumnValuesToBeInSet(column=derived, value_set=[True])
                )
        base = column.removesuffix("_numerator")
        if column.endswith("_denominator") or (
            column.endswith("_numerator")
            and (
                base.endswith(RATIO_SUFFIXES)
                or any(f"{base}{suffix}" in catalog for suffix in RATIO_SUFFIXES)
            )
        ):
            expectations.append(
                gx.expectations.ExpectColumnValuesToBeBetween(column=column, min_value=0)
            )
        if catalog[column] == "VARCHAR":
            for pattern in (EMAIL_PATTERN, PHONE_PATTERN):
                expectations.append(
                    gx.expectations.ExpectColumnValuesToNotMatchRegex(column=column, regex=pattern)
                )
    if previous_rows:
        expectations.append(
            gx.expectations.ExpectTableRowCountToBeBetween(
                min_value=math.ceil(previous_rows * (1 - drop))
            )
        )
    return expectations


def _describe(outcome, catalog: dict[str, str]) -> tuple[str, str]:
    config = outcome.expectation_config
    kwargs = {k: v for k, v in dict(config.kwargs).items() if k not in ("batch_id",)}
    column = kwargs.get("column") or kwargs.get("column_list")
    result = outcome.result or {}
    check = config.type
    if column:
        check += f" on {column}"
    if "regex" in kwargs:
        what = "an email address" if kwargs["regex"] == EMAIL_PATTERN else "a phone number"
        # never print the values themselves: they are personal data
        return check.replace("expect_column_values_to_not_match_regex", "no PII"), (
            f"{result.get('unexpected_count')} values look like {what}"
        )
    if "min_value" in kwargs or "max_value" in kwargs:
        check += f" in [{kwargs.get('min_value')}, {kwargs.get('max_value')}]"
    if "observed_value" in result:
        return check, f"observed {result['observed_value']}"
    examples = result.get("partial_unexpected_list") or []
    return check, f"{result.get('unexpected_count')} rows, e.g. {examples[:5]}"


def audit_marts(
    warehouse: Path,
    manifest: dict,
    previous: Path | None = None,
    max_row_drop: float = DEFAULT_MAX_ROW_DROP,
    schema: str = MARTS_SCHEMA,
) -> MartAuditReport:
    """Audit every relation of `schema` in `warehouse` (opened read-only)."""
    import duckdb

    from omnichannel.quality import ephemeral_context, validate_frame

    report = MartAuditReport()
    specs = mart_specs(manifest, schema)
    baseline = previous_row_counts(previous, schema)
    context = None
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        relations = connection.execute(
            "select table_name, column_name, data_type from information_schema.columns "
            "where table_schema = ? and table_catalog = current_database() "
            "order by table_name, ordinal_position",
            [schema],
        ).fetchall()
        catalogs: dict[str, dict[str, str]] = {}
        for table, column, data_type in relations:
            catalogs.setdefault(table, {})[column.lower()] = data_type
        for table, catalog in sorted(catalogs.items()):
            relation = f"{schema}.{table}"
            report.relations.append(relation)
            spec = specs.get(table.lower())
            if spec is None:
                report.failures.append(
                    AuditFailure(
                        relation,
                        "is a model of the project",
                        "left by an earlier build? drop it or build into a fresh file",
                    )
                )
                continue
            if spec.contract_types:
                missing = sorted(set(spec.contract_types) - set(catalog))
                extra = sorted(set(catalog) - set(spec.contract_types))
                if missing or extra:
                    report.failures.append(
                        AuditFailure(
                            relation,
                            "columns match the contract",
                            f"missing {missing}, not in the contract {extra}",
                        )
                    )
                for column, declared in sorted(spec.contract_types.items()):
                    if column in catalog and duckdb_type(declared) != catalog[column]:
                        report.failures.append(
                            AuditFailure(
                                relation,
                                f"column type of {column}",
                                f"contract {declared}, warehouse {catalog[column]}",
                            )
                        )
            if not spec.keys:
                report.failures.append(
                    AuditFailure(
                        relation,
                        "declares a primary key",
                        "no unique / unique_combination_of_columns test or primary_key constraint",
                    )
                )
            absent = sorted({c for k in spec.keys for c in k} - set(catalog))
            if absent:
                report.failures.append(
                    AuditFailure(relation, "key columns exist", f"missing {absent}")
                )
                continue
            needed = [
                c
                for c in catalog
                if any(c in key for key in spec.keys)
                or c in spec.not_null
                or c.endswith(RATIO_SUFFIXES + NON_NEGATIVE_SUFFIXES)
                or catalog[c] == "VARCHAR"
            ]
            if needed:
                select_list = ", ".join(f'"{c}"' for c in needed)
                frame = connection.execute(f'select {select_list} from {schema}."{table}"').df()
            else:
                rows = connection.execute(f'select count(*) from {schema}."{table}"').fetchone()[0]
                frame = pd.DataFrame(index=pd.RangeIndex(rows))
            report.rows_checked += len(frame)
            needed_catalog = {c: catalog[c] for c in needed}
            expectations = _value_expectations(
                spec, needed_catalog, frame, baseline.get(table.lower()), max_row_drop
            )
            if not expectations:
                continue
            if context is None:
                context = ephemeral_context()
            result = validate_frame(
                context, f"mart_{table}", frame, expectations, {"result_format": "SUMMARY"}
            )
            for outcome in result.results:
                if not outcome.success:
                    check, details = _describe(outcome, catalog)
                    report.failures.append(AuditFailure(relation, check, details))
    return report
