"""Portable SQL: the project's SQL runs unchanged on DuckDB and on Spark 3.5.

Scans every .sql file under models/, macros/ and tests/ (singular and generic
tests run on both engines) for constructs one of the engines does not have
or reads differently. Engine-specific SQL belongs in the body of a
dispatched `duckdb__...` or `spark__...` macro, which the scan skips; Jinja
expressions (`{{ dbt.datediff(...) }}`), Jinja comments, SQL comments and
string literals are not SQL and are skipped too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from omnichannel.paths import PROJECT_ROOT

SCANNED_FOLDERS = ("models", "macros", "tests")

# (name, pattern on the scrubbed SQL, what to write instead)
FORBIDDEN: list[tuple[str, re.Pattern[str], str]] = [
    ("qualify", re.compile(r"\bqualify\b"), "a ranked CTE and a where clause"),
    (
        "star exclude/replace",
        re.compile(r"\*\s*(exclude|replace)\s*\("),
        "an explicit column list",
    ),
    ("double-colon cast", re.compile(r"::"), "cast(... as ...)"),
    ("double-quoted identifier", re.compile(r'"'), "a plain lower-case identifier"),
    ("|| concatenation", re.compile(r"\|\|"), "dbt.concat"),
    ("recursive CTE", re.compile(r"\bwith\s+recursive\b"), "the unrolled connected_components"),
    ("varchar", re.compile(r"\b(varchar|text)\b\s*(\)|,)"), "dbt.type_string() (or string)"),
    ("try_cast", re.compile(r"\btry_cast\s*\("), "cast_or_null"),
    (
        "regular expression",
        re.compile(r"\b(regexp_\w+|rlike|similar\s+to)\b"),
        "a dispatched macro",
    ),
    (
        "strftime/strptime",
        re.compile(r"\b(strftime|strptime|date_format)\s*\("),
        "a dispatched macro",
    ),
    (
        "list function",
        re.compile(r"\b(list_\w+|array_agg|string_agg|unnest)\s*\("),
        "a dispatched macro",
    ),
    (
        "date function",
        re.compile(r"\b(date_diff|datediff|date_add|dateadd|date_sub|date_trunc|datetrunc)\s*\("),
        "dbt.datediff / dbt.dateadd / dbt.date_trunc",
    ),
    ("interval literal", re.compile(r"\binterval\b"), "dbt.dateadd"),
    (
        "day-of-week number",
        re.compile(r"\b(dayofweek|isodow|dow|weekday|day_of_week|extract\s*\(\s*dow)\b"),
        "a comparison of dates or dbt.date_trunc('week', ...)",
    ),
    ("raw hash", re.compile(r"\b(md5|sha1|sha2|sha256|hash)\s*\("), "dbt.hash"),
    ("raw concat", re.compile(r"(?<![\w.])concat\s*\("), "dbt.concat"),
    ("raw split_part", re.compile(r"(?<![\w.])split_part\s*\("), "dbt.split_part"),
    ("ilike", re.compile(r"\bilike\b"), "lower(...) like ..."),
    ("engine test in a model", re.compile(r"target\.type"), "a dispatched macro"),
    (
        # Spark types 3600.0 as a decimal: the quotient is a decimal rounded to 6 places
        "division by a decimal literal",
        re.compile(r"/\s*\d+\.\d+(?!\s+as\s+decimal)"),
        "/ cast(3600 as double) (or cast the quotient to a decimal of known scale)",
    ),
    (
        # 0.2 / n is a decimal division on Spark (rounded to its scale) and a double one on
        # DuckDB: the attribution weights of the two engines differed in the 12th decimal and
        # the largest-remainder cents went to different touches on the demo world
        "decimal literal divided",
        re.compile(r"(?<![\w.])\d+\.\d+\s*/"),
        "cast(0.2 as double) / cast(n as double)",
    ),
]
# Checked on the template itself (these live inside Jinja).
FORBIDDEN_IN_TEMPLATE: list[tuple[str, re.Pattern[str], str]] = [
    ("engine test", re.compile(r"\btarget\.type\b"), "a dispatched macro"),
    (
        "hard-wired incremental strategy",
        re.compile(r"incremental_strategy\s*="),
        "**incremental_by_date_config('<day column>') in the model's config",
    ),
]

ENGINE_MACRO = re.compile(
    r"{%-?\s*macro\s+(duckdb|spark)__\w+.*?{%-?\s*endmacro\s*-?%}", re.DOTALL | re.IGNORECASE
)
JINJA_COMMENT = re.compile(r"{#.*?#}", re.DOTALL)
JINJA_EXPRESSION = re.compile(r"{{.*?}}|{%.*?%}", re.DOTALL)
SQL_COMMENT = re.compile(r"--[^\n]*")
STRING_LITERAL = re.compile(r"'(?:[^']|'')*'")
ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)
ORDER_BY_END = re.compile(r"\b(rows|range|limit|offset|union|window)\b")


def portable_part(template: str) -> str:
    """The text of a .sql file that every engine must accept, without engine-specific macros."""
    text = ENGINE_MACRO.sub(lambda match: "\n" * match.group(0).count("\n"), template)
    return JINJA_COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), text)


def scrubbed_sql(template: str) -> str:
    """Portable part without Jinja, SQL comments and string literals: only SQL words remain."""
    text = portable_part(template)
    text = JINJA_EXPRESSION.sub(lambda match: " x " + "\n" * match.group(0).count("\n"), text)
    text = SQL_COMMENT.sub("", text)
    return STRING_LITERAL.sub("''", text).lower()


def orderings_without_nulls(sql: str) -> list[str]:
    """Ordering terms (in `over (...)` and final `order by`) that leave null placement to the engine.

    DuckDB sorts nulls last and Spark first for an ascending order, so a tie
    broken by a nullable column would pick different rows.
    """
    missing = []
    for match in ORDER_BY.finditer(sql):
        depth, position, clause = 0, match.end(), []
        while position < len(sql):
            character = sql[position]
            if character == "(":
                depth += 1
            elif character == ")":
                if depth == 0:
                    break
                depth -= 1
            elif depth == 0 and character == ";":
                break
            clause.append(character)
            position += 1
        text = "".join(clause)
        end = ORDER_BY_END.search(text)
        text = text[: end.start()] if end else text
        terms, depth, current = [], 0, []
        for character in text:
            depth += character == "("
            depth -= character == ")"
            if character == "," and depth == 0:
                terms.append("".join(current))
                current = []
            else:
                current.append(character)
        terms.append("".join(current))
        for term in terms:
            words = " ".join(term.split())
            if words and not re.search(r"\bnulls\s+(first|last)\b", words):
                missing.append(words)
    return missing


def violations(template: str) -> list[str]:
    """Every forbidden construct in one file's portable part, with what to use instead."""
    found = []
    sql = scrubbed_sql(template)
    for name, pattern, instead in FORBIDDEN:
        for match in pattern.finditer(sql):
            line = sql.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {name} ({match.group(0).strip()!r}); use {instead}")
    template_part = portable_part(template)
    for name, pattern, instead in FORBIDDEN_IN_TEMPLATE:
        for match in pattern.finditer(template_part):
            line = template_part.count("\n", 0, match.start()) + 1
            found.append(f"line {line}: {name}; use {instead}")
    for term in orderings_without_nulls(sql):
        found.append(f"ordering without nulls first/last: {term!r}")
    return sorted(set(found))


