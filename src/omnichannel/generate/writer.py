"""Write the extracts as hive-partitioned Parquet, byte for byte the same on every run.

Files are encoded on worker threads (Arrow releases the GIL while it encodes and
compresses), a bounded number at a time, so that writing overlaps with
rendering the next partition and memory holds only the partitions in flight.
Every file is written whole by one call, so its bytes do not depend on the
threads. Snappy, not zstd: most day partitions are small, and zstd's per-column
set-up costs about twice the time of the whole file.
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from omnichannel.generate.schema import RawTable

# No Arrow schema in the footer: the Parquet types read back as the contract's types, and
# low-cardinality text can be handed over dictionary-encoded (the file stores plain strings).
PARQUET_OPTIONS = {
    "compression": "snappy",
    "store_schema": False,
}

# Columns whose values are mostly distinct within a day partition (ids, instants, URLs,
# contact details): a dictionary page costs its hashing and then falls back to plain
# encoding, so they are written plain (same values; at scale 10 the events' encoding
# takes about 40% less CPU and the files are about 10% smaller). Ids of a few things
# (stores, campaigns, promotions, ...) repeat and keep their dictionary.
_DISTINCT_SUFFIXES = ("_id", "_ts", "_timestamp", "_ref", "_email", "_phone", "_url")
_DISTINCT_NAMES = frozenset(
    {
        "email",
        "phone",
        "recipient",
        "url",
        "page_location",
        "card_number",
        "card_fingerprint",
        "user_pseudo_id",
        "engagement_time_msec",
    }
)
_REPEATING_IDS = frozenset(
    {
        "agent_id",
        "campaign_id",
        "category_id",
        "fulfilment_location_id",
        "home_store_id",
        "location_id",
        "origin_location_id",
        "promotion_id",
        "register_id",
        "store_id",
        "supplier_id",
    }
)


def _mostly_distinct(name: str) -> bool:
    if name in _REPEATING_IDS:
        return False
    return name in _DISTINCT_NAMES or name.endswith(_DISTINCT_SUFFIXES)


_COLUMN_OPTIONS: dict[pa.Schema, dict] = {}


def parquet_options(schema: pa.Schema) -> dict:
    """Writer options of a file of this schema: dictionary pages for repeating columns,
    min/max statistics for the columns that are not text (text min/max costs a comparison
    per value and prunes nothing: partitions are by day)."""
    options = _COLUMN_OPTIONS.get(schema)
    if options is None:
        options = {
            **PARQUET_OPTIONS,
            "use_dictionary": [f.name for f in schema if not _mostly_distinct(f.name)],
            "write_statistics": [f.name for f in schema if not pa.types.is_string(f.type)],
        }
        _COLUMN_OPTIONS[schema] = options
    return options


def _write_file(table: pa.Table, path: str) -> None:
    # the folder is made on the worker too: creating directories is a system call that
    # costs as much as the file (ext4), and the workers release the GIL while they wait
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # encoded in memory and written with one system call: written to the file, Arrow makes
    # about 35 small writes and 20 seeks per file (a world is 12,400 files); same bytes
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, **parquet_options(table.schema))
    with open(path, "wb") as file:
        file.write(sink.getvalue())


class ParquetFiles:
    """Writes whole Parquet files on `workers` threads, at most `in_flight` pending."""

    def __init__(self, workers: int = 2, in_flight: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="parquet")
        self._pending: deque[Future] = deque()
        self._in_flight = in_flight

    def write(self, table: pa.Table, path: str) -> None:
        while len(self._pending) >= self._in_flight:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(_write_file, table, path))

    def close(self) -> None:
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(wait=True)

    def __enter__(self) -> ParquetFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def partition_path(out: Path, table: RawTable, day: np.datetime64 | None) -> str:
    target = f"{out}/{table.system}/{table.name}"
    if day is None:
        return f"{target}/snapshot.parquet"
    return f"{target}/date={day}/part-0.parquet"


def expected_paths(out: Path, tables: list[RawTable], days: np.ndarray) -> set[str]:
    """Every file a world of these days writes: a file per day of each daily table."""
    return {
        partition_path(out, table, None if table.partition == "snapshot" else day)
        for table in tables
        for day in ([None] if table.partition == "snapshot" else days)
    }


def create_empty_files(paths: list[str]) -> None:
    """Create each file (empty) and its folder, in this order, leaving any that exists as it is.

    Run by a child process while the world is simulated (one core is idle then): creating
    a folder and an inode costs ext4 about ten times as much as truncating an existing
    file, and a world is ~12,400 of each. The writers open the files with "wb" later
    (same bytes); one that gets there first simply creates the file itself.
    """
    made: set[str] = set()
    flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC
    for path in paths:
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        os.close(os.open(path, flags, 0o666))


def remove_stale_files(out: Path, keep: set[str]) -> int:
    """Delete every file under `out` that is not in `keep` (and folders left empty).

    The generator overwrites the files of an earlier world in place rather than
    deleting the folder first: creating a file costs ext4 far more than truncating
    one (about 0.5 ms against 0.05 ms on this machine), and a world is ~12,400 files.
    """
    removed = 0
    for folder, _subfolders, files in os.walk(out, topdown=False):
        for name in files:
            path = f"{folder}/{name}"
            if path not in keep:
                os.remove(path)
                removed += 1
        if folder != str(out) and not os.listdir(folder):
            os.rmdir(folder)
    return removed


def to_arrow(frame: pd.DataFrame, table: RawTable) -> pa.Table:
    """The frame's schema columns, cast to the contract's arrow types (helper columns dropped)."""
    arrays = []
    for column in table.columns:
        values = frame[column.name]
        if pa.types.is_date32(column.type):
            values = pd.to_datetime(values).to_numpy().astype("datetime64[D]")
        elif pa.types.is_integer(column.type):
            values = pd.array(values, dtype="Int64")
        arrays.append(pa.array(values, type=column.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=table.arrow_schema())


def write_table(
    frame: pd.DataFrame, table: RawTable, out: Path, days: np.ndarray, files: ParquetFiles
) -> int:
    """Write one raw table; daily tables get a file for every day of the period, empty or not.

    Rows dated outside the period are not written; returns the rows written.
    """
    if table.partition == "snapshot":
        files.write(to_arrow(frame, table), partition_path(out, table, None))
        return len(frame)
    day_of_row = (
        pd.to_datetime(frame["_date"]).to_numpy().astype("datetime64[D]") - days[0]
    ).astype(np.int64)
    whole = to_arrow(frame, table)
    if np.any(day_of_row[1:] < day_of_row[:-1]):  # one stable sort by day, then slices
        order = np.argsort(day_of_row, kind="stable")
        whole, day_of_row = whole.take(pa.array(order)), day_of_row[order]
    bounds = np.searchsorted(day_of_row, np.arange(len(days) + 1))
    for d, day in enumerate(days):
        files.write(
            whole.slice(bounds[d], bounds[d + 1] - bounds[d]), partition_path(out, table, day)
        )
    return int(bounds[-1] - bounds[0])
