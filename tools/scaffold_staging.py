"""Lay out the staging layer from the raw contract (src/omnichannel/generate/schema.py).

Every raw table gets the three models of docs/staging-conventions.md and its
YAML. The rules are applied by column, the same way for every system:

    *_ts text            -> <name>_at (UTC), unparseable -> quarantine
    *_local_ts text      -> <name>_at (UTC, from the store's time zone) + <name>_local_date
    event_timestamp      -> event_at (microseconds since the epoch)
    emails / phones      -> <name>_hash (normalised, salted); raw values stay in the checks model
    first_name/last_name -> dropped
    currency + amounts   -> currency_code, <amount>_eur at the day's rate; no rate -> quarantine
    quantity < 0         -> quarantine (negative_quantity)
    store_id not a store -> quarantine (unknown_store)
    sku not a product    -> quarantine (unknown_sku, in the quarantine model: it needs erp.products)

Run once to lay out a new system (`python tools/scaffold_staging.py --only SYSTEM`);
the files it writes are ordinary source files, reviewed and edited by hand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyarrow as pa
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from omnichannel.generate.schema import TABLES, RawTable  # noqa: E402

EMAIL_COLUMNS = {"email", "receipt_email", "requester_email", "respondent_email", "masked_email"}
PHONE_COLUMNS = {"phone", "caller_phone"}
DROPPED_COLUMNS = {"first_name", "last_name"}
HASHED_COLUMNS = {"card_fingerprint"}
AMOUNT_HINTS = ("amount", "price", "value", "spend")
INCREMENTAL_TABLES = {
    "web_analytics.events",
    "app_analytics.events",
    "messaging.engagements",
    "fulfilment.tracking_events",
}
SKU_CHECKED_TABLES = {
    "ecommerce.order_lines",
    "store_pos.transaction_lines",
    "marketplace.order_lines",
}
ENTITY_NAMES = {
    "hourly_counts": "hourly_counts",
    "points_ledger": "points_ledger_entries",
    "supplier_lead_times": "supplier_lead_times",
    "daily_performance": "daily_performance",
}


def entity(table: RawTable) -> str:
    return ENTITY_NAMES.get(table.name, table.name)


def model_name(table: RawTable, suffix: str = "") -> str:
    return f"stg_{table.system}__{entity(table)}{suffix}"


def sql_type(t: pa.DataType) -> str:
    if pa.types.is_int64(t):
        return "bigint"
    if pa.types.is_floating(t):
        return "double"
    if pa.types.is_boolean(t):
        return "boolean"
    if pa.types.is_date32(t):
        return "date"
    return "varchar"


def base_name(column: str) -> str:
    for suffix in ("_local_ts", "_ts"):
        if column.endswith(suffix):
            return column[: -len(suffix)]
    return column


def amount_columns(table: RawTable) -> list[str]:
    return [
        c.name
        for c in table.columns
        if pa.types.is_floating(c.type) and any(h in c.name for h in AMOUNT_HINTS)
    ]


def time_columns(table: RawTable) -> list[str]:
    return [c.name for c in table.columns if c.name.endswith("_ts")]


def rate_date_expression(table: RawTable) -> str | None:
    names = table.column_names()
    for c in names:
        if c.endswith("_local_ts"):
            return f"cast({base_name(c)}_local_date as date)"
    if "event_timestamp" in names:
        return "cast(event_at as date)"
    for c in names:
        if c.endswith("_ts"):
            return f"cast({base_name(c)}_at as date)"
    for c in table.columns:
        if pa.types.is_date32(c.type):
            return c.name
    return None


class Layout:
    """The columns each model of a table carries, with their SQL and description."""

    def __init__(self, table: RawTable) -> None:
        self.table = table
        self.names = table.column_names()
        self.has_store = "store_id" in self.names
        self.has_currency = "currency" in self.names and bool(amount_columns(table))
        self.typed: list[
            tuple[str, str, str]
        ] = []  # (name, expression, description) in the checks model
        self.kept: list[tuple[str, str]] = []  # (name, description) in the stg model
        self.rules: list[tuple[str, str]] = []  # (condition, reason)
        self.build()

    def build(self) -> None:
        t = self.table
        key = t.key[0]
        self.rules.append((f"{key} is null", "missing_key"))
        local_ts = [c for c in self.names if c.endswith("_local_ts")]
        for column in t.columns:
            name, kind = column.name, sql_type(column.type)
            if name in DROPPED_COLUMNS:
                self.typed.append(
                    (
                        name,
                        f"cast({name} as varchar)",
                        column.description + " Raw PII: dropped in the staging model.",
                    )
                )
                continue
            if name == "event_timestamp":
                self.typed.append(
                    (
                        "event_at",
                        "{{ micros_to_timestamp('event_timestamp') }}",
                        "Event time, UTC, from the export's microseconds since the epoch.",
                    )
                )
                self.kept.append(("event_at", "Event time, UTC."))
                self.rules.append(("event_timestamp is null", "unparseable_timestamp"))
                continue
            if name.endswith("_local_ts"):
                base = base_name(name)
                self.typed.append((name, f"cast({name} as varchar)", column.description))
                self.typed.append(
                    (
                        f"{base}_at",
                        f"{{{{ local_to_utc('{name}', 'stores.store_time_zone') }}}}",
                        f"{column.description} Converted to UTC with the store's time zone.",
                    )
                )
                self.typed.append(
                    (
                        f"{base}_local_date",
                        f"cast(try_cast({name} as timestamp) as date)",
                        "The store's local calendar date of the event.",
                    )
                )
                self.kept += [
                    (f"{base}_at", f"UTC time of the {base.replace('_', ' ')}."),
                    (f"{base}_local_date", "The store's local calendar date."),
                ]
                self.rules.append(
                    (
                        f"{name} is not null and try_cast({name} as timestamp) is null",
                        "unparseable_timestamp",
                    )
                )
                continue
            if name.endswith("_ts"):
                base = base_name(name)
                self.typed.append((name, f"cast({name} as varchar)", column.description))
                self.typed.append(
                    (
                        f"{base}_at",
                        f"{{{{ parse_utc_timestamp('{name}') }}}}",
                        f"{column.description} Parsed to UTC (offsets honoured).",
                    )
                )
                self.kept.append((f"{base}_at", f"UTC time: {column.description}"))
                self.rules.append(
                    (
                        f"{name} is not null and {{{{ parse_utc_timestamp('{name}') }}}} is null",
                        "unparseable_timestamp",
                    )
                )
                continue
            if name in EMAIL_COLUMNS:
                self.typed.append(
                    (
                        name,
                        f"cast({name} as varchar)",
                        column.description + " Raw PII: hashed in the staging model.",
                    )
                )
                self.typed.append(
                    (
                        f"{name}_hash",
                        f"{{{{ hash_pii(normalize_email('{name}')) }}}}",
                        f"Salted hash of the normalised (trimmed, lower-case) {name.replace('_', ' ')}.",
                    )
                )
                self.kept.append(
                    (f"{name}_hash", f"Salted hash of the normalised {name.replace('_', ' ')}.")
                )
                continue
            if name in PHONE_COLUMNS:
                self.typed.append(
                    (
                        name,
                        f"cast({name} as varchar)",
                        column.description + " Raw PII: hashed in the staging model.",
                    )
                )
                self.typed.append(
                    (
                        f"{name}_hash",
                        f"{{{{ hash_pii(normalize_phone('{name}')) }}}}",
                        f"Salted hash of the {name.replace('_', ' ')} in E.164.",
                    )
                )
                self.kept.append(
                    (f"{name}_hash", f"Salted hash of the {name.replace('_', ' ')} in E.164.")
                )
                continue
            if name == "recipient":
                self.typed.append(
                    (
                        name,
                        "cast(recipient as varchar)",
                        column.description + " Raw PII: hashed in the staging model.",
                    )
                )
                expression = "case when message_channel = 'sms' then {{ hash_pii(normalize_phone('recipient')) }} else {{ hash_pii(normalize_email('recipient')) }} end"
                self.typed.append(
                    (
                        "recipient_hash",
                        expression,
                        "Salted hash of the recipient: normalised email for email, E.164 phone for SMS.",
                    )
                )
                self.kept.append(
                    ("recipient_hash", "Salted hash of the recipient (email or E.164 phone).")
                )
                continue
            if name in HASHED_COLUMNS:
                self.typed.append(
                    (
                        name,
                        f"cast({name} as varchar)",
                        column.description + " Raw PII: hashed in the staging model.",
                    )
                )
                self.typed.append(
                    (
                        f"{name}_hash",
                        f"{{{{ hash_pii('{name}') }}}}",
                        f"Salted hash of the {name.replace('_', ' ')}.",
                    )
                )
                self.kept.append((f"{name}_hash", f"Salted hash of the {name.replace('_', ' ')}."))
                continue
            if name == "currency":
                self.typed.append(
                    (
                        "currency_code",
                        "{{ normalize_currency('currency') }}",
                        "ISO currency code, trimmed and upper-cased.",
                    )
                )
                self.kept.append(("currency_code", "ISO currency code (upper-case)."))
                continue
            if name in ("loyalty_card_number", "card_number"):
                self.typed.append(
                    (
                        name,
                        f"nullif(upper(trim({name})), '')",
                        column.description + " Trimmed, upper-case.",
                    )
                )
                self.kept.append((name, column.description))
                continue
            self.typed.append((name, f"cast({name} as {kind})", column.description))
            self.kept.append((name, column.description))
            if name == "quantity":
                self.rules.append(("quantity < 0", "negative_quantity"))
            if name == "store_id" and local_ts == [] and t.name != "geofence_visits":
                pass
        if self.has_store:
            self.rules.append(("stores.store_id is null", "unknown_store"))
        if self.has_currency:
            for amount in amount_columns(t):
                self.typed.append(
                    (
                        f"{amount}_eur",
                        f"{{{{ to_eur('{amount}', 'rates.eur_per_unit') }}}}",
                        f"{amount} in EUR at the day's rate, rounded to the cent once.",
                    )
                )
                self.kept.append(
                    (f"{amount}_eur", f"{amount.replace('_', ' ')} in EUR (decimal(18,2)).")
                )
            self.rules.append(
                ("currency is not null and rates.eur_per_unit is null", "unknown_currency")
            )
        if t.qualified_name == "surveys.responses":
            self.rules.append(
                (
                    "(survey_type = 'csat' and (score < 1 or score > 5)) or (survey_type = 'nps' and (score < 0 or score > 10))",
                    "invalid_value",
                )
            )
        if t.partition == "daily":
            self.typed.append(
                (
                    "extract_date",
                    "cast(date as date)",
                    "Day partition of the raw file (date=YYYY-MM-DD).",
                )
            )
            self.kept.append(("extract_date", "Day partition of the raw file the row came from."))


def checks_sql(layout: Layout) -> str:
    t = layout.table
    joins = []
    if layout.has_store:
        joins.append(
            (
                "stores",
                "select store_id as seed_store_id, time_zone as store_time_zone from {{ ref('stores') }}",
                None,
            )
        )
    if layout.has_currency:
        rate_date = rate_date_expression(t)
        joins.append(
            (
                "rates",
                "select rate_date, currency_code, eur_per_unit from {{ ref('exchange_rates') }}",
                None,
            )
        )
    raw_columns = ",\n        ".join(
        t.column_names()
        + (["date"] if t.partition == "daily" else [])
        + ["filename", "file_row_number"]
    )
    lines = [
        "{{ config(materialized='view') }}",
        "",
        "with",
        "",
        "source as (",
        "",
        f"    select\n        {raw_columns},\n    from {{{{ source('{t.system}', '{t.name}') }}}}",
        "",
        "),",
        "",
    ]
    for name, query, _ in joins:
        lines += [f"{name} as (", "", f"    {query}", "", "),", ""]
    # typed columns need the joined time zone / rate: compute in two steps
    store_join = (
        "\n    left join stores\n        on source.store_id = stores.seed_store_id"
        if layout.has_store
        else ""
    )
    typed_cols = []
    converted_names = {f"{a}_eur" for a in amount_columns(t)} if layout.has_currency else set()
    for name, expression, _ in layout.typed:
        if name in converted_names:
            continue
        typed_cols.append(f"{expression} as {name}")
    select_store = ",\n        stores.seed_store_id as known_store_id" if layout.has_store else ""
    lines += [
        "typed as (",
        "",
        "    select\n        {{ raw_row_id() }} as raw_row_id,\n        "
        + ",\n        ".join(typed_cols)
        + select_store
        + ",",
        "        {{ row_payload(["
        + ", ".join(f"'{c}'" for c in t.column_names())
        + "]) }} as raw_payload,",
        f"    from source{store_join}",
        "",
        "),",
        "",
    ]
    previous = "typed"
    if layout.has_currency:
        eur_cols = [
            f"{{{{ to_eur('typed.{a}', 'rates.eur_per_unit') }}}} as {a}_eur"
            for a in amount_columns(t)
        ]
        lines += [
            "converted as (",
            "",
            "    select\n        typed.*,\n        rates.eur_per_unit,\n        "
            + ",\n        ".join(eur_cols)
            + ",",
            "    from typed",
            "    left join rates",
            f"        on typed.currency_code = rates.currency_code\n        and {rate_date.replace('cast(', 'cast(typed.', 1) if rate_date.startswith('cast(') else 'typed.' + rate_date} = rates.rate_date",
            "",
            "),",
            "",
        ]
        previous = "converted"
    conditions = []
    for condition, reason in layout.rules:
        c = (
            condition.replace("stores.store_id is null", "known_store_id is null")
            .replace("rates.eur_per_unit is null", "eur_per_unit is null")
            .replace("currency is not null", "currency_code is not null")
        )
        c = c.replace("event_timestamp is null", "event_at is null")
        for col in time_columns(t):
            c = c.replace(
                f"{{{{ parse_utc_timestamp('{col}') }}}} is null", f"{base_name(col)}_at is null"
            )
        conditions.append(f"            when {c} then '{reason}'")
    order_columns = []
    if len(t.key) > 1:
        order_columns.append(f"{base_name(t.key[1])}_at desc nulls last")
    order_columns += [
        "extract_date desc nulls last" if t.partition == "daily" else None,
        "raw_row_id",
    ]
    order_columns = [c for c in order_columns if c]
    lines += [
        "verdicts as (",
        "",
        f"    select\n        {previous}.*,\n        case\n"
        + "\n".join(conditions)
        + "\n        end as quarantine_reason,",
        f"        row_number() over (\n            partition by {t.key[0]}\n            order by {', '.join(order_columns)}\n        ) as duplicate_rank,",
        f"    from {previous}",
        "",
        ")",
        "",
        "select * from verdicts",
        "",
    ]
    return "\n".join(lines)


def quarantine_sql(layout: Layout) -> str:
    t = layout.table
    key = t.key[0]
    extract = "extract_date" if t.partition == "daily" else "cast(null as date) as extract_date"
    checks = model_name(t, "_quarantine_checks")
    if t.qualified_name in SKU_CHECKED_TABLES:
        return f"""{{{{ config(materialized='view') }}}}

