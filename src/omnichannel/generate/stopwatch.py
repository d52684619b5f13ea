"""Wall seconds per step of the generator, for its report and the benchmark."""

from __future__ import annotations

import time


class Stopwatch:
    """`lap(step)` books the wall time since the previous lap (or the start) to `step`."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = round(self.seconds.get(step, 0.0) + now - self._last, 3)
        self._last = now
