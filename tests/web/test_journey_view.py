"""The pure journey view: a case's steps in order, and sessions as timeline blocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from scheduler.journey_view import journey_rows, session_blocks
from scheduler.web_services.views import case_states
from tests.invites.journeys_helpers import journeys_plan, journeys_problem


def test_a_journey_is_its_sessions_by_start_then_the_conference() -> None:
    problem, plan = journeys_problem(), journeys_plan()
    for case in problem.cases:
        rows = journey_rows(problem, plan, case.id)
        assert len(rows) == len(case.sessions) + (1 if case.conference else 0)
        if case.conference:
            assert rows[-1].kind == "conference"
        starts = [r.start for r in rows if r.start is not None]
        assert starts == sorted(starts)
        for r in rows:
            assert r.state in {"proposed", "confirmed", "pinned", "not placed"}


def test_unplaced_sessions_come_after_the_placed_ones_in_the_cases_order() -> None:
    problem = journeys_problem()

    def drop(doc: dict[str, Any]) -> None:
        doc["sessions"] = [s for s in doc["sessions"] if s["session"] != "C1-P1-1"]

    rows = journey_rows(problem, journeys_plan(drop), "C1")
    assert [r.step for r in rows] == [
        "Session C1-P2-1",
        "Session C1-P1-2",
        "Session C1-P1-1",
        "Conference",
    ]
    assert rows[2].state == "not placed"
    assert rows[2].mode == "session at a venue or home visit"


def test_rows_name_people_and_places() -> None:
    problem, plan = journeys_problem(), journeys_plan()
    rows = {r.session_id: r for r in journey_rows(problem, plan, "C5")}
    video = rows["C5-P12-1"]
    assert (video.mode, video.place) == ("video call", "video or phone call")
    assert video.facilitators == "Sarah Evans (lead), Ayesha Iqbal"
    assert rows["C5-P13-2"].place == "Handsworth Police Station, room R1"
    assert rows["C5-P12-2"].place.endswith("'s home")
    assert rows["C5-P12-2"].who.startswith("Victim: ")


def test_session_blocks_of_one_facilitator_by_kind_and_nobody_named() -> None:
    problem, plan = journeys_problem(), journeys_plan()
    monday = dt.date(2027, 3, 29)
    days = session_blocks(problem, plan.sessions, monday, facilitator_id="F1")
    blocks = [b for day in days.values() for b in day]
    assert {b.kind for b in blocks} == {"video", "venue", "home"}
    expected = {
        s.session
        for s in plan.sessions
        if "F1" in s.facilitators and monday <= s.start.date() < monday + dt.timedelta(days=7)
    }
    assert {b.session_id for b in blocks} == expected
    names = [p.name for c in problem.cases for p in c.parties]
    for b in blocks:
        assert b.label.startswith(b.kind_words.capitalize())
        assert not any(n in b.label for n in names)
    every = session_blocks(problem, plan.sessions, monday)
    assert sum(map(len, every.values())) >= len(blocks)
    at_v3 = session_blocks(problem, plan.sessions, monday, venue_id="V3")
    assert all(b.kind == "venue" for day in at_v3.values() for b in day)


def test_a_case_without_a_conference_is_scheduled_by_its_sessions() -> None:
    problem, plan = journeys_problem(), journeys_plan()
    states = case_states(problem, plan)
    assert states["C3"].state == "scheduled"
    assert states["C3"].meeting is None
    assert states["C3"].start == min(s.start for s in plan.sessions if s.case == "C3")
    assert states["C1"].meeting is not None
    assert states["C9"].state == "unscheduled"


def test_session_changes_say_what_differs_in_words() -> None:
    from scheduler.journey_changes import session_changes
    from tests.invites.journeys_helpers import session_doc, shift_session

    problem, confirmed = journeys_problem(), journeys_plan()

    def edit(doc: dict[str, Any]) -> None:
        shift_session(session_doc(doc, "C6-P14-1"), 1)
        session_doc(doc, "C12-P33-1")["facilitators"] = ["F2"]
        doc["sessions"] = [s for s in doc["sessions"] if s["session"] != "C3-P6-1"]

    draft = journeys_plan(edit)
    changes = {
        c.session_id: c for c in session_changes(problem, confirmed.sessions, draft.sessions)
    }
    assert set(changes) == {"C6-P14-1", "C12-P33-1", "C3-P6-1"}
    assert changes["C3-P6-1"].change == "dropped"
    moved = changes["C6-P14-1"]
    assert moved.change == "changed"
    assert moved.details == [
        "Time: was Sat 13 Mar 2027 13:30–14:30; now Sun 14 Mar 2027 13:30–14:30"
    ]
    assert changes["C12-P33-1"].details == ["Lead: was Hodan Warsame; now Ayesha Iqbal"]
    assert session_changes(problem, confirmed.sessions, confirmed.sessions) == []
    new = session_changes(problem, [], confirmed.sessions[:1])[0]
    assert new.change == "new"
    assert any(d.startswith("Where: ") for d in new.details)
