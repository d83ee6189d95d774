"""Rule 10: which pinned meetings still keep every hard rule under today's data.

A pinned meeting is checked on its own against the options (rules 1–6 and the
availability part of rule 3), then against the pins already kept by the cross-meeting
rules of `occupancy.py` (rooms, waiting rooms, keep-apart, facilitators' overlaps and
travel, workload). A pin that fails is
released: treated as confirmed, with a `PIN_RELEASED` warning saying why.
"""

from __future__ import annotations

from scheduler.domain import Meeting
from scheduler.engine.occupancy import Engagement, Occupancy
from scheduler.engine.options import Options


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


def pin_clash(options: Options, occ: Occupancy, pin: Engagement) -> str | None:
    """Why `pin` breaks a cross-meeting rule against the pins kept so far (`occ`), or None."""
    held = occ.venue_rooms(pin)
    if held:
        return f"{held[0]} is also used by pinned meeting of {held[1]}"
    pair = occ.keep_apart(pin)
    if pair:
        return f"keep-apart pair {pair[0]}/{pair[1]} would meet pinned meeting of {pair[2]}"
    for f in pin.facilitators:
        other = occ.facilitator_no_overlap(pin, f)
        if other:
            return f"facilitator {f} is also on pinned meeting of {other}"
        other = occ.travel_between_venues(pin, f)
        if other:
            return f"facilitator {f} cannot travel from pinned meeting of {other} in time"
        full = occ.workload(f, pin.day)
        if full:
            fac = options.problem.facilitator_by_id[f]
            cap = fac.max_meetings_per_day if full == "day" else fac.max_meetings_per_week
            return f"facilitator {f} would exceed {cap} meetings that {full}"
    return None


def check_pins(options: Options, pins: list[Meeting]) -> tuple[list[Meeting], dict[str, str]]:
    """(pins kept, {case id: why released}); pins are kept greedily in start order."""
    problem = options.problem
    occ = Occupancy(options)
    kept: list[Meeting] = []
    released: dict[str, str] = {}
    for m in sorted(pins, key=lambda m: (m.start, m.case)):
        why = pin_problem(options, m)
        if why is None:
            case = problem.case_by_id[m.case]
            pin = Engagement.planned(
                options.clock,
                options.timing,
                case,
                options.clock.instant(m.start),
                venue=m.venue,
                room=m.room,
                waiting_rooms={a.waiting_room for a in m.attendance},
                facilitators=m.facilitators,
            )
            why = pin_clash(options, occ, pin)
            if why is None:
                occ.hold(pin)
                kept.append(m)
        if why is not None:
            released[m.case] = why
    return kept, released
