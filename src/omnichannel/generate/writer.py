"""Write the extracts as hive-partitioned Parquet, byte for byte the same on every run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from omnichannel.generate.schema import RawTable

PARQUET_OPTIONS = {"compression": "zstd", "use_dictionary": True, "write_statistics": True}


def to_arrow(frame: pd.DataFrame, table: RawTable) -> pa.Table:
    """The frame's schema columns, cast to the contract's arrow types (helper columns dropped)."""
    arrays = []
    for column in table.columns:
        values = frame[column.name]
        if pa.types.is_date32(column.type):
            values = pd.to_datetime(values).dt.date
        elif pa.types.is_integer(column.type):
            values = pd.array(values, dtype="Int64")
        elif pa.types.is_string(column.type):
            values = values.astype(object).where(values.notna(), None)
        arrays.append(pa.array(values, type=column.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=table.arrow_schema())


def write_table(frame: pd.DataFrame, table: RawTable, out: Path, days: np.ndarray) -> int:
    """Write one raw table; daily tables get a file for every day of the period, empty or not."""
    target = out / table.system / table.name
    target.mkdir(parents=True, exist_ok=True)
    if table.partition == "snapshot":
        pq.write_table(to_arrow(frame, table), target / "snapshot.parquet", **PARQUET_OPTIONS)
        return len(frame)
    day_of_row = pd.to_datetime(frame["_date"]).dt.strftime("%Y-%m-%d").to_numpy()
    order = np.argsort(day_of_row, kind="stable")
    frame, day_of_row = frame.iloc[order], day_of_row[order]
    boundaries = np.searchsorted(day_of_row, np.datetime_as_string(days, unit="D"), side="left")
    ends = np.append(
        boundaries[1:],
        np.searchsorted(day_of_row, np.datetime_as_string(days[-1], unit="D"), side="right"),
    )
    whole = to_arrow(frame, table)
    written = 0
    for day, lo, hi in zip(np.datetime_as_string(days, unit="D"), boundaries, ends, strict=True):
        folder = target / f"date={day}"
        folder.mkdir(exist_ok=True)
        pq.write_table(whole.slice(lo, hi - lo), folder / "part-0.parquet", **PARQUET_OPTIONS)
        written += hi - lo
    return written