with

checks as (

    select * from {{{{ ref('{checks}') }}}}

),

products as (

    select sku from {{{{ ref('stg_erp__products_quarantine_checks') }}}}
    where quarantine_reason is null

),

judged as (

    select
        checks.raw_row_id,
        checks.{key},
        checks.raw_payload,
        {extract.replace("extract_date", "checks.extract_date", 1) if t.partition == "daily" else extract},
        coalesce(
            checks.quarantine_reason,
            case when products.sku is null then 'unknown_sku' end
        ) as quarantine_reason,
    from checks
    left join products
        on checks.sku = products.sku

)

select
    raw_row_id,
    '{t.qualified_name}' as source_table,
    cast({key} as varchar) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date,
from judged
where quarantine_reason is not null
"""
    if t.qualified_name == "ecommerce.refunds":
        return f"""{{{{ config(materialized='view') }}}}

with

checks as (

    select * from {{{{ ref('{checks}') }}}}

),

order_lines as (

    select
        order_line_id,
        unit_price * quantity - discount_amount as line_net_amount,
    from {{{{ ref('stg_ecommerce__order_lines_quarantine_checks') }}}}
    where quarantine_reason is null
        and duplicate_rank = 1

),

judged as (

    select
        checks.raw_row_id,
        checks.refund_id,
        checks.raw_payload,
        checks.extract_date,
        coalesce(
            checks.quarantine_reason,
            case when checks.amount > order_lines.line_net_amount + 0.005 then 'refund_exceeds_order' end
        ) as quarantine_reason,
    from checks
    left join order_lines
        on checks.order_line_id = order_lines.order_line_id

)

