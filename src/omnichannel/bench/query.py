"""Run one SQL query in a fresh DuckDB process and print its time and memory as JSON.

Used by the benchmark for the single-scan floor and the spill proof, in a
subprocess so that its resident set is measured apart from the caller:
``python -m omnichannel.bench.query '<json>'`` with ``sql``, ``memory_limit``,
``threads`` and ``temp_directory``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from omnichannel.bench.probe import MemorySampler


def run_query(
    sql: str, memory_limit: str, threads: int, temp_directory: Path | None = None
) -> dict[str, Any]:
    """Execute ``sql`` with these DuckDB settings; seconds, memory peaks and the result rows."""
    connection = duckdb.connect()
    connection.execute(f"set memory_limit = '{memory_limit}'")
    connection.execute(f"set threads = {int(threads)}")
    connection.execute("set preserve_insertion_order = false")
    connection.execute("set enable_progress_bar = false")
    if temp_directory is not None:
        temp_directory.mkdir(parents=True, exist_ok=True)
        connection.execute(f"set temp_directory = '{temp_directory}'")
    sampler = MemorySampler(connection).start()
    started = time.perf_counter()
    rows = connection.execute(sql).fetchall()
    seconds = time.perf_counter() - started
    sampler.stop()
    connection.close()
    return {
        "seconds": round(seconds, 3),
        "rows": [
            [value if isinstance(value, int | float | str) else str(value) for value in row]
            for row in rows
        ],
        **sampler.peaks(),
        "memory_limit": memory_limit,
        "threads": threads,
    }


def main() -> None:
    args = json.loads(sys.argv[1])
    temp = Path(args["temp_directory"]) if args.get("temp_directory") else None
    result = run_query(args["sql"], args["memory_limit"], int(args["threads"]), temp)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
