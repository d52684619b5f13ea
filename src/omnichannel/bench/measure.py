"""Run a command in a subprocess and measure it: wall time and peak resident set (process tree)."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import psutil

POLL_SECONDS = 0.05


@dataclass
class Measured:
    """One measured subprocess: wall seconds, peak RSS of it and its children, exit code."""

    seconds: float
    peak_rss_bytes: int
    returncode: int
    stdout_path: Path
    stderr_path: Path

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def tail(self, lines: int = 30) -> str:
        """The end of stdout and stderr, for an error message."""
        text = []
        for path in (self.stdout_path, self.stderr_path):
            if path.exists():
                text += path.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(text)


def _tree_rss(process: psutil.Process) -> int:
    """Resident set of a process and all its descendants, in bytes (0 once it is gone)."""
    total = 0
    try:
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_measured(
    command: Sequence[str],
    log_dir: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Measured:
    """Run ``command`` to completion, sampling its process tree's RSS every 50 ms.

    stdout and stderr go to files in ``log_dir`` (a pipe could fill and block the child).
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    stdout_path, stderr_path = log_dir / "stdout.log", log_dir / "stderr.log"
    peak = 0
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen(list(command), stdout=out, stderr=err, env=env, cwd=cwd)
        process = psutil.Process(child.pid)
        while child.poll() is None:
            peak = max(peak, _tree_rss(process))
            time.sleep(POLL_SECONDS)
        seconds = time.perf_counter() - started
    return Measured(seconds, peak, child.returncode, stdout_path, stderr_path)


def summarize(samples: Sequence[float]) -> dict[str, float | list[float]]:
    """Median, min and max of repeated timings (and the samples themselves)."""
    if not samples:
        raise ValueError("no samples to summarize")
    return {
        "median": round(statistics.median(samples), 3),
        "min": round(min(samples), 3),
        "max": round(max(samples), 3),
        "samples": [round(value, 3) for value in samples],
    }
