"""Every cleaning macro on its edge cases, in one dbt invocation (dbt show --inline).

Expected values are written by hand: the E.164 form of each phone, the UTC
instant of each local time (DST included), the rounding of each amount.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from omnichannel.dbt_runner import run_dbt

CASES: list[tuple[str, str, object]] = [
    (
        "email_mixed_case_padded",
        "normalize_email(\"'  Anna.Muller@Mail.DE '\")",
        "anna.muller@mail.de",
    ),
    ("email_empty", "normalize_email(\"'   '\")", None),
    ("phone_e164_spaced", "normalize_phone(\"'+49 30 1234567'\")", "+49301234567"),
    ("phone_double_zero", "normalize_phone(\"'0049 30 1234567'\")", "+49301234567"),
    ("phone_national_default_country", "normalize_phone(\"'030 1234567'\")", "+49301234567"),
    ("phone_bracketed", "normalize_phone(\"'(030) 123-4567'\")", "+49301234567"),
    ("phone_trunk_zero_in_brackets", "normalize_phone(\"'+44 (0)20 7946 0958'\")", "+442079460958"),
    ("phone_national_uk", "normalize_phone(\"'07700 900123'\", \"'GB'\")", "+447700900123"),
    ("phone_too_short", "normalize_phone(\"'12345'\")", None),
    ("ga_client_id_plain", "normalize_ga_client_id(\"' ckP0000001-0 '\")", "ckP0000001-0"),
    ("ga_client_id_raw_cookie", "normalize_ga_client_id(\"'GA1.1.123456.789'\")", "123456.789"),
    ("ga_client_id_raw_cookie_depth_2", "normalize_ga_client_id(\"'ga1.2.ck7'\")", "ck7"),
    ("ga_client_id_cookie_without_id", "normalize_ga_client_id(\"'GA1.1.'\")", None),
    ("ga_client_id_empty", "normalize_ga_client_id(\"'   '\")", None),
    ("currency_lower_padded", "normalize_currency(\"' gbp '\")", "GBP"),
    (
        "utc_from_offset",
        "parse_utc_timestamp(\"'2025-03-30T03:30:00+02:00'\")",
        dt.datetime(2025, 3, 30, 1, 30),
    ),
    (
        "utc_from_z",
        "parse_utc_timestamp(\"'2025-07-01T12:00:00Z'\")",
        dt.datetime(2025, 7, 1, 12, 0),
    ),
    ("utc_unparseable_text", "parse_utc_timestamp(\"'not-a-date'\")", None),
    ("utc_impossible_date", "parse_utc_timestamp(\"'2025-13-45T99:00:00Z'\")", None),
    (
        "berlin_after_spring_change",
        "local_to_utc(\"'2025-03-30 03:30:00'\", \"'Europe/Berlin'\")",
        dt.datetime(2025, 3, 30, 1, 30),
    ),
    (
        "berlin_winter",
        "local_to_utc(\"'2025-01-15 09:00:00'\", \"'Europe/Berlin'\")",
        dt.datetime(2025, 1, 15, 8, 0),
    ),
    (
        "london_summer",
        "local_to_utc(\"'2025-06-01 12:00:00'\", \"'Europe/London'\")",
        dt.datetime(2025, 6, 1, 11, 0),
    ),
    (
        "stockholm_after_autumn_change",
        "local_to_utc(\"'2025-10-26 04:00:00'\", \"'Europe/Stockholm'\")",
        dt.datetime(2025, 10, 26, 3, 0),
    ),
    ("eur_rounded_once", "to_eur('100', '1.2345678')", 123.46),
    ("eur_negative_half_away", "to_eur('-0.125', '1')", -0.13),
    ("hash_of_null", "hash_pii('null')", None),
    (
        "hash_of_email",
        "hash_pii(normalize_email(\"' A@B.com'\"))",
        hashlib.md5(b"omnichannel-demo-salt|a@b.com").hexdigest(),
    ),
    ("micros_to_utc", "micros_to_timestamp('1735689600000000')", dt.datetime(2025, 1, 1, 0, 0)),
]


@pytest.fixture(scope="module")
def macro_results(fixture_world, tmp_path_factory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("macros")
    union = "\nunion all\n".join(
        f"select '{name}' as case_name, cast({{{{ {expression} }}}} as varchar) as value"
        for name, expression, _ in CASES
    )
    outcome = run_dbt(
        [
            "show",
            "--inline",
            union,
            "--limit",
            str(len(CASES) + 1),
            "--target",
            "test",
            "--target-path",
            str(root / "target"),
        ],
        env={
            "OMNICHANNEL_TARGET": "test",
            "OMNICHANNEL_DUCKDB_PATH": str(root / "macros.duckdb"),
            "OMNICHANNEL_RAW_ROOT": str(fixture_world.raw_dir),
        },
    )
    assert outcome.success, outcome.failures
    table = outcome.result.result.results[0].agate_table
    return {row["case_name"]: row["value"] for row in table.rows}


@pytest.mark.parametrize(("name", "expected"), [(name, expected) for name, _, expected in CASES])
def test_cleaning_macro_case(macro_results, name, expected):
    value = macro_results[name]
    if expected is None:
        assert value is None
    elif isinstance(expected, dt.datetime):
        assert dt.datetime.fromisoformat(str(value)) == expected
    elif isinstance(expected, float):
        assert float(value) == expected
    else:
        assert value == expected


def test_hash_is_salted(macro_results):
    assert macro_results["hash_of_email"] != hashlib.md5(b"a@b.com").hexdigest()
