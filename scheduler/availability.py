"""Availability expansion: (weekly pattern over the horizon ∪ dates) − unavailable.

The result is a sorted tuple of disjoint half-open instant intervals, merged so that
"lies inside one available stretch" is a single bisect.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.domain import DAYS, Availability
from scheduler.timeutil import Clock, Horizon, Instant

Interval = tuple[Instant, Instant]


@dataclass(frozen=True)
class Stretches:
    """Disjoint, sorted, merged half-open intervals."""

    intervals: tuple[Interval, ...]

    def contains(self, start: Instant, end: Instant) -> bool:
        """[start, end) lies inside one stretch."""
        i = bisect.bisect_right(self.intervals, (start, float("inf"))) - 1
        return i >= 0 and self.intervals[i][0] <= start and end <= self.intervals[i][1]

    def clip(self, lo: Instant, hi: Instant) -> Stretches:
        return Stretches(
            tuple((max(a, lo), min(b, hi)) for a, b in self.intervals if a < hi and b > lo)
        )

    def intersect(self, other: Stretches) -> Stretches:
        out, i, j = [], 0, 0
        a, b = self.intervals, other.intervals
        while i < len(a) and j < len(b):
            lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
            if lo < hi:
                out.append((lo, hi))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        return Stretches(tuple(out))

    def total_minutes(self) -> int:
        return sum(b - a for a, b in self.intervals)

    def __bool__(self) -> bool:
        return bool(self.intervals)


def merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    out: list[list[int]] = []
    for a, b in sorted(i for i in intervals if i[0] < i[1]):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def subtract(base: tuple[Interval, ...], holes: Iterable[Interval]) -> tuple[Interval, ...]:
    result = list(base)
    for ha, hb in merge(holes):
        nxt: list[Interval] = []
        for a, b in result:
            if hb <= a or ha >= b:
                nxt.append((a, b))
                continue
            if a < ha:
                nxt.append((a, ha))
            if hb < b:
                nxt.append((hb, b))
        result = nxt
    return tuple(result)


def expand(availability: Availability, clock: Clock, horizon: Horizon) -> Stretches:
    """The available time of one person or venue over the horizon."""
    if availability.is_always:
        base: list[Interval] = [(horizon.start, horizon.end)]
    else:
        base = []
        for pattern in availability.weekly or []:
            wanted = {DAYS.index(d) for d in pattern.days}
            for day in horizon.days():
                if day.weekday() in wanted:
                    base.append(_daily(clock, day, pattern.from_, pattern.to))
        for w in availability.dates or []:
            base.append((clock.instant(w.start, "start"), clock.instant(w.end, "end")))
    holes = [
        (clock.instant(w.start, "start"), clock.instant(w.end, "end"))
        for w in availability.unavailable
    ]
    return Stretches(subtract(merge(base), holes))


def _daily(clock: Clock, day: dt.date, start_min: int, end_min: int) -> Interval:
    midnight = dt.datetime.combine(day, dt.time())
    start = clock.instant(midnight + dt.timedelta(minutes=start_min), "start")
    end = clock.instant(midnight + dt.timedelta(minutes=end_min), "end")
    return (start, end)
