"""Run MetricFlow (`mf`) against a warehouse file without touching the file or the repo.

mf reads the dbt profile and `target/semantic_manifest.json` under its working
directory, and opens the DuckDB file as a writer. So each run gets a scratch
project directory: the project file, the semantic manifest, and a private copy of
the warehouse (named `warehouse.duckdb`, the catalog name the manifest expects).
The published warehouse itself is only ever read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from omnichannel.paths import PROJECT_ROOT

SEMANTIC_MANIFEST = PROJECT_ROOT / "target" / "semantic_manifest.json"
WAREHOUSE_FILE_NAME = "warehouse.duckdb"


@dataclass(frozen=True)
class MetricInfo:
    """A metric of the semantic layer as `omnichannel metrics list` shows it."""

    name: str
    type: str
    label: str
    description: str


def mf_executable() -> Path:
    """The `mf` installed beside this Python (the project's .venv)."""
    return Path(sys.executable).parent / "mf"


def read_metrics(semantic_manifest: Path = SEMANTIC_MANIFEST) -> list[MetricInfo]:
    """Every metric of the semantic manifest, sorted by name."""
    manifest = json.loads(semantic_manifest.read_text())
    return sorted(
        (
            MetricInfo(
                name=metric["name"],
                type=metric["type"],
                label=metric.get("label") or metric["name"],
                description=(metric.get("description") or "").strip(),
            )
            for metric in manifest["metrics"]
        ),
        key=lambda metric: metric.name,
    )


def prepare_workdir(
    workdir: Path, warehouse: Path, semantic_manifest: Path = SEMANTIC_MANIFEST
) -> Path:
    """A scratch project for mf in `workdir`, with a private copy of `warehouse`; returns the copy."""
    (workdir / "target").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(PROJECT_ROOT / "dbt_project.yml", workdir / "dbt_project.yml")
    shutil.copyfile(semantic_manifest, workdir / "target" / "semantic_manifest.json")
    copy = workdir / WAREHOUSE_FILE_NAME
    if warehouse.resolve() != copy.resolve():
        shutil.copyfile(warehouse, copy)
    return copy


def run_mf(
    args: list[str], workdir: Path, target: str = "dev", check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run `mf <args>` in a workdir made by `prepare_workdir`, on its warehouse copy."""
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_ROOT),
        "OMNICHANNEL_TARGET": target,
        "OMNICHANNEL_DUCKDB_PATH": str(workdir / WAREHOUSE_FILE_NAME),
        "OMNICHANNEL_DUCKDB_TEMP": str(workdir / "duckdb_tmp"),
        "NO_COLOR": "1",
    }
    completed = subprocess.run(
        [str(mf_executable()), *args],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
    )
    failed = completed.returncode != 0 or "ERROR:" in completed.stdout
    if check and failed:
        raise RuntimeError(
            f"mf {' '.join(args)} failed:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
        )
    return completed
