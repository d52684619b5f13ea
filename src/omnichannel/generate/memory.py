"""Hand freed memory back to the operating system between the generator's steps.

numpy's buffers come from glibc's malloc, which keeps freed heap memory for
reuse: after the simulation about a third of the resident set is such free
memory. Trimming it before the fork keeps the child from starting with (and a
process-tree measurement from counting twice) memory nobody uses, and trimming
between steps lowers the parent's peak.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pyarrow as pa


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        libc.malloc_trim  # noqa: B018 - glibc only
    except (OSError, AttributeError, TypeError):
        return None
    return libc


def release_free_memory() -> None:
    """Return memory freed by numpy (glibc) and Arrow to the operating system."""
    pa.default_memory_pool().release_unused()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def _set_numpy_hugepages(enabled: bool) -> bool:
    """Turn numpy's madvise(MADV_HUGEPAGE) of large arrays on or off; returns what it was
    (True where numpy has no such switch: nothing to restore)."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:
        return True
    return bool(_set_madvise_hugepage(enabled))


# glibc mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024  # glibc's ceiling on 64-bit
_DEFAULT_THRESHOLD = 128 * 1024


@contextmanager
def heap_for_large_arrays() -> Iterator[None]:
    """Serve arrays up to 32 MB from the heap and keep freed heap memory until a step
    ends (`release_free_memory`): glibc otherwise maps most arrays of a few MB afresh
    and unmaps them when freed, and the kernel zero-fills every page of the next one.
    On a scale 3 world this saved 30% of the system CPU time for 3-8% more peak memory.
    glibc's defaults (and its adaptive threshold, which this turns off) come back after."""
    libc = _libc()
    if libc is None:
        yield
        return
    libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD_MAX)
    libc.mallopt(_M_TRIM_THRESHOLD, 2**31 - 1)
    # Arrow's buffers from the same heap: its default pool (mimalloc) gives freed pages back
    # to the kernel within milliseconds, and the kernel zero-fills them again on the next
    # allocation (a world spends more system time in clear_page than in anything else). On
    # a scale 3 world glibc's heap for Arrow too cut system time from about 6.2 to 4.1 s
    # and the peak resident set from 1.58 to 1.41 GB, user time unchanged.
    arrow_pool = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    # numpy asks the kernel for transparent huge pages (madvise) on every array of 4 MB or
    # more; with the kernel's `defrag` setting `madvise` each such fault may compact memory
    # first and then zero-fills 2 MB at once, also for arrays that touch a fraction of it.
    # Without: on a scale 3 world (3 runs each) system time 3.4-3.6 s against 5.0-8.0 s,
    # user time and peak resident set unchanged (bench/notes.md, stop 19).
    numpy_hugepages = _set_numpy_hugepages(False)
    try:
        yield
    finally:
        _set_numpy_hugepages(numpy_hugepages)
        pa.set_memory_pool(arrow_pool)
        libc.mallopt(_M_MMAP_THRESHOLD, _DEFAULT_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, _DEFAULT_THRESHOLD)
