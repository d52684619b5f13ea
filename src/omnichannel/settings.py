"""Where a build reads and writes, from the environment, checked before dbt starts.

Everything a user may change comes from an environment variable (see the
README's configuration table). ``resolve_settings`` turns them into paths and
refuses, with a message that says what to do, the settings that would only
fail later inside dbt: an unknown target, a non-demo target without its own
PII salt, a raw root that does not exist.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from omnichannel.paths import BUILD_WAREHOUSE, PROJECT_ROOT, PUBLISHED_WAREHOUSE, RAW_DIR

SALT_VARIABLE = "OMNICHANNEL_PII_SALT"


class SettingsError(Exception):
    """A setting that makes a build impossible; the message says which and how to fix it."""


@dataclass(frozen=True)
class BuildSettings:
    target: str
    target_type: str
    raw_root: Path
    raw_root_setting: str  # as the user wrote it: dbt's views keep this path
    build_path: Path
    published_path: Path

    @property
    def publishes_a_file(self) -> bool:
        """Only a DuckDB target builds a file that can be published."""
        return self.target_type == "duckdb"

    def dbt_env(self) -> dict[str, str]:
        """The variables dbt must see so that it builds where this build audits."""
        return {
            "OMNICHANNEL_TARGET": self.target,
            "OMNICHANNEL_DUCKDB_PATH": str(self.build_path),
            "OMNICHANNEL_RAW_ROOT": self.raw_root_setting,
        }


def _from_root(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_ROOT / path


def profile_targets() -> dict[str, str]:
    """Target name -> adapter type, as profiles.yml defines them."""
    profiles = yaml.safe_load((PROJECT_ROOT / "profiles.yml").read_text())
    outputs = profiles["omnichannel"]["outputs"]
    return {name: str(output.get("type", "?")) for name, output in outputs.items()}


def project_vars() -> dict:
    """The `vars:` of dbt_project.yml (unrendered: plain values only are meaningful)."""
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    return dict(project.get("vars") or {})


def demo_salt_targets() -> list[str]:
    """Targets allowed to hash PII with the documented demo salt (var `pii_demo_salt_targets`)."""
    return list(project_vars().get("pii_demo_salt_targets", ["dev", "test", "spark_ci"]))


def resolve_settings(
    target: str | None = None, env: Mapping[str, str] | None = None, check_raw_root: bool = True
) -> BuildSettings:
    """The build's settings from `target` (else OMNICHANNEL_TARGET, else dev) and the environment."""
    env = os.environ if env is None else env
    target = target or env.get("OMNICHANNEL_TARGET") or "dev"
    targets = profile_targets()
    if target not in targets:
        raise SettingsError(
            f"unknown target {target!r}: profiles.yml defines {', '.join(sorted(targets))} "
            "(set --target or OMNICHANNEL_TARGET to one of them)"
        )
    if target not in demo_salt_targets() and not env.get(SALT_VARIABLE):
        raise SettingsError(
            f"{SALT_VARIABLE} is not set: target {target!r} must hash emails and phones with its "
            f"own secret salt (the documented demo salt is only for {', '.join(demo_salt_targets())}); "
            f"export {SALT_VARIABLE}=<a long random string>"
        )
    raw_setting = env.get("OMNICHANNEL_RAW_ROOT") or str(RAW_DIR.relative_to(PROJECT_ROOT))
    raw_root = _from_root(raw_setting)
    if check_raw_root and not raw_root.is_dir():
        raise SettingsError(
            f"raw data not found: {raw_root} does not exist (OMNICHANNEL_RAW_ROOT="
            f"{env.get('OMNICHANNEL_RAW_ROOT', '<unset>')}); run `omnichannel generate` or point "
            "OMNICHANNEL_RAW_ROOT at the folder that holds <system>/<table>/date=YYYY-MM-DD/"
        )
    build_path = _from_root(env.get("OMNICHANNEL_DUCKDB_PATH") or str(BUILD_WAREHOUSE))
    published_path = _from_root(env.get("OMNICHANNEL_PUBLISHED_PATH") or str(PUBLISHED_WAREHOUSE))
    if build_path.resolve() == published_path.resolve():
        raise SettingsError(
            f"the build and the published warehouse are the same file ({build_path}): "
            "OMNICHANNEL_DUCKDB_PATH and OMNICHANNEL_PUBLISHED_PATH must differ"
        )
    return BuildSettings(
        target=target,
        target_type=targets[target],
        raw_root=raw_root,
        raw_root_setting=raw_setting,
        build_path=build_path,
        published_path=published_path,
    )


def published_path(env: Mapping[str, str] | None = None) -> Path:
    """The file BI tools read (OMNICHANNEL_PUBLISHED_PATH, default data/published/warehouse.duckdb)."""
    env = os.environ if env is None else env
    return _from_root(env.get("OMNICHANNEL_PUBLISHED_PATH") or str(PUBLISHED_WAREHOUSE))
