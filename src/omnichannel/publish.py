"""Write-audit-publish: a BI tool only ever reads a warehouse whose audit passed.

The build writes its own DuckDB file (``data/build/warehouse.duckdb``). To
publish, that file is copied to a hidden temporary file beside the published
one and fsynced; the audit reads that very copy; only when it passed is the
copy swapped in with ``os.replace`` (atomic on POSIX) and the directory
fsynced. A reader that opens ``data/published/warehouse.duckdb`` gets the old
file or the new one, never a half-written one, and a reader that already has
the old file open keeps reading it. A killed build or publish leaves at most a
temporary file, which the next publish removes.

Every attempt is recorded in ``_status.json`` beside the published file (the
running one too, so that a build that was killed shows as unfinished), and
the published file carries ``audit.build_info``: which build it is and from
which raw data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATUS_FILE_NAME = "_status.json"
BUILD_INFO_TABLE = "audit.build_info"


class BuildLockedError(Exception):
    """Another build holds the build file."""


@dataclass
class PublishAttempt:
    """One build-audit-publish attempt, as `omnichannel status` reports it."""

    started_at: str
    finished_at: str | None = None
    succeeded: bool = False
    failures: list[str] = field(default_factory=list)
    build_id: str = ""
    state: str = "running"  # running, published, failed
    stage: str = ""  # where a failed attempt stopped: landing checks, dbt build, mart audit, ...
    target: str = ""
    selection: str | None = None
    full_refresh: bool = False
    raw: dict = field(
        default_factory=dict
    )  # describe_raw(): root, generator parameters, days, fingerprint
    warnings: list[str] = field(default_factory=list)
    late_days_not_loaded: list[dict] = field(default_factory=list)
    pid: int = field(default_factory=os.getpid)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def new_build_id() -> str:
    """Sortable and unique: UTC time of the start plus a random suffix."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def describe_raw(raw_root: Path) -> dict:
    """Which raw data a build read: folder, generator parameters, days, files and a fingerprint.

    The fingerprint hashes every file's relative path, size and modification
    time: two builds with the same fingerprint read the same files.
    """
    raw_root = Path(raw_root)
    generation_file = raw_root / "_generation.json"
    generation = None
    if generation_file.exists():
        with contextlib.suppress(ValueError):
            generation = json.loads(generation_file.read_text()).get("parameters")
    digest = hashlib.sha256()
    files = 0
    size = 0
    days: set[str] = set()
    for path in sorted(raw_root.rglob("*.parquet")):
        stat = path.stat()
        relative = path.relative_to(raw_root).as_posix()
        digest.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        files += 1
        size += stat.st_size
        if path.parent.name.startswith("date="):
            days.add(path.parent.name.removeprefix("date="))
    return {
        "root": str(raw_root),
        "generation": generation,
        "files": files,
        "bytes": size,
        "first_day": min(days) if days else None,
        "last_day": max(days) if days else None,
        "fingerprint": digest.hexdigest()[:16],
    }


