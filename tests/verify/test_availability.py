"""The checker's own "inside one available stretch" test, including the clock changes."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.domain import Availability
from scheduler.timeutil import Clock
from scheduler.verify.avail import is_available

CLOCK = Clock("Europe/London")
FIRST, LAST = dt.date(2027, 3, 1), dt.date(2027, 11, 30)


def _at(text: str, edge: str = "start") -> int:
    return CLOCK.instant(dt.datetime.strptime(text, "%Y-%m-%dT%H:%M"), edge)


def _ok(avail: dict, start: str, end: str) -> bool:
    return is_available(
        Availability.model_validate(avail), CLOCK, FIRST, LAST, _at(start), _at(end)
    )


WEEKDAYS = {
    "weekly": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "17:00"}]
}
ALL_DAY = {"weekly": [{"days": ["sat", "sun"], "from": "00:00", "to": "24:00"}]}


@pytest.mark.parametrize(
    ("avail", "start", "end", "inside"),
    [
        (WEEKDAYS, "2027-03-08T09:00", "2027-03-08T17:00", True),  # exactly the stretch
        (WEEKDAYS, "2027-03-08T08:45", "2027-03-08T10:00", False),
        (WEEKDAYS, "2027-03-08T16:00", "2027-03-09T10:00", False),  # two stretches, a gap between
        (WEEKDAYS, "2027-03-13T10:00", "2027-03-13T11:00", False),  # Saturday
        (ALL_DAY, "2027-03-13T22:00", "2027-03-14T02:00", True),  # Sat 24:00 meets Sun 00:00
        ({}, "2027-03-01T00:00", "2027-12-01T00:00", True),  # always: the whole horizon
        ({}, "2027-02-28T23:00", "2027-03-01T10:00", False),  # ... but not before it
        ({"dates": []}, "2027-03-08T10:00", "2027-03-08T11:00", False),  # given, even empty
        (
            {"unavailable": [{"start": "2027-03-08T12:00", "end": "2027-03-08T13:00"}]},
            "2027-03-08T10:00",
            "2027-03-08T12:00",
            True,
        ),
        (
            {"unavailable": [{"start": "2027-03-08T12:00", "end": "2027-03-08T13:00"}]},
            "2027-03-08T10:00",
            "2027-03-08T12:15",
            False,
        ),
        (
            {**WEEKDAYS, "dates": [{"start": "2027-03-08T17:00", "end": "2027-03-08T19:00"}]},
            "2027-03-08T16:00",
            "2027-03-08T18:00",
            True,
        ),
    ],
)
def test_window_inside_one_stretch(avail, start, end, inside):
    assert _ok(avail, start, end) is inside


def test_edge_in_the_spring_gap_moves_forward():
    # 2027-03-28: 01:00 GMT jumps to 02:00 BST; a stretch "from 01:30" starts at 02:00 BST.
    avail = {"weekly": [{"days": ["sun"], "from": "01:30", "to": "06:00"}]}
    assert _ok(avail, "2027-03-28T02:00", "2027-03-28T06:00")
    assert (
        is_available(
            Availability.model_validate(avail),
            CLOCK,
            FIRST,
            LAST,
            _at("2027-03-28T02:00") - 1,
            _at("2027-03-28T03:00"),
        )
        is False
    )


def test_repeated_hour_start_takes_earlier_and_end_later_instant():
    # 2027-10-31: 01:00–02:00 happens twice. An availability ending "01:30" ends at the later 01:30.
    avail = {"dates": [{"start": "2027-10-31T00:00", "end": "2027-10-31T01:30"}]}
    late = _at("2027-10-31T01:30", "end")
    early = _at("2027-10-31T01:30", "start")
    assert late - early == 60
    a = Availability.model_validate(avail)
    assert is_available(a, CLOCK, FIRST, LAST, _at("2027-10-31T00:00"), late)
    assert not is_available(a, CLOCK, FIRST, LAST, _at("2027-10-31T00:00"), late + 1)
