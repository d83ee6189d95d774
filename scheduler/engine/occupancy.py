"""The cross-meeting rules in Python: what fixed engagements hold, and what they forbid.

An *engagement* is a block of time that holds people and perhaps a place: today a
meeting (its room and two waiting rooms for the on-site window, its facilitators for
their on-site window, each attending party for its side's presence window). Each rule
that depends on other meetings is one function here over engagements, named after its
CP-SAT form in `rules.py`:

- `venue_rooms` (rule 4): a room or waiting room used by two engagements at once;
- `keep_apart` (rule 7): a listed pair present at one venue with overlapping windows;
- `facilitator_no_overlap` (rule 8): a facilitator's on-site windows overlap;
- `travel_between_venues` (rule 8): too little time to travel between two venues of
  a facilitator's engagements on one local date;
- `workload` (rule 9): a facilitator's daily or weekly cap reached.

Case journeys (spec journeys.md) add sessions as engagements (`kind == "session"`,
keyed by session id, with the `place` the facilitators go to, None for video):

- `party_no_overlap` (S6): a party (or supporter) in two overlapping windows;
- `travel_between_places` (S6): too little time between two in-person engagements of
  a facilitator on one local date, by the places (a venue, or a visited home);
- `session_workload` (S7): a facilitator's `max_sessions_per_week` reached.

Sessions hold their room (`venue_rooms`, S4) and their presence at a venue
(`keep_apart`, S5) like conferences; they never count against rule 9's caps.

`Occupancy` indexes fixed engagements and asks these functions; the greedy plan,
single-case moves, `suggest`, the reasons, the pin checks (`pins.py`) and the travel
cuts (`solve.py`) all ask it. The independent checker (`scheduler/verify/`) keeps its
own version on purpose.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from scheduler.domain import Case, Facilitator, Meeting, PlanSession, Problem
from scheduler.engine.time_rules import Timing
from scheduler.geo import haversine_km, travel_minutes
from scheduler.timeutil import Clock, Instant

if TYPE_CHECKING:
    from scheduler.engine.options import Options

Window = tuple[Instant, Instant]


def overlaps(a: Window, b: Window) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass(frozen=True)
class Engagement:
    """One block of time holding people and a place (today: one meeting of a case)."""

    case: str
    venue: str | None  # None: held nowhere (a later session kind may have no place)
    room: str | None
    waiting_rooms: frozenset[str]
    held: Window  # rooms, waiting rooms and the venue are held for this window
    staff: Window  # the facilitators' on-site window
    day: dt.date  # local date of the start (caps and travel count by it)
    facilitators: tuple[str, ...]
    presence: tuple[tuple[str, Instant, Instant], ...]  # (party, arrive, leave)
    kind: str = "conference"  # or "session" (journeys)
    key: str = ""  # the session id for a session ("" for a conference: its case id)
    place: tuple[float, float] | None = None  # (lat, lon) facilitators go to; None: video

    @property
    def ident(self) -> str:
        """The engagement's key in an `Occupancy`: the case id, or the session id."""
        return self.key or self.case

    @property
    def week(self) -> tuple[int, int]:
        iso = self.day.isocalendar()
        return iso[0], iso[1]

    @classmethod
    def of_meeting(cls, clock: Clock, m: Meeting) -> Engagement:
        """Read from the meeting itself, so meetings of cases no longer in the problem
        still hold their rooms and people."""
        lo = clock.instant(m.facilitators_on_site.start)
        hi = clock.instant(m.facilitators_on_site.end, "end")
        rows = [
            (a.party, clock.instant(a.arrive), clock.instant(a.leave, "end")) for a in m.attendance
        ]
        return cls(
            case=m.case,
            venue=m.venue,
            room=m.room,
            waiting_rooms=frozenset(a.waiting_room for a in m.attendance),
            held=(min([lo, *(r[1] for r in rows)]), max([hi, *(r[2] for r in rows)])),
            staff=(lo, hi),
            day=m.start.date(),
            facilitators=tuple(dict.fromkeys(m.facilitators)),
            presence=tuple(rows),
        )

    @classmethod
    def of_session(cls, clock: Clock, problem: Problem, row: PlanSession) -> Engagement:
        """A plan's session, read from its row: the facilitators' on-site window, the
        session's party and consenting supporters for its start and end (none when the
        case or session is no longer in the problem), and where the facilitators go."""
        lo = clock.instant(row.on_site.start)
        hi = clock.instant(row.on_site.end, "end")
        s, e = clock.instant(row.start), clock.instant(row.end, "end")
        case = problem.case_by_id.get(row.case)
        session = next((x for x in case.sessions if x.id == row.session), None) if case else None
        people = case.session_attendees(session) if case and session else []
        place: tuple[float, float] | None = None
        if row.mode == "venue" and row.venue in problem.venue_by_id:
            loc = problem.venue_by_id[row.venue].location
            place = (loc.lat, loc.lon)
        elif row.mode == "home" and session is not None and case is not None:
            party = case.party(session.party)
            if party is not None and party.home is not None:
                place = (party.home.lat, party.home.lon)
        return cls(
            case=row.case,
            venue=row.venue if row.mode == "venue" else None,
            room=row.room if row.mode == "venue" else None,
            waiting_rooms=frozenset(),
            held=(lo, hi),
            staff=(lo, hi),
            day=row.start.date(),
            facilitators=tuple(dict.fromkeys(row.facilitators)),
            presence=tuple((p.id, s, e) for p in people),
            kind="session",
            key=row.session,
            place=place,
        )

    @classmethod
    def planned(
        cls,
        clock: Clock,
        timing: Timing,
        case: Case,
        s: Instant,
        *,
        venue: str,
        room: str | None = None,
        waiting_rooms: Iterable[str] = (),
        facilitators: Iterable[str] = (),
    ) -> Engagement:
        """A meeting of `case` starting at `s`, with windows from the policy (rule 3)."""
        presence = []
        for p in case.attendees:
            side = case.side_of(p)
            if side is not None:
                presence.append((p.id, *timing.side_window(case, side, s)))
        return cls(
            case=case.id,
            venue=venue,
            room=room,
            waiting_rooms=frozenset(waiting_rooms),
            held=timing.hull(case, s),
            staff=timing.staff_window(case, s),
            day=clock.local_date(s),
            facilitators=tuple(dict.fromkeys(facilitators)),
            presence=tuple(presence),
        )


