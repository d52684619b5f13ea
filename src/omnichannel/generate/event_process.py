"""Write the web and app event exports in a forked process, beside the other extracts.

The events are most of the rows and need only the simulated world, so once the
session text is built a child process (fork: it shares the world's memory
copy-on-write) renders and writes them while the parent derives and writes
every other extract and the truth: the two cores work at once. The child streams
the truth records of the events (ids and person) to an Arrow IPC file per export;
the parent appends them to `source_records.parquet` afterwards in the same order
as before, so every file keeps its bytes.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from omnichannel.generate.event_extracts import (
    EventDefects,
    SessionText,
    plan_event_defects,
    write_event_extracts,
)
from omnichannel.generate.forked import fork_child
from omnichannel.generate.memory import release_free_memory
from omnichannel.generate.stopwatch import peak_rss_mb
from omnichannel.generate.world import World
from omnichannel.generate.writer import ParquetFiles

EVENT_TABLES = ("web_analytics.events", "app_analytics.events")
_RECORD_SCHEMA = pa.schema([("source_record_id", pa.string()), ("person_index", pa.int64())])


def _records_path(folder: Path, name: str) -> Path:
    return folder / f".{name}.records.arrow"


def _rows_path(folder: Path) -> Path:
    return folder / ".event_rows.json"


def _defects_path(folder: Path) -> Path:
    return folder / ".event_defects.pickle"


def _keep_only_event_inputs(world: World, forget: tuple[dict, ...]) -> None:
    for table in forget:
        table.clear()
    empty = pd.DataFrame()
    world.people = world.orders = world.lines = world.footfall = empty
    for name in [name for name in world.tables if name not in ("_reference", "_session_text")]:
        del world.tables[name]
    gc.collect()
    release_free_memory()


def fork_available() -> bool:
    """Fork on Linux unless OMNICHANNEL_GENERATE_IN_PROCESS is set (then, and elsewhere,
    the events are written in process after the other extracts, as before)."""
    return (
        sys.platform == "linux"
        and hasattr(os, "fork")
        and not os.environ.get("OMNICHANNEL_GENERATE_IN_PROCESS")
    )


class EventWriter:
    """The event exports, written by a child process started with `start` (or, where
    forking is not available, in process when `finish` is called)."""

    def __init__(self, scratch: Path, fork: bool | None = None) -> None:
        self._scratch = scratch
        self._pid: int | None = None
        self._status: int | None = None  # the child's exit status, when reaped early
        self.forks = fork_available() if fork is None else fork
        self._in_process: Callable[[Callable[[str, pa.Array, np.ndarray], None]], dict] | None = (
            None
        )
        self._defects: pd.DataFrame | None = None

    def start(
        self,
        world: World,
        st: SessionText,
        written: np.ndarray,
        path_of: Callable[[str, int], str],
        forget: tuple[dict, ...] = (),
    ) -> None:
        """Fork; the child plans the events' defects (`event_defects` hands their rows to
        the parent) and writes every event partition to `path_of(export, day)`.

        The child first lets go of what it does not need: the `forget` dicts (the
        parent's extracts so far) and every table of the world but the sessions and
        events, so that it holds (and a process-tree measurement counts) little
        beyond what the parent holds too."""
        if not self.forks:
            plan, self._defects = plan_event_defects(world.tables["_rngs"][13], world, written)

            def in_process(record: Callable[[str, pa.Array, np.ndarray], None]) -> dict:
                with ParquetFiles() as files:
                    return write_event_extracts(
                        world,
                        st,
                        plan,
                        written,
                        lambda name, day, table: files.write(table, path_of(name, day)),
                        record,
                    )

            self._in_process = in_process
            return

        def child() -> None:
            plan, defects = plan_event_defects(world.tables["_rngs"][13], world, written)
            scratch = _defects_path(self._scratch).with_suffix(".partial")
            with scratch.open("wb") as file:
                pickle.dump(defects, file, protocol=5)
            scratch.rename(_defects_path(self._scratch))  # whole or not at all
            del defects
            _keep_only_event_inputs(world, forget)
            self._run_child(world, st, plan, written, path_of)

        self._pid = fork_child(child)

    def event_defects(self) -> pd.DataFrame:
        """The rows of `defects.parquet` the event exports carry (the child's plan)."""
        if self._defects is not None:
            defects, self._defects = self._defects, None
            return defects
        path = _defects_path(self._scratch)
        while not path.exists():
            if self._pid is not None:
                pid, status = os.waitpid(self._pid, os.WNOHANG)
                if pid:  # the child ended before handing its defects over
                    self._pid, self._status = None, status
            if self._status is not None and not path.exists():
                raise RuntimeError("writing the web and app events failed (see the error above)")
            time.sleep(0.01)
        with path.open("rb") as file:
            defects = pickle.load(file)
        path.unlink()
        return defects

    def _run_child(
        self,
        world: World,
        st: SessionText,
        plan: EventDefects,
        written: np.ndarray,
        path_of: Callable[[str, int], str],
    ) -> None:
        started, cpu_started = time.perf_counter(), time.process_time()
        streams = {
            name: pa.ipc.new_stream(str(_records_path(self._scratch, name)), _RECORD_SCHEMA)
            for name in EVENT_TABLES
        }

        def record(name: str, ids: pa.Array, person_index: np.ndarray) -> None:
            streams[name].write_batch(
                pa.record_batch([ids, pa.array(person_index, pa.int64())], schema=_RECORD_SCHEMA)
            )

        with ParquetFiles() as files:
            rows = write_event_extracts(
                world,
                st,
                plan,
                written,
                lambda name, day, table: files.write(table, path_of(name, day)),
                record,
            )
        for stream in streams.values():
            stream.close()
        seconds = {
            "wall": round(time.perf_counter() - started, 3),
            "cpu": round(time.process_time() - cpu_started, 3),
            "peak_rss_mb": peak_rss_mb(),
        }
        _rows_path(self._scratch).write_text(json.dumps({"rows": rows, "seconds": seconds}))

    def finish(
        self, record: Callable[[str, pa.Array, np.ndarray], None]
    ) -> tuple[dict[str, int], dict[str, float]]:
        """Wait for the child; hand its truth records to `record` in order.

        Returns the rows per export and the child's wall and CPU seconds."""
        if self._in_process is not None:
            started, cpu_started = time.perf_counter(), time.process_time()
            rows = self._in_process(record)
            self._in_process = None
            return rows, {
                "wall": round(time.perf_counter() - started, 3),
                "cpu": round(time.process_time() - cpu_started, 3),
            }
        pid, self._pid = self._pid, None
        if pid is not None:
            _, status = os.waitpid(pid, 0)
        elif self._status is not None:
            status = self._status
        else:
            raise RuntimeError("the event writer was not started")
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError("writing the web and app events failed (see the error above)")
        for name in EVENT_TABLES:
            path = _records_path(self._scratch, name)
            with pa.OSFile(str(path)) as source:
                for batch in pa.ipc.open_stream(source):
                    record(name, batch.column(0), batch.column(1).to_numpy())
            path.unlink()
        rows_file = _rows_path(self._scratch)
        written = json.loads(rows_file.read_text())
        rows_file.unlink()
        return written["rows"], written["seconds"]

    def stop(self) -> None:
        """End the child if it still runs (the parent failed)."""
        if self._pid is not None:
            os.kill(self._pid, signal.SIGTERM)
            os.waitpid(self._pid, 0)
            self._pid = None
