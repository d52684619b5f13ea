"""Write-audit-publish: a BI tool only ever reads a warehouse whose audit passed.

The build writes ``data/build/warehouse.duckdb``; dbt's tests are the audit.
Only when every node passed is the file copied to a temporary file beside the
published one, fsynced, and swapped in with ``os.replace`` (atomic on POSIX):
readers of ``data/published/warehouse.duckdb`` see the old file or the new
one, never a half-written one. A record of every attempt is kept in
``data/published/_status.json`` for ``omnichannel status``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

STATUS_FILE_NAME = "_status.json"


@dataclass
class PublishAttempt:
    """One build-audit-publish attempt, as `omnichannel status` reports it."""

    started_at: str
    finished_at: str
    succeeded: bool
    raw_generation: dict | None
    failures: list[str] = field(default_factory=list)


def publish_atomically(built: Path, published: Path) -> None:
    """Copy ``built`` next to ``published``, fsync it, then atomically replace ``published``."""
    published.parent.mkdir(parents=True, exist_ok=True)
    temporary = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(built, temporary)
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, published)
        directory = os.open(published.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    finally:
        temporary.unlink(missing_ok=True)


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
    temporary = status_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(status, indent=2, sort_keys=True))
    os.replace(temporary, status_path)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