# --------------------------------------------------------------------- the rules


def venue_rooms(a: Engagement, b: Engagement) -> str | None:
    """Rule 4: what `a` and `b` both use at once ("room R", "waiting room W"), or None."""
    if a.venue is None or a.venue != b.venue or not overlaps(a.held, b.held):
        return None
    if a.room is not None and a.room == b.room:
        return f"room {a.room}"
    shared = sorted(a.waiting_rooms & b.waiting_rooms)
    return f"waiting room {shared[0]}" if shared else None


def keep_apart(
    a: Engagement, b: Engagement, partners: dict[str, set[str]]
) -> tuple[str, str] | None:
    """Rule 7: a keep-apart pair (party of a, party of b) at one venue at once, or None."""
    if a.venue is None or a.venue != b.venue:
        return None
    for p, p_lo, p_hi in a.presence:
        mates = partners.get(p)
        if not mates:
            continue
        for q, q_lo, q_hi in b.presence:
            if q in mates and p_lo < q_hi and q_lo < p_hi:
                return p, q
    return None


def facilitator_no_overlap(a: Engagement, b: Engagement) -> str | None:
    """Rule 8: a facilitator of both whose on-site windows overlap, or None."""
    if not overlaps(a.staff, b.staff):
        return None
    common = [f for f in a.facilitators if f in b.facilitators]
    return common[0] if common else None