select
    raw_row_id,
    'ecommerce.refunds' as source_table,
    cast(refund_id as varchar) as source_record_id,
    quarantine_reason,
    raw_payload,
    extract_date,
from judged
where quarantine_reason is not null
"""
    return f"""{{{{ config(materialized='view') }}}}

with

checks as (

    select * from {{{{ ref('{checks}') }}}}

)

select
    raw_row_id,
    '{t.qualified_name}' as source_table,
    cast({key} as varchar) as source_record_id,
    quarantine_reason,
    raw_payload,
    {extract},
from checks
where quarantine_reason is not null
"""


def staging_sql(layout: Layout) -> str:
    t = layout.table
    checks = model_name(t, "_quarantine_checks")
    quarantine = model_name(t, "_quarantine")
    columns = ",\n    ".join(name for name, _ in layout.kept)
    cross_table = t.qualified_name in SKU_CHECKED_TABLES or t.qualified_name == "ecommerce.refunds"
    if t.qualified_name in INCREMENTAL_TABLES:
        config = (
            "{{\n    config(\n        materialized='incremental',\n        incremental_strategy='delete+insert',\n"
            "        unique_key='extract_date',\n        on_schema_change='fail',\n    )\n}}"
        )
        incremental = "\n        and {{ lookback_filter('extract_date') }}"
    else:
        config = "{{ config(materialized='view') }}"
        incremental = ""
    if cross_table:
        body = f"""checks as (

    select * from {{{{ ref('{checks}') }}}}

),

