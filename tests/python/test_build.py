"""The whole project builds on the fixture world, and its structure follows the house rules."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from omnichannel.paths import PROJECT_ROOT

SHARED_RULES = PROJECT_ROOT.parent / "shared" / "tools" / "manifest_rules.py"


def test_dbt_build_is_green(warehouse):
    assert warehouse.outcome.success, "\n".join(warehouse.outcome.failures)


def test_build_ran_models_tests_and_unit_tests(warehouse):
    results = warehouse.run_results()["results"]
    kinds = {r["unique_id"].split(".")[0] for r in results}
    assert {"model", "test", "seed", "unit_test"} <= kinds
    # Exposures and saved queries are nodes of `dbt build` too, with nothing to run.
    nothing_to_run = {"exposure", "saved_query"}
    failed = [
        (r["unique_id"], r["status"])
        for r in results
        if r["status"] not in {"success", "pass"}
        and not (r["status"] == "no-op" and r["unique_id"].split(".")[0] in nothing_to_run)
    ]
    assert not failed, failed


@pytest.mark.skipif(
    not SHARED_RULES.exists(), reason="shared project-structure rules not beside the repo"
)
def test_manifest_follows_project_structure_rules(warehouse):
    manifest = Path(warehouse.target_dir) / "manifest.json"
    completed = subprocess.run(
        [sys.executable, str(SHARED_RULES), str(manifest)], capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
