"""The time of one allocation, as every path counts it (CLI, web job, Celery fan-out).

`time_limit` is the whole wall time: options, the greedy plan, the parts' models,
`polish` and the reasons for unscheduled cases. From what is left after the greedy
plan, a reserve is kept back for the reasons, and a fifth of the rest for `polish`
when parts are localised; the units share what remains in proportion to their cases.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

REASONS_SHARE, REASONS_MAX = 0.1, 5.0  # reasons after the parts: ~1 s on region size
POLISH_SHARE = 0.2  # localised runs: single-case moves on the whole problem


@dataclass(frozen=True)
class Budget:
    """One allocation's time: `time_limit` seconds from `started` (time.monotonic())."""

    time_limit: float
    started: float

    @classmethod
    def start(cls, time_limit: float) -> Budget:
        return cls(time_limit, time.monotonic())

    @classmethod
    def since(cls, time_limit: float, elapsed: float) -> Budget:
        """The budget of an allocation that began `elapsed` seconds ago (another process)."""
        return cls(time_limit, time.monotonic() - max(0.0, elapsed))

    @property
    def deadline(self) -> float:
        return self.started + self.time_limit

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def reasons_reserve(self) -> float:
        """Seconds kept back for the full reasons of unscheduled cases (and saving)."""
        return min(REASONS_SHARE * self.time_limit, REASONS_MAX)

    @property
    def polish_end(self) -> float:
        """When `polish` stops: the deadline less the reasons' reserve."""
        return self.deadline - self.reasons_reserve

    def units_end(self, exact: bool) -> float:
        """When the units must be done: `polish_end`, less a fifth of what is left
        before it when parts are localised (they can lose to the greedy plan, which
        then stands, and `polish` makes its soft cost lower)."""
        left = max(0.0, self.polish_end - time.monotonic())
        return self.polish_end - (0.0 if exact else POLISH_SHARE * left)

    def shares(self, exact: bool, sizes: list[int]) -> list[float]:
        """Fixed seconds per unit of `sizes` cases, for units solved side by side: they add
        up to what is left, so the solver time in total is the same on one worker as on
        many (more workers make the run shorter, not longer-searching)."""
        left = max(0.0, self.units_end(exact) - time.monotonic())
        total = sum(sizes) or 1
        return [left * n / total for n in sizes]

    @staticmethod
    def share(units_end: float, cases: int, cases_left: int) -> float:
        """Seconds for the next of units solved one after another: its part of what is left
        before `units_end`, so a unit's unused time goes to the ones after it."""
        return max(0.0, units_end - time.monotonic()) * cases / max(1, cases_left)
