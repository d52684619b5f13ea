"""DuckDB's own memory use, sampled from inside the process that runs the queries.

Two users:

- ``Plugin``: a dbt-duckdb plugin the benchmark adds to its copy of the profile.
  Each time dbt opens the warehouse, a daemon thread polls ``duckdb_memory()``
  (buffer-managed memory and temporary storage, i.e. spill) on a cursor of the
  same database and, when the process exits, writes the peaks to the JSON file
  named by ``OMNICHANNEL_BENCH_PROBE``.
- ``MemorySampler``: the same polling for a connection the caller owns
  (the single-scan floor and the spill proof).
"""

from __future__ import annotations

import atexit
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import duckdb

PROBE_ENV = "OMNICHANNEL_BENCH_PROBE"
POLL_SECONDS = 0.05
SERIES_SECONDS = 0.5  # the time series keeps the peak of each half second
MEMORY_SQL = (
    "select coalesce(sum(memory_usage_bytes), 0), coalesce(sum(temporary_storage_bytes), 0) "
    "from duckdb_memory()"
)


class MemorySampler:
    """Polls ``duckdb_memory()`` on its own cursor until stopped or the database closes."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.memory_peak_bytes = 0
        self.temp_peak_bytes = 0
        self.samples = 0
        self.series: list[list[float]] = []  # [unix time, memory bytes, temp bytes]
        self._cursor = connection.cursor()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True, name="duckdb-memory")

    def start(self) -> MemorySampler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                row = self._cursor.execute(MEMORY_SQL).fetchone()
            except Exception:  # the database was closed under us: stop sampling
                return
            if row is not None:
                self.memory_peak_bytes = max(self.memory_peak_bytes, int(row[0]))
                self.temp_peak_bytes = max(self.temp_peak_bytes, int(row[1]))
                self.samples += 1
                self._record(time.time(), int(row[0]), int(row[1]))
            self._stop.wait(POLL_SECONDS)

    def _record(self, now: float, memory: int, temp: int) -> None:
        bucket = round(now - now % SERIES_SECONDS, 3)
        if self.series and self.series[-1][0] == bucket:
            last = self.series[-1]
            last[1], last[2] = max(last[1], memory), max(last[2], temp)
        else:
            self.series.append([bucket, memory, temp])

    def peaks(self) -> dict[str, int]:
        return {
            "duckdb_memory_peak_bytes": self.memory_peak_bytes,
            "duckdb_temp_peak_bytes": self.temp_peak_bytes,
            "samples": self.samples,
        }


_SAMPLERS: list[MemorySampler] = []


def _write_peaks() -> None:
    target = os.environ.get(PROBE_ENV)
    if not target:
        return
    peaks = {
        "duckdb_memory_peak_bytes": max((s.memory_peak_bytes for s in _SAMPLERS), default=0),
        "duckdb_temp_peak_bytes": max((s.temp_peak_bytes for s in _SAMPLERS), default=0),
        "samples": sum(s.samples for s in _SAMPLERS),
        "connections": len(_SAMPLERS),
        "series": sorted(point for sampler in _SAMPLERS for point in sampler.series),
    }
    Path(target).write_text(json.dumps(peaks))


try:
    from dbt.adapters.duckdb.plugins import BasePlugin
except ImportError:  # pragma: no cover - dbt-duckdb is a project dependency
    BasePlugin = object  # type: ignore[assignment,misc]


class Plugin(BasePlugin):  # type: ignore[misc,valid-type]
    """dbt-duckdb plugin: sample DuckDB's memory on every connection dbt opens."""

    def configure_connection(self, conn: Any) -> None:
        if not _SAMPLERS:
            atexit.register(_write_peaks)
        _SAMPLERS.append(MemorySampler(conn).start())
