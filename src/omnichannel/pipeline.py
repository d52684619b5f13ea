"""`omnichannel build`: write, audit, publish.

1. **Settings** are checked before anything runs (target, PII salt, raw root).
2. **Landing checks** (Great Expectations on every raw file): a broken file is
   named and nothing is built.
3. **Write**: ``dbt build`` (models, data tests, unit tests) into the build
   file; a failing node stops here.
4. **Late days**: raw days an incremental model never loaded are reported.
5. **Audit**: the build file is stamped (``audit.build_info``), copied beside
   the published file and fsynced; the mart suites (``quality.marts``) read
   that copy.
6. **Publish**: only a green audit swaps the copy in with ``os.replace``.

Every publishing attempt is recorded for ``omnichannel status``; a red
attempt leaves the published file untouched.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from omnichannel.paths import PROJECT_ROOT
from omnichannel.publish import (
    PublishAttempt,
    build_lock,
    describe_raw,
    new_build_id,
    record_attempt,
    set_aside_unreadable_build,
    stage_copy,
    swap_in,
    utc_now,
    write_build_info,
)
from omnichannel.settings import BuildSettings, project_vars, resolve_settings


@dataclass
class BuildOptions:
    select: str | None = None
    exclude: str | None = None
    target: str | None = None
    full_refresh: bool = False
    publish: bool | None = None  # None: publish when the whole project is built
    skip_audit: bool = False
    skip_landing_checks: bool = False
    max_row_drop: float | None = None
    target_path: Path | None = None  # dbt artefacts; default DBT_TARGET_PATH or <root>/target
    log_path: Path | None = None
    dbt_args: list[str] = field(default_factory=list)  # passed to `dbt build` as they are


@dataclass
class BuildResult:
    ok: bool
    stage: str  # the last stage reached: settings, landing checks, dbt build, mart audit, published, built
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    published: bool = False
    settings: BuildSettings | None = None
    attempt: PublishAttempt | None = None


Say = Callable[[str], None]


def _dbt_build_args(options: BuildOptions, settings: BuildSettings, target_path: Path) -> list[str]:
    args = ["build", "--target", settings.target, "--target-path", str(target_path)]
    if options.log_path:
        args += ["--log-path", str(options.log_path)]
    if options.select:
        args += ["--select", *options.select.split()]
        if not any(a.startswith("--indirect-selection") for a in options.dbt_args):
            # a partial build runs only the tests whose every parent it builds
            args += ["--indirect-selection", "cautious"]
    if options.exclude:
        args += ["--exclude", *options.exclude.split()]
    if options.full_refresh:
        args.append("--full-refresh")
    return args + list(options.dbt_args)


def build_and_publish(options: BuildOptions, say: Say = print) -> BuildResult:
    """Run the whole write-audit-publish sequence; raises SettingsError before anything runs."""
    settings = resolve_settings(options.target)
    publishing = options.publish if options.publish is not None else not options.select
    if publishing and not settings.publishes_a_file:
        say(f"target {settings.target} ({settings.target_type}) builds no file: nothing to publish")
        publishing = False
    with build_lock(settings.build_path):
        return _run(options, settings, publishing, say)


def _run(options: BuildOptions, settings: BuildSettings, publishing: bool, say: Say) -> BuildResult:
    from omnichannel.dbt_runner import run_dbt

    raw = describe_raw(settings.raw_root)
    attempt = PublishAttempt(
        started_at=utc_now(),
        build_id=new_build_id(),
        target=settings.target,
        selection=options.select,
        full_refresh=options.full_refresh,
        raw=raw,
    )
    result = BuildResult(ok=False, stage="landing checks", settings=settings, attempt=attempt)
    status_dir = settings.published_path.parent

    def finish(stage: str, failures: list[str]) -> BuildResult:
        result.stage, result.failures = stage, failures
        result.ok = not failures
        attempt.finished_at = utc_now()
        attempt.stage, attempt.failures, attempt.warnings = stage, failures, result.warnings
        attempt.succeeded = result.ok and publishing
        attempt.state = "failed" if failures else ("published" if publishing else "built")
        if publishing:
            record_attempt(status_dir, attempt)
        return result

    clock = [time.perf_counter()]

    def lap() -> str:
        now = time.perf_counter()
        seconds, clock[0] = now - clock[0], now
        return f"{seconds:.1f} s"

    if publishing:
        record_attempt(status_dir, attempt)  # "running": a killed build shows as interrupted
    if not options.skip_landing_checks:
        from omnichannel.quality import check_raw

        say(f"landing checks on {settings.raw_root} ...")
        landing = check_raw(settings.raw_root)
        if not landing.ok:
            return finish(
                "landing checks",
                [_landing_failure_text(failure) for failure in landing.failures],
            )
        say(
            f"landing checks passed: {landing.files_checked:,} files, "
            f"{landing.rows_checked:,} rows ({lap()})"
        )

    aside = set_aside_unreadable_build(settings.build_path)
    if aside:
        result.warnings.append(f"the build file could not be opened and was set aside as {aside}")
        say(result.warnings[-1])
    target_path = Path(
        options.target_path or os.environ.get("DBT_TARGET_PATH") or PROJECT_ROOT / "target"
    )
    outcome = run_dbt(_dbt_build_args(options, settings, target_path), env=settings.dbt_env())
    if not outcome.success:
        return finish("dbt build", outcome.failures or ["dbt build failed"])
    say(f"dbt build passed ({lap()})")
    if not settings.publishes_a_file:
        say(f"target {settings.target} leaves no DuckDB file: late-day and mart audits skipped")
        return finish("built", [])

    manifest = json.loads((target_path / "manifest.json").read_text())
    _report_late_days(settings, manifest, attempt, result, say)
    lap()

    if not publishing:
        if not options.skip_audit:
            failures = _audit(settings.build_path, settings, manifest, options, say, lap)
            if failures:
                return finish("mart audit", failures)
        return finish("built", [])

    write_build_info(
        settings.build_path,
        {
            "build_id": attempt.build_id,
            "started_at": attempt.started_at,
            "built_at": utc_now(),
            "target": settings.target,
            "selection": options.select,
            "full_refresh": options.full_refresh,
            "raw_root": str(settings.raw_root),
            "raw_fingerprint": raw["fingerprint"],
            "raw_first_day": raw["first_day"],
            "raw_last_day": raw["last_day"],
            "raw_generation": json.dumps(raw["generation"], sort_keys=True),
        },
    )
    staged = stage_copy(settings.build_path, settings.published_path)
    say(f"copied the build beside the published file ({lap()})")
    try:
        if not options.skip_audit:
            failures = _audit(staged, settings, manifest, options, say, lap)
            if failures:
                return finish("mart audit", failures)
        swap_in(staged, settings.published_path)
    finally:
        staged.unlink(missing_ok=True)
    result.published = True
    say(f"published {settings.published_path} (build {attempt.build_id})")
    return finish("published", [])


def _landing_failure_text(failure) -> str:
    """Path and check; file-level details (columns, types) too, never row values (PII)."""
    text = f"{failure.path}: {failure.expectation}"
    if failure.examples and not failure.expectation.startswith("expect_"):
        text += f": {json.dumps(failure.examples[:3], default=str)}"
    return text


def _audit(
    warehouse: Path,
    settings: BuildSettings,
    manifest: dict,
    options: BuildOptions,
    say: Say,
    lap: Callable[[], str],
) -> list[str]:
    from omnichannel.quality.marts import DEFAULT_MAX_ROW_DROP, audit_marts

    drop = DEFAULT_MAX_ROW_DROP if options.max_row_drop is None else options.max_row_drop
    report = audit_marts(warehouse, manifest, previous=settings.published_path, max_row_drop=drop)
    if report.ok:
        say(
            f"mart audit passed: {len(report.relations)} marts, "
            f"{report.rows_checked:,} rows ({lap()})"
        )
    return [str(failure) for failure in report.failures]


def _report_late_days(
    settings: BuildSettings,
    manifest: dict,
    attempt: PublishAttempt,
    result: BuildResult,
    say: Say,
) -> None:
    from omnichannel.quality.late_days import days_not_loaded

    lookback = int(project_vars().get("lookback_days", 3))
    missing = days_not_loaded(settings.build_path, manifest, settings.raw_root, lookback)
    attempt.late_days_not_loaded = [
        {
            "model": m.model,
            "day": m.day,
            "sources": list(m.sources),
            "older_than_lookback": m.older_than_lookback,
        }
        for m in missing
    ]
    for finding in missing:
        result.warnings.append(str(finding))
    if missing:
        days = sorted({m.day for m in missing})
        say(
            f"{len(days)} raw day(s) not loaded by incremental models ({', '.join(days)}): "
            "run `omnichannel build --full-refresh` to load them"
        )