quarantine as (

    select raw_row_id from {{{{ ref('{quarantine}') }}}}

),

kept as (

    select checks.*
    from checks
    left join quarantine
        on checks.raw_row_id = quarantine.raw_row_id
    where quarantine.raw_row_id is null
        and checks.duplicate_rank = 1{incremental}

)"""
    else:
        body = f"""checks as (

    select * from {{{{ ref('{checks}') }}}}

),

kept as (

    select * from checks
    where quarantine_reason is null
        and duplicate_rank = 1{incremental}

)"""
    return f"""{config}

with

{body}

select
    {columns},
from kept
"""


def describe_models(layout: Layout) -> list[dict]:
    t = layout.table
    key = t.key[0]
    key_description = next(c.description for c in t.columns if c.name == key)
    stg_columns = []
    for name, description in layout.kept:
        column = {"name": name, "description": description}
        if name == key:
            column["data_tests"] = ["unique", "not_null"]
        if name == "quantity":
            column["data_tests"] = ["not_negative"]
        if (
            name.endswith("_eur")
            and ("price" in name or "amount" in name)
            and "discount" not in name
        ):
            pass
        stg_columns.append(column)
    checks_columns = [
        {
            "name": "raw_row_id",
            "description": "The raw file and row number this row came from: the key of the checks.",
            "data_tests": ["unique", "not_null"],
        }
    ]
    checks_columns += [
        {"name": name, "description": description} for name, _, description in layout.typed
    ]
    if layout.has_store:
        checks_columns.append(
            {
                "name": "known_store_id",
                "description": "store_id when it is a store of the stores seed, else null.",
            }
        )
    if layout.has_currency:
        checks_columns.append(
            {
                "name": "eur_per_unit",
                "description": "The day's EUR rate of the currency (null when unknown).",
            }
        )
    checks_columns += [
        {"name": "raw_payload", "description": "The raw row as text, kept for the quarantine."},
        {
            "name": "quarantine_reason",
            "description": "The first row-level rule the row broke; null when clean.",
            "data_tests": [
                {
                    "accepted_values": {
                        "arguments": {
                            "values": [
                                "missing_key",
                                "unparseable_timestamp",
                                "negative_quantity",
                                "unknown_store",
                                "unknown_currency",
                                "invalid_value",
                            ]
                        }
                    }
                }
            ],
        },
        {
            "name": "duplicate_rank",
            "description": f"1 for the row kept per {key} (newest version first); above 1 for re-sent or superseded copies.",
        },
    ]
    quarantine_columns = [
        {
            "name": "raw_row_id",
            "description": "The raw file and row number of the rejected row.",
            "data_tests": ["unique", "not_null"],
        },
        {"name": "source_table", "description": "The raw table, `system.table`."},
        {
            "name": "source_record_id",
            "description": f"The row's {key} as text (null when the key was missing).",
        },
        {
            "name": "quarantine_reason",
            "description": "The rule the row broke.",
            "data_tests": ["not_null"],
        },
        {"name": "raw_payload", "description": "The raw row as text."},
        {
            "name": "extract_date",
            "description": "Day partition of the raw file (null for snapshot extracts).",
        },
    ]
    tests = [
        {
            "rows_conserved": {
                "arguments": {
                    "source_relation": f"{{{{ source('{t.system}', '{t.name}') }}}}",
                    "checks_model": f"{{{{ ref('{model_name(t, '_quarantine_checks')}') }}}}",
                    "quarantine_model": f"{{{{ ref('{model_name(t, '_quarantine')}') }}}}",
                }
            }
        }
    ]
    return [
        {
            "name": model_name(t, "_quarantine_checks"),
            "description": f"Every raw row of `{t.qualified_name}`, typed and normalised, with its quarantine verdict and duplicate rank. The only model that reads the source; holds raw PII and stays in staging.",
            "columns": checks_columns,
        },
        {
            "name": model_name(t, "_quarantine"),
            "description": f"Rows of `{t.qualified_name}` rejected by staging, with the rule they broke and the raw row.",
            "columns": quarantine_columns,
        },
        {
            "name": model_name(t),
            "description": f"{t.description} Cleaned: typed, normalised, deduplicated on {key} ({key_description.rstrip('.')}), PII hashed. One row per {key}.",
            "data_tests": tests,
            "columns": stg_columns,
        },
    ]


def describe_source(system: str, tables: list[RawTable]) -> dict:
    source_tables = []
    for t in tables:
        columns = [{"name": c.name, "description": c.description} for c in t.columns]
        if t.partition == "daily":
            columns.append(
                {
                    "name": "date",
                    "description": "Hive partition of the raw file: the day the row belongs to.",
                }
            )
        columns += [
            {
                "name": "filename",
                "description": "Path of the raw file the row was read from (added at registration).",
            },
            {
                "name": "file_row_number",
                "description": "Row number within that file (added at registration).",
            },
        ]
        entry: dict = {"name": t.name, "description": t.description, "columns": columns}
        if t.partition == "snapshot":
            entry["meta"] = {"raw_partition": "snapshot"}
        else:
            entry["meta"] = {"raw_partition": "daily"}
            entry["loaded_at_field"] = "cast(date as timestamp)"
            entry["freshness"] = {
                "warn_after": {"count": 2, "period": "day"},
                "error_after": {"count": 7, "period": "day"},
            }
        source_tables.append(entry)
    return {
        "sources": [
            {
                "name": system,
                "description": f"Raw extracts of the {system.replace('_', ' ')} system, as hive-partitioned Parquet under var('raw_root')/{system}/. Registered by the register_raw_sources macro.",
                "schema": f"raw_{system}",
                "tables": source_tables,
            }
        ]
    }


class IndentDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False):  # noqa: D401
        return super().increase_indent(flow, False)


def without_trailing_commas(sql: str) -> str:
    """Portable SQL: no comma after the last item of a select list (Spark rejects it)."""
    import re

    return re.sub(r",(\s*\n\s*from\b)", r"\1", sql)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="systems to lay out (default: all)")
    args = parser.parse_args()
    systems = sorted({t.system for t in TABLES})
    for system in systems:
        if args.only and system not in args.only:
            continue
        tables = [t for t in TABLES if t.system == system]
        folder = ROOT / "models" / "staging" / system
        folder.mkdir(parents=True, exist_ok=True)
        models = []
        for t in tables:
            layout = Layout(t)
            (folder / f"{model_name(t, '_quarantine_checks')}.sql").write_text(
                without_trailing_commas(checks_sql(layout))
            )
            (folder / f"{model_name(t, '_quarantine')}.sql").write_text(
                without_trailing_commas(quarantine_sql(layout))
            )
            (folder / f"{model_name(t)}.sql").write_text(
                without_trailing_commas(staging_sql(layout))
            )
            models += describe_models(layout)

        def dump(data):
            return yaml.dump(
                data, Dumper=IndentDumper, sort_keys=False, width=110, allow_unicode=True
            )  # noqa: E731

        (folder / f"_{system}__sources.yml").write_text(dump(describe_source(system, tables)))
        (folder / f"_{system}__models.yml").write_text(dump({"models": models}))


if __name__ == "__main__":
    main()
