"""A progress line on stderr while the engine solves: phase, elapsed time, share done.

The engine reports (fraction, message) through its `progress` callback and stays pure;
this prints a line when the phase changes and, between changes, every few seconds, so
a person watching (or a log) always sees that the run is alive and where it is. Plain
lines, not a redrawn bar, so that they read the same in a terminal, a pipe or a log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TextIO


class ProgressLine:
    """Call it as the engine's progress callback; use it as a context manager."""

    def __init__(
        self,
        stream: TextIO,
        *,
        every: float = 5.0,
        label: str = "solve",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream, self.every, self.label, self.clock = stream, every, label, clock
        self.started = clock()
        self.fraction, self.message, self.phase = 0.0, "starting", ""
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="progress-line", daemon=True)

    def __enter__(self) -> ProgressLine:
        self.print_line()
        self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._ticker.join(timeout=1.0)

    def __call__(self, fraction: float, message: str) -> None:
        phase = message.rsplit(":", 1)[0]  # "part 1/2: level 3: soft cost 40" → "part 1/2: level 3"
        with self._lock:
            self.fraction, self.message = fraction, message
            changed = phase != self.phase
            self.phase = phase
        if changed:
            self.print_line()

    def line(self) -> str:
        elapsed = self.clock() - self.started
        with self._lock:
            fraction, message = self.fraction, self.message
        return f"{self.label}: {elapsed:5.0f} s  {fraction * 100:3.0f}%  {message}"

    def print_line(self) -> None:
        text = self.line()
        with self._lock:
            self.stream.write(text + "\n")
            self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            self.print_line()
