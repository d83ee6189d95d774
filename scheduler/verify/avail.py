"""Is a window inside one available stretch? Read straight from the availability pattern.

Written apart from `scheduler.availability` on purpose: the checker must not share the
solver's bugs. Instead of expanding the whole horizon, it looks only at the days around
the window: [a, b) lies inside one stretch of (weekly ∪ dates) − unavailable exactly when
the base intervals cover [a, b) without a gap and no unavailable interval touches it.
"""

from __future__ import annotations

import datetime as dt

from scheduler.domain import DAYS, Availability
from scheduler.timeutil import Clock, Instant

Interval = tuple[Instant, Instant]


def window_instants(clock: Clock, start: dt.datetime, end: dt.datetime) -> Interval:
    """A local availability window as instants, by the spec's edge rules."""
    return clock.instant(start, "start"), clock.instant(end, "end")


def _base(
    availability: Availability, clock: Clock, first: dt.date, last: dt.date, a: Instant, b: Instant
) -> list[Interval]:
    """Base intervals (weekly pattern on horizon days ∪ dates) that could meet [a, b)."""
    horizon_start = clock.day_start(first)
    horizon_end = clock.day_start(last + dt.timedelta(days=1))
    if availability.weekly is None and availability.dates is None:
        return [(horizon_start, horizon_end)]
    out: list[Interval] = []
    # A weekly stretch belongs to one local day; a day before the window's first day
    # can still reach into it only through a `24:00` end, so look one day back.
    day = clock.local_date(a) - dt.timedelta(days=1)
    last_day = clock.local_date(b)
    while day <= last_day:
        if first <= day <= last:
            name = DAYS[day.weekday()]
            midnight = dt.datetime.combine(day, dt.time())
            for pattern in availability.weekly or []:
                if name in pattern.days:
                    lo = clock.instant(midnight + dt.timedelta(minutes=pattern.from_), "start")
                    hi = clock.instant(midnight + dt.timedelta(minutes=pattern.to), "end")
                    out.append((lo, hi))
        day += dt.timedelta(days=1)
    for w in availability.dates or []:
        out.append(window_instants(clock, w.start, w.end))
    return out


def is_available(
    availability: Availability, clock: Clock, first: dt.date, last: dt.date, a: Instant, b: Instant
) -> bool:
    """[a, b) lies inside one available stretch (horizon `first`..`last`, inclusive dates)."""
    if b <= a:
        return False
    for w in availability.unavailable:
        lo, hi = window_instants(clock, w.start, w.end)
        if lo < hi and lo < b and a < hi:
            return False
    reached = a  # sweep: how far from `a` the base covers without a gap
    for lo, hi in sorted(i for i in _base(availability, clock, first, last, a, b) if i[0] < i[1]):
        if lo > reached:
            break
        reached = max(reached, hi)
        if reached >= b:
            return True
    return False