def travel_between_venues(a: Engagement, b: Engagement, minutes: int) -> bool:
    """Rule 8: one facilitator's two engagements on one local date at different venues,
    `minutes` apart by road, leave too little time to get from one to the other."""
    if a.day != b.day or a.venue is None or b.venue is None or a.venue == b.venue:
        return False
    gap = max(a.staff[0], b.staff[0]) - min(a.staff[1], b.staff[1])
    return gap < minutes


def travel_between_places(a: Engagement, b: Engagement, minutes: int) -> bool:
    """S6: one facilitator's two in-person engagements on one local date, `minutes` apart
    by road (venue or visited home), leave too little time to get from one to the other."""
    if a.day != b.day or a.place is None or b.place is None or overlaps(a.staff, b.staff):
        return False
    gap = max(a.staff[0], b.staff[0]) - min(a.staff[1], b.staff[1])
    return gap < minutes


def party_no_overlap(a: Engagement, b: Engagement) -> str | None:
    """S6: a party present in both engagements with overlapping windows, or None."""
    for p, lo, hi in a.presence:
        for q, qlo, qhi in b.presence:
            if p == q and lo < qhi and qlo < hi:
                return p
    return None


def session_workload(fac: Facilitator, in_week: int) -> bool:
    """S7: one more session that ISO week would exceed `max_sessions_per_week`."""
    return fac.max_sessions_per_week is not None and in_week >= fac.max_sessions_per_week


def workload(fac: Facilitator, on_day: int, in_week: int) -> str | None:
    """Rule 9: "day" or "week" when one more engagement would exceed that cap, else None."""
    if fac.max_meetings_per_day is not None and on_day >= fac.max_meetings_per_day:
        return "day"
    if fac.max_meetings_per_week is not None and in_week >= fac.max_meetings_per_week:
        return "week"
    return None


def partners_of(problem: Problem) -> dict[str, set[str]]:
    """Party → its keep-apart partners (both ways)."""
    out: dict[str, set[str]] = defaultdict(set)
    for p, q in problem.keep_apart:
        out[p].add(q)
        out[q].add(p)
    return out