def sql_files() -> list[Path]:
    return sorted(
        path for folder in SCANNED_FOLDERS for path in (PROJECT_ROOT / folder).rglob("*.sql")
    )


@pytest.mark.parametrize("path", sql_files(), ids=lambda path: str(path.relative_to(PROJECT_ROOT)))
def test_sql_file_is_portable(path: Path) -> None:
    assert violations(path.read_text()) == []


def test_scan_finds_files() -> None:
    names = {path.name for path in sql_files()}
    assert {"dim_date.sql", "register_raw_sources.sql", "rows_conserved.sql"} <= names


@pytest.mark.parametrize(
    ("sql", "construct"),
    [
        ("select * from t qualify row_number() over (order by a nulls last) = 1", "qualify"),
        ("select * exclude (a) from t", "star exclude"),
        ("select a::int from t", "double-colon cast"),
        ('select "a" from t', "double-quoted identifier"),
        ("select a || b from t", "|| concatenation"),
        ("with recursive r as (select 1) select * from r", "recursive CTE"),
        ("select cast(a as varchar) from t", "varchar"),
        ("select try_cast(a as int) from t", "try_cast"),
        ("select regexp_replace(a, 'x', '') from t", "regular expression"),
        ("select strftime(a, '%Y') from t", "strftime"),
        ("select list_sort(a) from t", "list function"),
        ("select date_diff('day', a, b) from t", "date function"),
        ("select a + interval 1 day from t", "interval literal"),
        ("select dayofweek(a) from t", "day-of-week number"),
        ("select md5(a) from t", "raw hash"),
        ("select concat(a, b) from t", "raw concat"),
        ("select split_part(a, '/', 1) from t", "raw split_part"),
        ("select a from t where b ilike 'x'", "ilike"),
        ("{% if target.type == 'spark' %}select 1{% endif %}", "engine test"),
        ("{{ config(incremental_strategy='append') }} select 1", "hard-wired incremental"),
        ("select row_number() over (partition by a order by b desc) from t", "nulls first/last"),
        ("select a from t order by a nulls first, b", "nulls first/last"),
        ("select a / 3600.0 from t", "division by a decimal literal"),
        ("select 0.2 / (n - 2) from t", "decimal literal divided"),
    ],
)
def test_scan_catches(sql: str, construct: str) -> None:
    assert any(construct in violation for violation in violations(sql)), violations(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "select {{ dbt.concat(['a', \"'|'\", 'b']) }} as c from t",  # Jinja is not SQL
        "select 'a || b :: \"c\"' as text_value from t -- qualify in a comment",
        "{% macro spark__x() %}select a::int, md5(b) from t{% endmacro %}",
        "select row_number() over (partition by a order by b desc nulls last, c asc nulls first) from t",
        "select a from t order by a asc nulls last, b desc nulls first",
        "select cast(0.2 as double) / cast(n - 2 as double), a / cast(3600 as double) from t",
    ],
)
def test_scan_allows(sql: str) -> None:
    assert violations(sql) == []
