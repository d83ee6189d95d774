"""Availability expansion, in particular across the clock changes (Europe/London 2027)."""

from __future__ import annotations

import datetime as dt

from scheduler.availability import expand
from scheduler.domain import Availability
from scheduler.timeutil import Clock, Horizon

LONDON = Clock("Europe/London")
SPRING = dt.date(2027, 3, 28)  # clocks go forward at 01:00 GMT
AUTUMN = dt.date(2027, 10, 31)  # clocks go back at 02:00 BST


def horizon(first: dt.date, last: dt.date) -> Horizon:
    return Horizon(LONDON, first, last)


def avail(doc: dict) -> Availability:
    return Availability.model_validate(doc)


def at(text: str, edge: str = "start") -> int:
    return LONDON.instant(dt.datetime.fromisoformat(text), edge)


def lengths(av: dict, first: dt.date, last: dt.date) -> list[int]:
    return [b - a for a, b in expand(avail(av), LONDON, horizon(first, last)).intervals]


ALL_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def test_office_hours_are_eight_real_hours_around_both_changes():
    for change in (SPRING, AUTUMN):
        weekly = {"weekly": [{"days": ALL_DAYS, "from": "09:00", "to": "17:00"}]}
        got = lengths(weekly, change - dt.timedelta(days=1), change + dt.timedelta(days=1))
        assert got == [480, 480, 480]


def test_whole_day_on_spring_change_is_23_hours():
    whole = {"weekly": [{"days": ["sun"], "from": "00:00", "to": "24:00"}]}
    assert lengths(whole, SPRING, SPRING) == [23 * 60]


def test_whole_day_on_autumn_change_is_25_hours():
    whole = {"weekly": [{"days": ["sun"], "from": "00:00", "to": "24:00"}]}
    assert lengths(whole, AUTUMN, AUTUMN) == [25 * 60]


def test_dates_edge_in_spring_gap_moves_forward_to_two():
    av = {"dates": [{"start": "2027-03-28T01:30", "end": "2027-03-28T05:00"}]}
    ((start, end),) = expand(avail(av), LONDON, horizon(SPRING, SPRING)).intervals
    assert LONDON.local_str(start) == "2027-03-28T02:00"
    assert start == at("2027-03-28T02:00")
    assert end - start == 3 * 60


def test_ambiguous_edges_start_early_and_end_late():
    av = {"dates": [{"start": "2027-10-31T01:30", "end": "2027-10-31T01:45"}]}
    ((start, end),) = expand(avail(av), LONDON, horizon(AUTUMN, AUTUMN)).intervals
    # 01:30 BST (the first) to 01:45 GMT (the second): 75 real minutes.
    assert end - start == 75
    assert start == at("2027-10-31T00:30") + 60
    assert end == at("2027-10-31T03:00") - 75


def test_unavailable_alone_means_always_except():
    av = {"unavailable": [{"start": "2027-03-10T00:00", "end": "2027-03-11T00:00"}]}
    h = horizon(dt.date(2027, 3, 8), dt.date(2027, 3, 14))
    got = expand(avail(av), LONDON, h).intervals
    assert got == ((h.start, at("2027-03-10T00:00")), (at("2027-03-11T00:00"), h.end))


def test_absent_availability_is_the_whole_horizon_including_clock_change():
    h = horizon(dt.date(2027, 3, 27), dt.date(2027, 3, 29))
    assert expand(avail({}), LONDON, h).intervals == ((h.start, h.end),)
    assert h.end - h.start == 3 * 24 * 60 - 60


def test_empty_weekly_means_never_except_dates():
    h = horizon(dt.date(2027, 3, 8), dt.date(2027, 3, 14))
    assert not expand(avail({"weekly": []}), LONDON, h)
    av = {"weekly": [], "dates": [{"start": "2027-03-09T10:00", "end": "2027-03-09T12:00"}]}
    assert expand(avail(av), LONDON, h).intervals == (
        (at("2027-03-09T10:00"), at("2027-03-09T12:00")),
    )


def test_empty_dates_also_means_never():
    h = horizon(dt.date(2027, 3, 8), dt.date(2027, 3, 14))
    assert not expand(avail({"dates": []}), LONDON, h)


def test_unavailable_cuts_weekly_and_contains_uses_one_stretch():
    av = {
        "weekly": [{"days": ["mon"], "from": "09:00", "to": "17:00"}],
        "unavailable": [{"start": "2027-03-08T12:00", "end": "2027-03-08T13:00"}],
    }
    s = expand(avail(av), LONDON, horizon(dt.date(2027, 3, 8), dt.date(2027, 3, 8)))
    assert s.contains(at("2027-03-08T09:00"), at("2027-03-08T12:00"))
    assert not s.contains(at("2027-03-08T11:00"), at("2027-03-08T14:00"))


def test_adjacent_patterns_merge_into_one_stretch():
    av = {
        "weekly": [
            {"days": ["mon"], "from": "09:00", "to": "12:00"},
            {"days": ["mon"], "from": "12:00", "to": "17:00"},
        ]
    }
    assert lengths(av, dt.date(2027, 3, 8), dt.date(2027, 3, 8)) == [480]


def test_window_is_clear_around_changes():
    assert not LONDON.window_is_clear(at("2027-03-28T00:30"), at("2027-03-28T03:00"))
    assert LONDON.window_is_clear(at("2027-03-28T02:00"), at("2027-03-28T05:00"))
    assert not LONDON.window_is_clear(at("2027-10-31T00:30"), at("2027-10-31T01:15"))
    assert LONDON.window_is_clear(at("2027-10-31T03:00"), at("2027-10-31T05:00"))
