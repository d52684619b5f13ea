"""Run dbt for the caller: right project and profiles dirs, failures listed by node."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from omnichannel.paths import PROJECT_ROOT


@dataclass
class DbtOutcome:
    """What a dbt invocation did: success flag, failing nodes, and the raw result."""

    success: bool
    failures: list[str] = field(default_factory=list)
    result: object = None


@contextmanager
def _in_project_root(env: Mapping[str, str] | None):
    """dbt resolves relative paths (profiles, raw files) against the cwd: run it from the root."""
    previous_cwd = Path.cwd()
    previous_env = {key: os.environ.get(key) for key in (env or {})}
    os.environ.update(env or {})
    os.chdir(PROJECT_ROOT)
    try:
        yield
    finally:
        os.chdir(previous_cwd)
        for key, value in previous_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def release_duckdb_file() -> None:
    """Close the DuckDB connection dbt-duckdb keeps open in-process after an invocation.

    DuckDB allows one writer per file: until this runs, a reader in the same
    process (a test, the publish step) cannot open the warehouse.
    """
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # another adapter
        return
    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def run_dbt(args: Sequence[str], env: Mapping[str, str] | None = None) -> DbtOutcome:
    """Invoke dbt in-process with ``args`` (e.g. ``["build"]``) from the project root."""
    from dbt.cli.main import dbtRunner  # imported lazily: `import dbt` costs seconds

    full_args = [*args]
    if "--profiles-dir" not in full_args:
        full_args += ["--profiles-dir", str(PROJECT_ROOT)]
    if "--project-dir" not in full_args:
        full_args += ["--project-dir", str(PROJECT_ROOT)]
    with _in_project_root(env):
        (PROJECT_ROOT / "data" / "build").mkdir(parents=True, exist_ok=True)
        try:
            result = dbtRunner().invoke(full_args)
        finally:
            release_duckdb_file()
    failures: list[str] = []
    run_results = getattr(result, "result", None)
    for node_result in getattr(run_results, "results", None) or []:
        status = str(getattr(node_result, "status", ""))
        if status.lower() in {"error", "fail", "runtimeerror"}:
            node = getattr(node_result, "node", None)
            name = getattr(node, "unique_id", "?")
            message = (getattr(node_result, "message", "") or "").strip().splitlines()
            failures.append(f"{name}: {message[0] if message else status}")
    if result.exception is not None:
        failures.append(f"dbt raised: {result.exception}")
    return DbtOutcome(success=bool(result.success), failures=failures, result=result)
