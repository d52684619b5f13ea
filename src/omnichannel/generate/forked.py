"""Run one step of the generator in a forked child process, beside the parent's own work.

The child starts from the parent's memory (fork: copy-on-write), does its work,
writes its files and reports its wall and CPU seconds, the CPU seconds of its
laps and its peak resident set to a small JSON file; the parent collects them
with `wait`. Where fork is not available (see `event_process.fork_available`)
the step runs in process when it is started, so the output does not depend on
whether it forked.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from omnichannel.generate.stopwatch import Stopwatch, peak_rss_mb


class ForkedStep:
    """`start(work)` runs `work(clock)` in a child (or in process); `wait()` its figures."""

    def __init__(self, scratch: Path, name: str, fork: bool) -> None:
        self._report = scratch / f".{name}.json"
        self.forks = fork
        self._pid: int | None = None
        self._figures: dict | None = None

    def start(self, work: Callable[[Stopwatch], None]) -> None:
        if not self.forks:
            self._figures = _run(work)
            return
        self._pid = fork_child(lambda: self._report.write_text(json.dumps(_run(work))))

    def wait(self) -> dict:
        """Wait for the child; its wall and CPU seconds, CPU seconds per lap, peak RSS (MB)."""
        if self._figures is not None:
            figures, self._figures = self._figures, None
            return figures
        pid, self._pid = self._pid, None
        if pid is None:
            raise RuntimeError("the step was not started")
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{self._report.stem[1:]} failed in its child (see the error above)")
        figures = json.loads(self._report.read_text())
        self._report.unlink()
        return figures

    def stop(self) -> None:
        """End the child if it still runs (the parent failed)."""
        if self._pid is not None:
            import signal

            os.kill(self._pid, signal.SIGTERM)
            os.waitpid(self._pid, 0)
            self._pid = None


def fork_child(child: Callable[[], object]) -> int:
    """Fork; the child runs `child()` and exits (0, or 1 with the traceback on stderr: it
    never returns into the parent's code); the parent gets the child's pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        child()
        code = 0
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
    finally:
        os._exit(code)


def _run(work: Callable[[Stopwatch], None]) -> dict:
    started, cpu_started = time.perf_counter(), time.process_time()
    clock = Stopwatch()
    work(clock)
    return {
        "wall": round(time.perf_counter() - started, 3),
        "cpu": round(time.process_time() - cpu_started, 3),
        "step_cpu_seconds": clock.cpu_seconds,
        "peak_rss_mb": peak_rss_mb(),
    }
