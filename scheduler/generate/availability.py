"""Availability patterns: bank holidays, weekly windows, one-off dates and absences.

Every time generated here is daytime (07:00 to 24:00) or midnight, so no window edge
ever falls in the hour when the clocks change (01:00 to 02:00 local).
"""

from __future__ import annotations

import datetime as dt
import random

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = DAYS[:5]


def easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _first_monday(year: int, month: int) -> dt.date:
    d = dt.date(year, month, 1)
    return d + dt.timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    d = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=d.weekday())


def bank_holidays(start: dt.date, end: dt.date) -> list[dt.date]:
    """England and Wales bank holidays between start and end inclusive."""
    out: list[dt.date] = []
    for y in range(start.year, end.year + 1):
        e = easter(y)
        new_year = dt.date(y, 1, 1)
        while new_year.weekday() >= 5:
            new_year += dt.timedelta(days=1)
        xmas, boxing = dt.date(y, 12, 25), dt.date(y, 12, 26)
        if xmas.weekday() >= 5:
            xmas, boxing = dt.date(y, 12, 27), dt.date(y, 12, 28)
        elif boxing.weekday() >= 5:
            boxing = dt.date(y, 12, 28)
        out += [
            new_year,
            e - dt.timedelta(days=2),
            e + dt.timedelta(days=1),
            _first_monday(y, 5),
            _last_monday(y, 5),
            _last_monday(y, 8),
            xmas,
            boxing,
        ]
    return sorted(d for d in out if start <= d <= end)


def hm(minutes: int) -> str:
    """Minutes after midnight as HH:MM (1440 is 24:00)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def stamp(day: dt.date, minutes: int = 0) -> str:
    """A local date-time YYYY-MM-DDTHH:MM."""
    return f"{day.isoformat()}T{hm(minutes)}"


def weekly(days: list[str] | tuple[str, ...], start: int, end: int) -> dict:
    """One weekly window (minutes after midnight)."""
    ordered = [d for d in DAYS if d in days]
    return {"days": ordered, "from": hm(start), "to": hm(end)}


def day_block(first: dt.date, n_days: int) -> dict:
    """Whole days [first, first + n) as an unavailable window."""
    return {"start": stamp(first), "end": stamp(first + dt.timedelta(days=n_days))}


def absence(rng: random.Random, start: dt.date, end: dt.date, min_days: int, max_days: int) -> dict:
    """A random leave block of whole days lying inside the horizon."""
    span = (end - start).days
    n = min(rng.randint(min_days, max_days), span)
    first = start + dt.timedelta(days=rng.randint(0, span - n))
    return day_block(first, n)


def holiday_blocks(days: list[dt.date], end: dt.date) -> list[dict]:
    """Each bank holiday before the horizon's last day as a whole-day unavailable window."""
    return [day_block(d, 1) for d in days if d < end]


def pick_days(rng: random.Random, pool: tuple[str, ...], k: int) -> list[str]:
    """k distinct days from pool, in week order."""
    chosen = set(rng.sample(pool, min(k, len(pool))))
    return [d for d in DAYS if d in chosen]


def horizon_days(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every date of the horizon."""
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def one_off_dates(rng: random.Random, start: dt.date, end: dt.date, n: int) -> list[dict]:
    """n one-off availability windows on distinct days (typical daytime or evening slots)."""
    days = rng.sample(horizon_days(start, end), min(n, (end - start).days + 1))
    out = []
    for d in sorted(days):
        if d.weekday() >= 5:
            a, b = rng.choice(((600, 960), (570, 780), (720, 1020)))
        else:
            a, b = rng.choice(((540, 780), (780, 1080), (1020, 1290), (600, 900), (540, 1020)))
        out.append({"start": stamp(d, a), "end": stamp(d, b)})
    return out


def party_availability(
    rng: random.Random, start: dt.date, end: dt.date, age: int | None, retired: bool
) -> dict | None:
    """Availability for a victim, offender or supporter (None means always)."""
    r = rng.random()
    if r < 0.45:
        avail: dict = {}
    elif r < 0.91:
        w: list[dict] = []
        if retired:
            w.append(weekly(WEEKDAYS, 570, 960))
            if rng.random() < 0.5:
                w.append(weekly(["sat"], 600, 840))
        elif age is not None and age < 18:
            w.append(weekly(WEEKDAYS, 960, 1230))
            w.append(weekly(["sat"], 600, 960))
        else:
            kind = rng.random()
            if kind < 0.35:
                w.append(weekly(WEEKDAYS, 540, 1020))
                if rng.random() < 0.85:
                    w.append(weekly(["sat"], 600, 840))
            elif kind < 0.70:
                w.append(weekly(pick_days(rng, WEEKDAYS, 4), 1020, 1290))
                w.append(weekly(["sat"], 540, 1020))
                if rng.random() < 0.3:
                    w.append(weekly(["sun"], 660, 960))
            else:
                w.append(
                    weekly(
                        pick_days(rng, WEEKDAYS, rng.randint(2, 3)),
                        *rng.choice(((540, 1020), (600, 930), (720, 1200))),
                    )
                )
                if rng.random() < 0.7:
                    w.append(weekly(["sat"], 600, 900))
        avail = {"weekly": w}
    else:
        avail = {"dates": one_off_dates(rng, start, end, rng.randint(6, 10))}
    if rng.random() < 0.12:
        avail["unavailable"] = [absence(rng, start, end, 3, 10)]
    return avail or None
