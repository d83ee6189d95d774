"""What every rule needs about a plan: the problem, its clock, and each meeting's windows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from scheduler.domain import Case, Meeting, Party, Plan, Problem, Side, Venue
from scheduler.geo import haversine_km
from scheduler.timeutil import Clock, Instant
from scheduler.verify.avail import is_available

Interval = tuple[Instant, Instant]


@dataclass(frozen=True)
class Timing:
    """A meeting's conference [s, e) and the presence windows the spec derives from it."""

    s: Instant
    e: Instant
    first: Side
    first_window: Interval  # [s − A − G, e + G)
    second_window: Interval  # [s − A, e)
    on_site: Interval  # facilitators, room and waiting rooms: [s − B, e + F)

    def side_window(self, side: Side) -> Interval:
        return self.first_window if side == self.first else self.second_window


def overlaps(x: Interval, y: Interval) -> bool:
    return x[0] < y[1] and y[0] < x[1]


@dataclass
class Context:
    """A problem and a plan, with the lookups the rules share."""

    problem: Problem
    plan: Plan

    @cached_property
    def clock(self) -> Clock:
        return Clock(self.problem.timezone)

    @cached_property
    def horizon(self) -> Interval:
        """[first day 00:00, day after the last 00:00) as instants."""
        h = self.problem.horizon
        return self.clock.day_start(h.start), self.clock.day_start(h.end + dt.timedelta(days=1))

    def fmt(self, value: Instant) -> str:
        return self.clock.local_str(value)

    def fmt_window(self, w: Interval) -> str:
        return f"[{self.fmt(w[0])}, {self.fmt(w[1])})"

    def timing(self, meeting: Meeting, case: Case) -> Timing:
        """Windows from the meeting's start and the case's duration (never from the plan's end)."""
        p = self.problem.policy
        a, g = p.settle_minutes, p.stagger_minutes
        s = self.clock.instant(meeting.start, "start")
        e = s + case.duration_minutes
        return Timing(
            s=s,
            e=e,
            first=case.first_to_arrive,
            first_window=(s - a - g, e + g),
            second_window=(s - a, e),
            on_site=(s - p.facilitator_before_minutes, e + p.facilitator_after_minutes),
        )

    def available(self, availability, window: Interval) -> bool:  # type: ignore[no-untyped-def]
        h = self.problem.horizon
        return is_available(availability, self.clock, h.start, h.end, window[0], window[1])

    def local_date(self, value: Instant) -> dt.date:
        return self.clock.local_date(value)

    # ---- lookups tolerant of unknown ids (the document checks report those) -----
    def case(self, meeting: Meeting) -> Case | None:
        return self.problem.case_by_id.get(meeting.case)

    def venue(self, meeting: Meeting) -> Venue | None:
        return self.problem.venue_by_id.get(meeting.venue)

    def facilitators(self, meeting: Meeting) -> list:  # type: ignore[type-arg]
        by_id = self.problem.facilitator_by_id
        return [by_id[f] for f in meeting.facilitators if f in by_id]

    @cached_property
    def checkable(self) -> list[tuple[Meeting, Case, Venue, Timing]]:
        """Meetings whose case and venue exist, each with its timing."""
        out = []
        for m in self.plan.meetings:
            case, venue = self.case(m), self.venue(m)
            if case is not None and venue is not None:
                out.append((m, case, venue, self.timing(m, case)))
        return out

    # ---- case journeys (spec journeys.md) -----------------------------------------
    @cached_property
    def session_uses(self) -> list:  # type: ignore[type-arg]
        """The plan's checkable sessions with their windows (`engagements.SessionUse`)."""
        from scheduler.verify.engagements import session_uses

        return session_uses(self)

    @cached_property
    def engagements(self) -> list:  # type: ignore[type-arg]
        """Every checkable conference and session (`engagements.Engagement`)."""
        from scheduler.verify.engagements import engagements

        return engagements(self)


def km(a, b) -> float:  # type: ignore[no-untyped-def]
    return haversine_km(a, b)


def attending(case: Case) -> list[tuple[Party, Side]]:
    """Victims, offenders and consenting supporters, each with its side (spec: party)."""
    out = []
    for p in case.parties:
        if p.role == "supporter" and p.consent is not True:
            continue  # a supporter without consent does not attend at all
        side = case.side_of(p)
        if side is not None:
            out.append((p, side))
    return out
