"""Local wall-clock times ↔ real instants, with the spec's rules for the clock change.

Inside the core, an *instant* is a whole number of minutes since 1970-01-01T00:00Z.
Durations are real elapsed minutes, so arithmetic on instants is plain integer
arithmetic; local wall-clock strings appear only at the edges (documents, invites).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
Instant = int  # minutes since the Unix epoch, UTC


def instant_of_utc(value: dt.datetime) -> Instant:
    return int((value - EPOCH).total_seconds() // 60)


def utc_of_instant(value: Instant) -> dt.datetime:
    return EPOCH + dt.timedelta(minutes=value)


def load_zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; raises ValueError with a plain message if unknown."""
    # IANA names are short and plain; anything else must not reach the file system
    # (a long name raised OSError "File name too long", "Europe" IsADirectoryError).
    if not _ZONE_NAME.fullmatch(name):
        raise ValueError(f"unknown time zone {name[:80]!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r}") from None


_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+){0,3}")


@dataclass(frozen=True)
class Clock:
    """Converts between local wall-clock times of one zone and instants."""

    zone_name: str
    zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "zone", load_zone(self.zone_name))

    # ---- local → instant --------------------------------------------------------
    def exists(self, local: dt.datetime) -> bool:
        aware = local.replace(tzinfo=self.zone, fold=0)
        back = aware.astimezone(dt.UTC).astimezone(self.zone).replace(tzinfo=None)
        return back == local

    def is_ambiguous(self, local: dt.datetime) -> bool:
        a = local.replace(tzinfo=self.zone, fold=0).utcoffset()
        b = local.replace(tzinfo=self.zone, fold=1).utcoffset()
        return self.exists(local) and a != b

    def is_clear(self, local: dt.datetime) -> bool:
        """The local time exists and occurs once."""
        return self.exists(local) and not self.is_ambiguous(local)

    def instant(self, local: dt.datetime, edge: str = "start") -> Instant:
        """The instant of a local time, by the spec's rule for window edges.

        A time that does not exist moves forward to the first time that does; a time
        that occurs twice is the earlier instant for a start and the later for an end.
        """
        if not self.exists(local):
            probe = local
            while not self.exists(probe):  # a gap is at most a few hours
                probe += dt.timedelta(minutes=1)
            local = probe
        fold = 1 if edge == "end" and self.is_ambiguous(local) else 0
        return instant_of_utc(local.replace(tzinfo=self.zone, fold=fold).astimezone(dt.UTC))

    def day_start(self, day: dt.date) -> Instant:
        return self.instant(dt.datetime.combine(day, dt.time()), "start")

    # ---- instant → local --------------------------------------------------------
    def local(self, value: Instant) -> dt.datetime:
        return utc_of_instant(value).astimezone(self.zone).replace(tzinfo=None)

    def local_str(self, value: Instant) -> str:
        return self.local(value).strftime("%Y-%m-%dT%H:%M")

    def local_date(self, value: Instant) -> dt.date:
        return self.local(value).date()

    def minute_of_day(self, value: Instant) -> int:
        t = self.local(value)
        return t.hour * 60 + t.minute

    # ---- clock changes ----------------------------------------------------------
    def transitions(self, first: dt.date, last: dt.date) -> list[tuple[Instant, int]]:
        """(instant, change of offset in minutes) for each clock change in [first, last]."""
        out = []
        day = first - dt.timedelta(days=1)
        while day <= last + dt.timedelta(days=1):
            t0 = self.day_start(day)
            t1 = self.day_start(day + dt.timedelta(days=1))
            off0 = self._offset(t0)
            off1 = self._offset(t1)
            if off0 != off1:
                lo, hi = t0, t1  # binary search for the first instant with the new offset
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    if self._offset(mid) == off0:
                        lo = mid
                    else:
                        hi = mid
                out.append((hi, off1 - off0))
            day += dt.timedelta(days=1)
        return out

    def _offset(self, value: Instant) -> int:
        off = utc_of_instant(value).astimezone(self.zone).utcoffset()
        assert off is not None
        return int(off.total_seconds() // 60)

    def window_is_clear(self, start: Instant, end: Instant) -> bool:
        """No local time inside [start, end) is missing or occurs twice."""
        for at, change in self._transitions_near(start, end):
            if change > 0 and start < at < end:  # spring forward: the gap lies inside
                return False
            if change < 0 and start < at - change and end > at + change:  # repeated hour
                return False
        return True

    def _transitions_near(self, start: Instant, end: Instant) -> list[tuple[Instant, int]]:
        first = self.local_date(start) - dt.timedelta(days=1)
        last = self.local_date(end) + dt.timedelta(days=1)
        return self.transitions(first, last)


@dataclass(frozen=True)
class Horizon:
    """The horizon's first and last dates as instants: [start 00:00, (end+1) 00:00)."""

    clock: Clock
    first: dt.date
    last: dt.date

    @cached_property
    def start(self) -> Instant:
        return self.clock.day_start(self.first)

    @cached_property
    def end(self) -> Instant:
        return self.clock.day_start(self.last + dt.timedelta(days=1))

    def days(self) -> list[dt.date]:
        n = (self.last - self.first).days + 1
        return [self.first + dt.timedelta(days=i) for i in range(n)]
