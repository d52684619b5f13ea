"""Text columns built in Arrow's vectorised kernels, not per row in Python.

Ids, ISO timestamps and URLs of millions of rows are the generator's hottest
path; numpy's ``np.char`` works on fixed-width unicode and is 5-10x slower.
Each helper returns a ``pyarrow`` string array; ``as_numpy`` hands one back
as an object array where pandas code needs it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pandas.arrays import ArrowStringArray

# pandas' default text dtype (Arrow storage, NaN for missing)
STR = pd.StringDtype("pyarrow", na_value=np.nan)


def strings(values) -> pa.Array:
    """Any column of text (numpy, pandas; None or NaN for missing) as an Arrow string array."""
    return _contiguous(pa.array(values, type=pa.string(), from_pandas=True))


def _contiguous(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    # a pandas column backed by several Arrow chunks comes back as a ChunkedArray
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string arrays (and literal strings) element-wise; null if any part is null."""
    return pc.binary_join_element_wise(*parts, "")


def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """'<prefix><number zero-padded to width>' for every number."""
    digits = pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string())
    return join(prefix, pc.utf8_lpad(digits, width=width, padding="0"))


def _seconds(at: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(at).astype("datetime64[s]"))


def iso_utc(at: np.ndarray) -> pa.Array:
    """datetime64 -> 'YYYY-MM-DDTHH:MM:SSZ', as the extracts write UTC instants."""
    text = pc.cast(_seconds(at), pa.string())
    return join(pc.replace_substring(text, " ", "T", max_replacements=1), "Z")


def local_text(at: np.ndarray) -> pa.Array:
    """datetime64 (a wall-clock time) -> 'YYYY-MM-DD HH:MM:SS'."""
    return pc.cast(_seconds(at), pa.string())


def iso_local(at: np.ndarray, zone: str) -> pa.Array:
    """UTC instants as wall-clock text of the time `zone` with its offset,
    'YYYY-MM-DDTHH:MM:SS+HH:MM' (strftime's '%Y-%m-%dT%H:%M:%S%z' with a colon in the
    offset), built in Arrow: the offset of each instant from the time zone database, the
    text from the local time."""
    utc = pd.DatetimeIndex(np.asarray(at).astype("datetime64[s]")).tz_localize("UTC")
    local = utc.tz_convert(zone).tz_localize(None).to_numpy().astype("datetime64[s]")
    offset = (local - utc.tz_localize(None).to_numpy().astype("datetime64[s]")).astype(np.int64)
    magnitude = np.abs(offset)

    def two_digits(values: np.ndarray) -> pa.Array:
        return pc.utf8_lpad(pc.cast(pa.array(values), pa.string()), width=2, padding="0")

    return join(
        pc.replace_substring(local_text(local), " ", "T", max_replacements=1),
        pc.if_else(pa.array(offset < 0), "-", "+"),
        two_digits(magnitude // 3600),
        ":",
        two_digits(magnitude % 3600 // 60),
    )


def day_text(days: np.ndarray) -> pa.Array:
    """datetime64[D] -> 'YYYY-MM-DD'."""
    return pc.cast(pa.array(np.asarray(days).astype("datetime64[D]")), pa.string())


def take(values: pa.Array, index: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """values[index], null where `valid` is False (or where index < 0 when valid is None)."""
    index = np.asarray(index, dtype=np.int64)
    mask = (index < 0) if valid is None else ~np.asarray(valid, dtype=bool)
    return values.take(pa.array(np.where(mask, 0, index), mask=mask))


def coded(values: pa.Array, index: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """values[index] dictionary-encoded, for a short list of `values` (no copy of the text);
    null where `valid` is False, where (valid None) index < 0, or where the value is null.
    Parquet stores it as a plain string column."""
    index = np.asarray(index)
    mask = (index < 0) if valid is None else ~np.asarray(valid, dtype=bool)
    dictionary, remap, has_null = _dictionary_of(values)
    index = remap[np.where(mask, 0, index)]
    if has_null:
        mask = mask | (index < 0)
        index = np.where(mask, 0, index)
    indices = pa.array(index.astype(np.int32, copy=False), mask=mask if mask.any() else None)
    return pa.DictionaryArray.from_arrays(indices, dictionary)


# per list of values (kept alive here, so that its id is not reused): its dictionary, the
# int32 position in it of each value (-1 for null) and whether there is a null; the event
# exports code a dozen short lists twice a day partition (730 days x 12 at scale 10)
_DICTIONARIES: dict[int, tuple[pa.Array, pa.Array, np.ndarray, bool]] = {}


def _dictionary_of(values: pa.Array) -> tuple[pa.Array, np.ndarray, bool]:
    cached = _DICTIONARIES.get(id(values))
    if cached is None or cached[0] is not values:
        # a dictionary must hold each value once, and no null, for the bytes to be reproducible
        encoded = pc.dictionary_encode(values, null_encoding="mask")
        remap = encoded.indices.fill_null(-1).to_numpy().astype(np.int32)
        cached = (values, encoded.dictionary, remap, bool((remap < 0).any()))
        if len(values) <= 4096:  # short lists only (the cache holds them for good)
            _DICTIONARIES[id(values)] = cached
    return cached[1], cached[2], cached[3]


def column(values: pa.Array) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """An Arrow string array as the pandas `str` column it would become, without a copy.

    pandas turns an object array of text into an Arrow-backed `str` column anyway;
    handing it the Arrow array skips making (and then reading) a Python string per
    row. A column of nothing but nulls stays an object array, as pandas infers it.
    """
    if values.null_count == len(values):
        return as_numpy(values)
    values = _contiguous(values)
    return ArrowStringArray(pa.chunked_array([values.cast(pa.large_string())]), dtype=STR)


def as_numpy(values: pa.Array) -> np.ndarray:
    """An Arrow string array as a numpy object array (None for null)."""
    return values.to_numpy(zero_copy_only=False)


def isin(values, members) -> np.ndarray:
    """values ∈ members for text columns (pandas' isin on Arrow strings loops in Python)."""
    return pc.is_in(strings(values), value_set=strings(members)).to_numpy(zero_copy_only=False)