class Travel:
    """Travel minutes between venues (rule 8), each pair worked out once."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self._cache: dict[tuple[str, str], int] = {}

    def minutes(self, v1: str, v2: str) -> int:
        key = (v1, v2) if v1 <= v2 else (v2, v1)
        if key not in self._cache:
            vb = self.problem.venue_by_id
            km = haversine_km(vb[v1].location, vb[v2].location)
            self._cache[key] = travel_minutes(km, self.problem.policy.travel_speed_kmh)
        return self._cache[key]

    def between(self, a: tuple[float, float], b: tuple[float, float]) -> int:
        """Travel minutes between two places given as (lat, lon) (S6)."""
        from scheduler.domain import Location

        km = haversine_km(Location(lat=a[0], lon=a[1]), Location(lat=b[0], lon=b[1]))
        return travel_minutes(km, self.problem.policy.travel_speed_kmh)


# --------------------------------------------------------------------- the index


class Occupancy:
    """Fixed engagements, indexed by venue, facilitator and party, and the rules against them."""

    def __init__(self, options: Options, meetings: Iterable[Meeting] = ()) -> None:
        self.options = options
        self.problem = problem = options.problem
        self.clock = options.clock
        self.partners = partners_of(problem)
        self.travel = Travel(problem)
        self.engagements: dict[str, Engagement] = {}
        self.meetings: list[Meeting] = []
        self.at_venue: dict[str, list[Engagement]] = defaultdict(list)
        self.of_facilitator: dict[str, list[Engagement]] = defaultdict(list)
        self.of_party: dict[str, list[Engagement]] = defaultdict(list)
        self.per_day: dict[tuple[str, dt.date], int] = defaultdict(int)
        self.per_week: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
        self.sessions_per_week: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
        self.sessions: dict[str, Engagement] = {}  # journeys: by session id
        for m in meetings:
            self.add(m)

    # ------------------------------------------------------------------ contents

    def add(self, m: Meeting) -> None:
        self.hold(Engagement.of_meeting(self.clock, m))
        self.meetings.append(m)

    def hold(self, e: Engagement) -> None:
        """Add an engagement that is not (yet) a plan meeting (the pin checks use this);
        a session (journeys) counts towards S7, never rule 9."""
        if e.kind == "session":
            self.sessions[e.ident] = e
        else:
            self.engagements[e.case] = e
        if e.venue is not None:
            self.at_venue[e.venue].append(e)
        for f in e.facilitators:
            self.of_facilitator[f].append(e)
            if e.kind == "session":
                self.sessions_per_week[(f, e.week)] += 1
                continue
            self.per_day[(f, e.day)] += 1
            self.per_week[(f, e.week)] += 1
        for p, _, _ in e.presence:
            self.of_party[p].append(e)

    def remove(self, case_id: str) -> Meeting | None:
        """Take a case's meeting out again (the reverse of `add`); None if it has none."""
        m = next((x for x in self.meetings if x.case == case_id), None)
        if m is None:
            return None
        self.meetings.remove(m)
        e = self.engagements.pop(case_id)
        self._unhold(e)
        return m

    def release(self, e: Engagement) -> None:
        """Take a held engagement (a session, or a conference held without a meeting) out."""
        if e.kind == "session":
            self.sessions.pop(e.ident, None)
        else:
            self.engagements.pop(e.case, None)
        self._unhold(e)

    def _unhold(self, e: Engagement) -> None:
        def other(x: Engagement) -> bool:
            return x is not e and (x.kind, x.ident) != (e.kind, e.ident)

        if e.venue is not None:
            self.at_venue[e.venue] = [x for x in self.at_venue[e.venue] if other(x)]
        for f in e.facilitators:
            self.of_facilitator[f] = [x for x in self.of_facilitator[f] if other(x)]
            if e.kind == "session":
                self.sessions_per_week[(f, e.week)] -= 1
                continue
            self.per_day[(f, e.day)] -= 1
            self.per_week[(f, e.week)] -= 1
        for p, _, _ in e.presence:
            self.of_party[p] = [x for x in self.of_party[p] if other(x)]

    def _near(self, e: Engagement) -> Iterator[Engagement]:
        """Held engagements at e's venue overlapping e's held window."""
        if e.venue is None:
            return iter(())
        return (x for x in self.at_venue.get(e.venue, ()) if overlaps(x.held, e.held))

    # ------------------------------------------------------------------ rule 4

    def room_free(self, v: str, r: str, lo: Instant, hi: Instant) -> bool:
        probe = Engagement("", v, r, frozenset(), (lo, hi), (lo, hi), dt.date.min, (), ())
        return not any(venue_rooms(probe, x) for x in self._near(probe))

    def free_waiting_rooms(self, v: str, lo: Instant, hi: Instant) -> list[str]:
        held: set[str] = set()
        for x in self.at_venue.get(v, ()):
            if overlaps(x.held, (lo, hi)):
                held |= x.waiting_rooms
        return [w for w in self.problem.venue_by_id[v].waiting_rooms if w not in held]

    def venue_rooms(self, e: Engagement) -> tuple[str, str] | None:
        """(what, case holding it) for the first room or waiting room e shares in time."""
        for x in self._near(e):
            what = venue_rooms(e, x)
            if what:
                return what, x.case
        return None

    # ------------------------------------------------------------------ rule 7

    def keep_apart(self, e: Engagement) -> tuple[str, str, str] | None:
        """(party of e, partner, partner's case) for a pair e would bring together."""
        for p, _, _ in e.presence:
            for q in self.partners.get(p, ()):
                for x in self.of_party.get(q, ()):
                    pair = keep_apart(e, x, self.partners)
                    if pair:
                        return pair[0], pair[1], x.case
        return None

    # ------------------------------------------------------------------ rules 8, 9

    def facilitator_no_overlap(self, e: Engagement, f: str) -> str | None:
        """The case of an engagement of f overlapping e's on-site window, or None."""
        for x in self.of_facilitator.get(f, ()):
            if overlaps(x.staff, e.staff):
                return x.case
        return None

    def travel_between_venues(self, e: Engagement, f: str) -> str | None:
        """The case of an engagement of f that f cannot travel to or from in time, or None.
        Between two conferences by their venues (rule 8); with a session by the places (S6)."""
        for x in self.of_facilitator.get(f, ()):
            if "session" in (e.kind, x.kind):
                a, b = self.place_of(e), self.place_of(x)
                if a is None or b is None or a == b:
                    continue
                if travel_between_places(
                    replace(e, place=a), replace(x, place=b), self.travel.between(a, b)
                ):
                    return x.case
                continue
            if x.venue is None or e.venue is None or x.venue == e.venue:
                continue
            if travel_between_venues(e, x, self.travel.minutes(e.venue, x.venue)):
                return x.case
        return None

    def place_of(self, e: Engagement) -> tuple[float, float] | None:
        """Where the facilitators go for e: a session's place, a conference's venue."""
        if e.kind == "session":
            return e.place
        if e.venue is None:
            return None
        loc = self.problem.venue_by_id[e.venue].location
        return (loc.lat, loc.lon)

    # ------------------------------------------------------------------ S6, S7 (journeys)

    def party_no_overlap(self, e: Engagement) -> str | None:
        """The case of a held engagement sharing a party with e at an overlapping time."""
        for p, _, _ in e.presence:
            for x in self.of_party.get(p, ()):
                if party_no_overlap(e, x):
                    return x.case
        return None

    def session_workload(self, f: str, day: dt.date) -> bool:
        """S7: f's `max_sessions_per_week` is reached in day's ISO week."""
        iso = day.isocalendar()
        return session_workload(
            self.problem.facilitator_by_id[f], self.sessions_per_week.get((f, (iso[0], iso[1])), 0)
        )

    def session_facilitator_free(self, f: str, e: Engagement) -> bool:
        """S6 and S7 for f attending session e: no overlap, time to travel, cap kept."""
        return (
            not self.session_workload(f, e.day)
            and self.facilitator_no_overlap(e, f) is None
            and self.travel_between_venues(e, f) is None
        )

    def workload(self, f: str, day: dt.date) -> str | None:
        """ "day" or "week" when f's cap there is reached, else None."""
        iso = day.isocalendar()
        return workload(
            self.problem.facilitator_by_id[f],
            self.per_day.get((f, day), 0),
            self.per_week.get((f, (iso[0], iso[1])), 0),
        )

    def facilitator_free(self, f: str, e: Engagement) -> bool:
        """Rules 8 and 9 for f joining e: no overlap, time to travel, caps kept."""
        return (
            self.workload(f, e.day) is None
            and self.facilitator_no_overlap(e, f) is None
            and self.travel_between_venues(e, f) is None
        )

    def blockers(
        self, v: str, lo: Instant, hi: Instant, facs: Iterable[str], day: dt.date, case: Case
    ) -> set[str]:
        """Cases of fixed engagements holding a room, waiting room or keep-apart partner of
        `case` at v during `[lo, hi)`, or one of `facs` (by overlap, or by sharing the day
        or week of a capped facilitator)."""
        presence = tuple((p.id, lo, hi) for p in case.attendees)
        e = Engagement(
            case.id, v, None, frozenset(), (lo, hi), (lo, hi), day, tuple(facs), presence
        )
        out = {x.case for x in self._near(e)}
        for p in case.attendees:
            for q in self.partners.get(p.id, ()):
                for x in self.of_party.get(q, ()):
                    if keep_apart(e, x, self.partners):
                        out.add(x.case)
        for f in e.facilitators:
            fac = self.problem.facilitator_by_id[f]
            day_full = workload(fac, self.per_day.get((f, e.day), 0), 0) is not None
            week_full = workload(fac, 0, self.per_week.get((f, e.week), 0)) is not None
            for x in self.of_facilitator.get(f, ()):
                if (
                    overlaps(x.staff, e.staff)
                    or (day_full and x.day == e.day)
                    or (week_full and x.week == e.week)
                ):
                    out.add(x.case)
        return out