@contextlib.contextmanager
def build_lock(build_path: Path) -> Iterator[None]:
    """One build at a time per build file; the lock dies with its process (even on SIGKILL)."""
    build_path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = build_path.with_name(build_path.name + ".lock")
    with open(lock_path, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise BuildLockedError(
                f"another build is writing {build_path} (pid {holder}); wait for it to finish"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def set_aside_unreadable_build(build_path: Path) -> Path | None:
    """Move a build file DuckDB cannot open out of the way (returns where it went), else None.

    DuckDB recovers a file whose writer was killed from its write-ahead log, so
    this is a last resort: the next build then starts from an empty file.
    """
    import duckdb

    if not build_path.exists():
        return None
    try:
        duckdb.connect(str(build_path)).close()
        return None
    except duckdb.Error:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = build_path.with_name(f"{build_path.name}.unreadable-{stamp}")
        os.replace(build_path, aside)
        wal = build_path.with_name(build_path.name + ".wal")
        if wal.exists():
            os.replace(wal, aside.with_name(aside.name + ".wal"))
        return aside


def write_build_info(warehouse: Path, info: dict) -> None:
    """Stamp the build file with `audit.build_info` (one row) and checkpoint it."""
    import duckdb

    columns = sorted(info)
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema if not exists audit")
        connection.execute(f"drop table if exists {BUILD_INFO_TABLE}")
        connection.execute(
            f"create table {BUILD_INFO_TABLE} ({', '.join(f'{c} varchar' for c in columns)})"
        )
        connection.execute(
            f"insert into {BUILD_INFO_TABLE} values ({', '.join('?' for _ in columns)})",
            [None if info[c] is None else str(info[c]) for c in columns],
        )
        connection.execute("checkpoint")


def read_build_info(warehouse: Path) -> dict | None:
    """`audit.build_info` of a warehouse file, read-only; None when absent or unreadable."""
    import duckdb

    if not warehouse.exists():
        return None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as connection:
            cursor = connection.execute(f"select * from {BUILD_INFO_TABLE}")
            names = [d[0] for d in cursor.description]
            row = cursor.fetchone()
    except duckdb.Error:
        return None
    return dict(zip(names, row, strict=True)) if row else None


def _temporary_name(published: Path, pid: int) -> Path:
    return published.with_name(f".{published.name}.{pid}.tmp")


def remove_stale_temporaries(published: Path) -> list[Path]:
    """Delete temporary copies left by publishes whose process is gone (a killed build)."""
    removed = []
    for candidate in published.parent.glob(f".{published.name}.*.tmp"):
        pid_text = candidate.name.removeprefix(f".{published.name}.").removesuffix(".tmp")
        if pid_text.isdigit() and _process_alive(int(pid_text)):
            continue
        candidate.unlink(missing_ok=True)
        removed.append(candidate)
    return removed


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stage_copy(built: Path, published: Path) -> Path:
    """Copy `built` to a temporary file beside `published` and fsync it; returns the copy."""
    published.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(published)
    temporary = _temporary_name(published, os.getpid())
    try:
        shutil.copyfile(built, temporary)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def swap_in(staged: Path, published: Path) -> None:
    """Atomically make `staged` the published file, and make the rename durable."""
    os.replace(staged, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def publish_atomically(built: Path, published: Path) -> None:
    """Copy ``built`` next to ``published``, fsync it, then atomically replace ``published``."""
    staged = stage_copy(built, published)
    try:
        swap_in(staged, published)
    finally:
        staged.unlink(missing_ok=True)


def read_status(published_dir: Path) -> dict:
    """The last published build and the last attempt, from the status file (empty if none)."""
    status_path = published_dir / STATUS_FILE_NAME
    if not status_path.exists():
        return {}
    return json.loads(status_path.read_text())


def record_attempt(published_dir: Path, attempt: PublishAttempt) -> None:
    """Remember the attempt; a successful one also becomes the `last_published` entry."""
    published_dir.mkdir(parents=True, exist_ok=True)
    status = read_status(published_dir)
    status["last_attempt"] = asdict(attempt)
    if attempt.succeeded:
        status["last_published"] = asdict(attempt)
    status_path = published_dir / STATUS_FILE_NAME
    temporary = status_path.with_name(f".{STATUS_FILE_NAME}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(status, indent=2, sort_keys=True, default=str))
    os.replace(temporary, status_path)


def attempt_state(attempt: dict) -> str:
    """published, failed, running, or interrupted (recorded as running by a process now gone)."""
    state = attempt.get("state") or ("published" if attempt.get("succeeded") else "failed")
    if state == "running" and not _process_alive(int(attempt.get("pid") or 0)):
        return "interrupted"
    return state


def connect_published(path: Path | None = None):
    """A read-only DuckDB connection to the published warehouse: what the dashboard and notebooks use.

    Run from the repository root when the raw root is relative: staging views
    read the raw Parquet by that path.
    """
    import duckdb

    from omnichannel.settings import published_path

    target = Path(path) if path is not None else published_path()
    if not target.exists():
        raise FileNotFoundError(f"nothing published at {target}: run `omnichannel build`")
    return duckdb.connect(str(target), read_only=True)
