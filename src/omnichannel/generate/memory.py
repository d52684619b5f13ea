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
