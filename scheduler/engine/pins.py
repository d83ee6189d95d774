"""Rule 10: which pinned meetings still keep every hard rule under today's data.

A pinned meeting is checked on its own against the options (rules 1–6 and the
availability part of rule 3), then against the pins already kept (rooms, waiting
rooms, facilitators' overlaps and travel, keep-apart, workload). A pin that fails is
released: treated as confirmed, with a `PIN_RELEASED` warning saying why.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.domain import Meeting
from scheduler.engine.options import Options
from scheduler.geo import haversine_km, travel_minutes


@dataclass(frozen=True)
class _Placed:
    meeting: Meeting
    start: int
    lo: int  # on-site window [lo, hi)
    hi: int
    day: object
    week: object


def pin_problem(options: Options, m: Meeting) -> str | None:
    """Why this pinned meeting breaks a hard rule on its own, or None if it keeps them all."""
    problem = options.problem
    case = problem.case_by_id.get(m.case)
    opts = options.cases.get(m.case)
    if case is None or opts is None:
        return f"case {m.case} is no longer in the problem"
    if opts.ineligible:
        return "; ".join(r.message for r in opts.ineligible)
    venue = problem.venue_by_id.get(m.venue)
    if venue is None or m.venue not in opts.venues:
        return f"venue {m.venue} is no longer safe or suitable for this case"
    if m.room not in opts.rooms.get(m.venue, ()):
        return f"room {m.room} at {m.venue} is missing or too small"
    s = options.clock.instant(m.start)
    if options.clock.local_str(s) != m.start.strftime("%Y-%m-%dT%H:%M"):
        return f"start {m.start:%Y-%m-%dT%H:%M} does not exist locally"
    if s + case.duration_minutes != options.clock.instant(m.end, "end"):
        return "the meeting's length no longer matches the case's duration"
    if s not in opts.attendee_starts:
        return "an attendee is no longer available, or the time is outside the case's dates"
    if s not in opts.venue_starts.get(m.venue, ()):
        return f"venue {m.venue} is not available then"
    if not opts.team.team_ok(m.lead, m.co_facilitators) or len(set(m.facilitators)) != len(
        m.facilitators
    ):
        return "the team no longer meets the facilitator rules"
    for f in m.facilitators:
        if s not in opts.facilitator_starts.get(f, ()):
            return f"facilitator {f} is not available then"
        if m.venue not in opts.reach.get(f, frozenset()):
            return f"venue {m.venue} is beyond facilitator {f}'s travel limit"
    rooms: dict[str, str] = {}
    doors: dict[str, str | None] = {}
    for a in m.attendance:
        rooms.setdefault(a.side, a.waiting_room)
        doors.setdefault(a.side, a.entrance)
    if set(rooms) != {"victim", "offender"} or rooms["victim"] == rooms["offender"]:
        return "the meeting does not give each side its own waiting room"
    if not set(rooms.values()) <= set(venue.waiting_rooms):
        return "a waiting room no longer exists at the venue"
    if venue.entrances and not all(d in venue.entrances for d in doors.values()):
        return "an entrance no longer exists at the venue"
    if case.requires_separate_entrances and doors["victim"] == doors["offender"]:
        return "the case needs separate entrances"
    return None


def _clash(options: Options, a: _Placed, b: _Placed) -> str | None:
    problem = options.problem
    ma, mb = a.meeting, b.meeting
    overlap = a.lo < b.hi and b.lo < a.hi
    if overlap and ma.venue == mb.venue:
        if ma.room == mb.room:
            return f"room {ma.room} is also used by pinned meeting of {mb.case}"
        wa = {x.waiting_room for x in ma.attendance}
        wb = {x.waiting_room for x in mb.attendance}
        if wa & wb:
            return f"a waiting room is also used by pinned meeting of {mb.case}"
        pa = {x.party for x in ma.attendance}
        pb = {x.party for x in mb.attendance}
        for p, q in problem.keep_apart:
            if (p in pa and q in pb) or (q in pa and p in pb):
                return f"keep-apart pair {p}/{q} would meet pinned meeting of {mb.case}"
    for f in set(ma.facilitators) & set(mb.facilitators):
        if overlap:
            return f"facilitator {f} is also on pinned meeting of {mb.case}"
        if a.day == b.day and ma.venue != mb.venue:
            km = haversine_km(
                problem.venue_by_id[ma.venue].location, problem.venue_by_id[mb.venue].location
            )
            gap = max(a.lo, b.lo) - min(a.hi, b.hi)
            if gap < travel_minutes(km, problem.policy.travel_speed_kmh):
                return f"facilitator {f} cannot travel from pinned meeting of {mb.case} in time"
    return None


def check_pins(options: Options, pins: list[Meeting]) -> tuple[list[Meeting], dict[str, str]]:
    """(pins kept, {case id: why released}); pins are kept greedily in start order."""
    problem = options.problem
    kept: list[_Placed] = []
    released: dict[str, str] = {}
    for m in sorted(pins, key=lambda m: (m.start, m.case)):
        why = pin_problem(options, m)
        if why is None:
            case = problem.case_by_id[m.case]
            s = options.clock.instant(m.start)
            lo, hi = options.timing.hull(case, s)
            day = options.clock.local_date(s)
            placed = _Placed(m, s, lo, hi, day, day.isocalendar()[:2])
            for other in kept:
                why = _clash(options, placed, other)
                if why:
                    break
            if why is None:
                why = _over_workload(options, placed, kept)
        if why is None:
            kept.append(placed)
        else:
            released[m.case] = why
    return [p.meeting for p in kept], released


def _over_workload(options: Options, new: _Placed, kept: list[_Placed]) -> str | None:
    for f in new.meeting.facilitators:
        fac = options.problem.facilitator_by_id[f]
        mine = [k for k in kept if f in k.meeting.facilitators]
        cap = fac.max_meetings_per_day
        if cap is not None and 1 + sum(k.day == new.day for k in mine) > cap:
            return f"facilitator {f} would exceed {cap} meetings that day"
        cap = fac.max_meetings_per_week
        if cap is not None and 1 + sum(k.week == new.week for k in mine) > cap:
            return f"facilitator {f} would exceed {cap} meetings that week"
    return None
