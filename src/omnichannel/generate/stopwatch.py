"""Wall and CPU seconds per step of the generator, for its report and the benchmark."""

from __future__ import annotations

import resource
import time


def peak_rss_mb() -> float:
    """The peak resident set of this process so far, MB (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class Stopwatch:
    """`lap(step)` books the time since the previous lap (or the start) to `step`.

    `seconds` holds wall seconds, `cpu_seconds` the CPU seconds of this process
    (all its threads) over the same laps, `peak_rss_mb` the process's peak resident
    set at the end of each step (it first reaches its final value in the step that
    set it).
    """

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()
        self.seconds: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}
        self.peak_rss_mb: dict[str, float] = {}

    def lap(self, step: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.seconds[step] = round(self.seconds.get(step, 0.0) + wall - self._wall, 3)
        self.cpu_seconds[step] = round(self.cpu_seconds.get(step, 0.0) + cpu - self._cpu, 3)
        self.peak_rss_mb[step] = peak_rss_mb()
        self._wall, self._cpu = wall, cpu
