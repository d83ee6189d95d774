"""Turn a CP-SAT solution into plan meetings: rooms, waiting rooms, entrances, attendance."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from scheduler.domain import Attendance, Case, Meeting, Side, Venue, Window
from scheduler.engine.model import CaseVars, Model
from scheduler.engine.time_rules import Timing
from scheduler.timeutil import Clock


@dataclass(frozen=True)
class Chosen:
    """One scheduled case as the solver left it."""

    case_id: str
    start: int
    venue: str
    room: str
    lead: str
    cos: tuple[str, ...]
    waiting: tuple[str, str] | None  # (victim side, offender side) when fixed in the model


def chosen(m: Model, solver: cp_model.CpSolver) -> list[Chosen]:
    out = []
    for cid, cv in m.cases.items():
        if not solver.value(cv.sched):
            continue
        venue = next(v for v, lit in cv.y.items() if solver.value(lit))
        room = next(r for (v, r), lit in cv.room.items() if v == venue and solver.value(lit))
        lead = next(f for f, lit in cv.lead.items() if solver.value(lit))
        cos = tuple(sorted(f for f, lit in cv.x.items() if solver.value(lit) and f != lead))
        out.append(
            Chosen(
                cid,
                solver.value(cv.start),
                venue,
                room,
                lead,
                cos,
                _fixed_waiting(cv, venue, solver),
            )
        )
    return out


def _fixed_waiting(cv: CaseVars, venue: str, solver: cp_model.CpSolver) -> tuple[str, str] | None:
    held = [w for (v, w), lit in cv.wait.items() if v == venue and solver.value(lit)]
    if not held:
        return None
    if cv.pinned is not None and cv.pinned.venue == venue:
        side_room = {a.side: a.waiting_room for a in cv.pinned.attendance}
        if set(side_room.values()) == set(held):
            return side_room["victim"], side_room["offender"]
    return held[0], held[1]


def colour_waiting_rooms(m: Model, picks: list[Chosen]) -> dict[str, tuple[str, str]]:
    """Name the two waiting rooms of each meeting by a sweep in start order (see rules.venue_rooms)."""
    out: dict[str, tuple[str, str]] = {}
    by_venue: dict[str, list[Chosen]] = defaultdict(list)
    for c in picks:
        if c.waiting is not None:
            out[c.case_id] = c.waiting
        else:
            by_venue[c.venue].append(c)
    for v, items in by_venue.items():
        rooms = m.problem.venue_by_id[v].waiting_rooms
        busy: list[tuple[int, str]] = []  # (free again at, room)
        for c in sorted(items, key=lambda c: c.start):
            cv = m.cases[c.case_id]
            lo = c.start - cv.before
            busy = [(end, r) for end, r in busy if end > lo]
            taken = {r for _, r in busy}
            free = [r for r in rooms if r not in taken]
            if len(free) < 2:  # impossible when the cumulative holds; fail loudly
                raise RuntimeError(f"no two free waiting rooms at {v} for {c.case_id}")
            out[c.case_id] = (free[0], free[1])
            busy += [(lo + cv.length, free[0]), (lo + cv.length, free[1])]
    return out


def entrances(venue: Venue, separate: bool) -> dict[Side, str | None]:
    """Separate sides get different doors; otherwise everyone uses the first named door."""
    doors = venue.entrances or []
    if not doors:
        return {"victim": None, "offender": None}
    if separate and len(doors) >= 2:
        return {"victim": doors[0], "offender": doors[1]}
    return {"victim": doors[0], "offender": doors[0]}


def to_meeting(m: Model, c: Chosen, waiting: tuple[str, str], status: str) -> Meeting:
    clock = m.options.clock
    timing = m.options.timing
    cv = m.cases[c.case_id]
    case = cv.case
    venue = m.problem.venue_by_id[c.venue]
    doors = entrances(venue, case.requires_separate_entrances)
    if cv.pinned is not None and status == "pinned":
        doors = {a.side: a.entrance for a in cv.pinned.attendance}  # type: ignore[misc]
    return build_meeting(
        clock,
        timing,
        case,
        start=c.start,
        venue=c.venue,
        room=c.room,
        lead=c.lead,
        cos=c.cos,
        waiting=waiting,
        doors=doors,
        status=status,
    )


def build_meeting(
    clock: Clock,
    timing: Timing,
    case: Case,
    *,
    start: int,
    venue: str,
    room: str,
    lead: str,
    cos: Sequence[str],
    waiting: tuple[str, str],
    doors: Mapping[Side, str | None],
    status: str,
) -> Meeting:
    """The plan meeting for one placement: every attendee's row and the on-site window."""
    rooms: dict[Side, str] = {"victim": waiting[0], "offender": waiting[1]}
    rows = []
    for p in case.attendees:
        side = case.side_of(p)
        assert side is not None
        a, b = timing.side_window(case, side, start)
        row: dict[str, Any] = {
            "party": p.id,
            "side": side,
            "waiting_room": rooms[side],
            "arrive": clock.local(a),
            "leave": clock.local(b),
        }
        if doors.get(side) is not None:
            row["entrance"] = doors[side]
        rows.append(Attendance(**row))
    lo, hi = timing.staff_window(case, start)
    return Meeting(
        case=case.id,
        status=status,  # type: ignore[arg-type]
        start=clock.local(start),
        end=clock.local(start + case.duration_minutes),
        venue=venue,
        room=room,
        lead=lead,
        co_facilitators=list(cos),
        facilitators_on_site=Window(start=clock.local(lo), end=clock.local(hi)),
        attendance=rows,
    )
