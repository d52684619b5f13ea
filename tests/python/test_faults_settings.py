"""Bad settings stop `omnichannel build` before dbt: one clear line, no traceback, non-zero exit."""

from __future__ import annotations

import subprocess

import pytest

from fault_tools import OMNICHANNEL, PROJECT_ROOT, subprocess_env, warehouse_env


def build(tmp_path, *args: str, **overrides: str) -> subprocess.CompletedProcess:
    raw = tmp_path / "raw"
    raw.mkdir(exist_ok=True)
    env = subprocess_env(warehouse_env(tmp_path, raw))
    env.pop("OMNICHANNEL_PII_SALT", None)
    env.update(overrides)
    return subprocess.run(
        [OMNICHANNEL, "build", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("args", "overrides", "message"),
    [
        (["--target", "nowhere"], {}, "unknown target 'nowhere': profiles.yml defines"),
        ([], {"OMNICHANNEL_TARGET": "nowhere"}, "unknown target 'nowhere'"),
        (["--target", "prod"], {}, "OMNICHANNEL_PII_SALT is not set: target 'prod'"),
        ([], {"OMNICHANNEL_RAW_ROOT": "/no/such/raw"}, "raw data not found: /no/such/raw"),
        (["--skip-audit", "--publish"], {}, "--skip-audit is for development builds"),
    ],
    ids=[
        "unknown target",
        "unknown target from env",
        "prod without salt",
        "no raw",
        "skip+publish",
    ],
)
def test_bad_setting_gives_one_clear_message(tmp_path, args, overrides, message):
    completed = build(tmp_path, *args, **overrides)
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert message in " ".join(completed.stderr.split()), completed.stderr
    assert "Traceback" not in completed.stderr + completed.stdout
    assert len(completed.stderr.strip().splitlines()) <= 6  # a message, not a wall
    assert not (tmp_path / "build" / "warehouse.duckdb").exists()  # nothing was built


def test_prod_build_starts_with_its_own_salt(tmp_path):
    """The salt check is what stopped the build above: with a salt set, prod gets past it."""
    completed = build(tmp_path, "--target", "prod", OMNICHANNEL_PII_SALT="a-real-secret")
    assert "OMNICHANNEL_PII_SALT" not in completed.stderr
    assert "landing checks failed" in completed.stderr  # the empty raw folder is the next finding


def test_dbt_itself_refuses_prod_without_salt(tmp_path):
    """Running dbt directly (not through `omnichannel build`) stops on the salt too."""
    from omnichannel.dbt_runner import run_dbt

    outcome = run_dbt(
        ["parse", "--target", "prod", "--target-path", str(tmp_path / "target")],
        env={
            "OMNICHANNEL_PII_SALT": "",
            "OMNICHANNEL_DUCKDB_PATH": str(tmp_path / "prod.duckdb"),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
        },
    )
    assert not outcome.success
    assert any("OMNICHANNEL_PII_SALT is not set" in failure for failure in outcome.failures)
