"""What each session of a case could get: the static pre-filter for sessions (journeys).

Pure functions of the problem, like `options.py` for conferences. Per session, the
candidate *places* (mode × venue × room) that meet S4–S5's static clauses, and the
candidate starts at which the party and its consenting supporters are free for
`[s, e)` (S3: grid, horizon, clock change, the party's availability, and for a venue
the venue's availability over the facilitators' window). What depends on the team
(facilitators' availability and travel limits) and on the other engagements (rooms,
keep apart, double booking, travel, S7) is asked when a journey is placed
(`journey_placement.py`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scheduler.availability import Stretches
from scheduler.domain import Case, Party, Problem, Session, Venue
from scheduler.engine.options import Options
from scheduler.engine.time_rules import Grid, ctx_clear, fitting
from scheduler.geo import haversine_km, km_rounded_up
from scheduler.timeutil import Instant


@dataclass(frozen=True)
class SessionPlace:
    """One way to hold a session: a mode, and for `venue` the venue and room."""

    mode: str  # venue | home | video
    venue: str | None
    room: str | None
    place: tuple[float, float] | None  # where the facilitators go (None: video)
    party_cost: int  # travel of the party and supporters (venue only) + remote_session
    starts: tuple[Instant, ...]  # starts the attendees (and the venue) allow, sorted


@dataclass(frozen=True)
class SessionOptions:
    session: Session
    case: Case
    party: Party
    attendees: tuple[Party, ...]
    team_visit_home: bool  # a home visit here is a team visit (offender, or S&C case)
    margin: int
    places: tuple[SessionPlace, ...]

    def team_visit(self, mode: str) -> bool:
        """Attended by the whole team: `team`, or a guarded home visit (S4)."""
        return self.session.team or (mode == "home" and self.team_visit_home)

    def on_site(self, mode: str, s: Instant) -> tuple[Instant, Instant]:
        m = 0 if mode == "video" else self.margin
        return s - m, s + self.session.duration_minutes + m


def head_count(case: Case, session: Session, team_size: int) -> int:
    return len(case.session_attendees(session)) + team_size


def venue_fits(case: Case, session: Session, party: Party, venue: Venue) -> bool:
    """S4–S5's static clauses for a session at `venue` (facilitators' limits aside)."""
    people = case.session_attendees(session)
    if any(p.needs.step_free and not venue.step_free for p in people):
        return False
    if any(p.needs.hearing_loop and not venue.hearing_loop for p in people):
        return False
    held = party.in_custody if party.role == "offender" else None
    if held and (venue.kind != "prison" or venue.prison != held):
        return False
    if venue.kind == "prison" and not (held and venue.prison == held):
        return False
    for p in people:
        if p.max_travel_km is None or p.in_custody or p.home is None:
            continue
        if haversine_km(p.home, venue.location) > p.max_travel_km:
            return False
    if party.role == "offender":
        for zone in party.exclusion_zones:
            if haversine_km(zone.center, venue.location) <= zone.radius_km:
                return False
    return True


def _party_km(p: Party, venue: Venue) -> int:
    if p.in_custody or p.home is None:
        return 0
    return km_rounded_up(haversine_km(p.home, venue.location))


def session_dates(problem: Problem, case: Case) -> tuple[dt.date, dt.date]:
    """The local dates a session of the case may start on (S3): the case's dates without
    a conference; else from the horizon's start to the conference's latest date − gap."""
    if not case.conference:
        return problem.case_earliest(case), problem.case_latest(case)
    gap = problem.policy.preparation_gap_days
    return problem.horizon.start, problem.case_latest(case) - dt.timedelta(days=gap)


def session_options(
    options: Options, case: Case, session: Session, grid: Grid | None = None
) -> SessionOptions:
    """The static options of one session."""
    problem = options.problem
    clock, horizon = options.clock, options.horizon
    party = case.party(session.party)
    assert party is not None  # the formats check that a session's party is in its case
    people = tuple(case.session_attendees(session))
    guarded = party.role == "offender" or case.sensitive_complex
    margin = problem.policy.session_margin_minutes
    w = problem.policy.weights
    team = case.effective_facilitators_required
    first, last = session_dates(problem, case)
    grid = grid or Grid.of(problem, clock, horizon)
    slots: list[Instant] = []
    day = max(first, problem.horizon.start)
    while day <= min(last, problem.horizon.end):
        slots.extend(grid.by_day.get(day, ()))
        day += dt.timedelta(days=1)
    common: Stretches | None = None
    for p in people:
        s = options.availability.parties[p.id]
        common = s if common is None else common.intersect(s)
    dur = session.duration_minutes
    base = fitting(tuple(slots), 0, dur, common) if common is not None else tuple(slots)
    whole = Stretches(((horizon.start, horizon.end),))
    if not case.conference:
        # earliest/latest bind every session (its end's local date too)
        base = tuple(s for s in base if clock.local_date(s + dur - 1) <= last)

    def clear(ss: tuple[Instant, ...], m: int) -> tuple[Instant, ...]:
        ss = fitting(ss, -m, dur + m, whole)
        return tuple(s for s in ss if ctx_clear(clock, horizon, s - m, s + dur + m))

    places: list[SessionPlace] = []
    for mode in dict.fromkeys(session.modes):
        if mode == "video":
            ss = clear(base, 0)
            if ss:
                places.append(SessionPlace("video", None, None, None, w.remote_session, ss))
        elif mode == "home":
            if party.home is None or party.in_custody or (guarded and team < 2):
                continue
            ss = clear(base, margin)
            if ss:
                home = (party.home.lat, party.home.lon)
                places.append(SessionPlace("home", None, None, home, 0, ss))
        else:
            size = head_count(case, session, team if session.team else 1)
            ss0 = clear(base, margin)
            for venue in problem.venues:
                if not venue_fits(case, session, party, venue):
                    continue
                rooms = [r for r in venue.rooms if r.capacity >= size]
                if not rooms:
                    continue
                ss = fitting(ss0, -margin, dur + margin, options.availability.venues[venue.id])
                if not ss:
                    continue
                cost = w.travel_per_km * sum(_party_km(p, venue) for p in people)
                loc = (venue.location.lat, venue.location.lon)
                for r in rooms:
                    places.append(SessionPlace("venue", venue.id, r.id, loc, cost, ss))
    return SessionOptions(session, case, party, people, guarded, margin, tuple(places))


def case_session_options(
    options: Options, case: Case, grid: Grid | None = None
) -> dict[str, SessionOptions]:
    """Session id → its options, for every session of the case."""
    grid = grid or Grid.of(options.problem, options.clock, options.horizon)
    return {s.id: session_options(options, case, s, grid) for s in case.sessions}


def session_has_place(problem: Problem, case: Case, session: Session) -> bool:
    """Some allowed mode and place meets S4–S5's static clauses, time and facilitators'
    travel limits aside (the NO_SAFE_VENUE test of a case without a conference)."""
    party = case.party(session.party)
    if party is None:
        return False
    team = case.effective_facilitators_required
    for mode in session.modes:
        if mode == "video":
            return True
        if mode == "home" and party.home is not None and not party.in_custody:
            guarded = party.role == "offender" or case.sensitive_complex
            if not guarded or team >= 2:
                return True
        if mode == "venue":
            size = head_count(case, session, team if session.team else 1)
            for venue in problem.venues:
                if venue_fits(case, session, party, venue) and any(
                    r.capacity >= size for r in venue.rooms
                ):
                    return True
    return False
