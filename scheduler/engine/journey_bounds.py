"""Proven bounds of the three levels for a problem with journeys (spec journeys.md).

Each is proven on the problem itself, never on the candidates the selection saw:

- Which cases could be scheduled at all (`possible`): exhaustive necessary tests of one
  case alone (S1; the conference placeable alone on a date that leaves its sessions
  room; every session with a place and start at which some qualified lead is free; and
  some one lead who could lead it all, `JourneyPlacer.lead_can_prepare`). No valid
  plan schedules a case outside this set (S1: whole or nothing).
- Level 1: the disruption no plan avoids: every confirmed conference and session of a
  case that is no longer in the problem, or that cannot be scheduled, is dropped.
- Level 2: the priority of the possible cases.
- Level 3: each possible case's soft cost can never be below its `floor` (each term
  at its least: the conference's cheapest placement alone, each session at its
  cheapest place with its facilitators at the least distance anyone has to it, the
  wait of a case without a conference to the earliest date its last session can
  have); the cheapest way to make up level 2, by the linear relaxation of the covering
  knapsack, bounds the soft cost of every plan that is optimal at levels 1 and 2 (the
  plan's own priority is made up only when its level 1 is proven; the max-load term
  counts as 0).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from scheduler.domain import Case, Objective, Problem
from scheduler.engine.journey_placement import JourneyPlacer, earliest_session_dates
from scheduler.engine.placement import search
from scheduler.engine.soft_bound import cover_cost
from scheduler.geo import haversine_km, km_rounded_up


def possible(problem: Problem, placer: JourneyPlacer) -> list[Case]:
    """The cases that pass every necessary test of being scheduled alone (see above)."""
    out = []
    for case in problem.cases:
        if not placer.eligible(case):
            continue
        if case.conference:
            o = placer.conference_options(case)
            if not o.starts or not search(placer.occ, case.id, order="first", options_of_case=o):
                continue
        sos = placer.session_options(case).values()
        if not all(placer.session_alone(case, so) for so in sos):
            continue
        if not placer.some_lead_can_prepare(case):
            continue
        out.append(case)
    return out


@dataclass(frozen=True)
class Floors:
    """The least soft cost each case could have, examined until a deadline (cases not
    reached count as 0, which only weakens the bound: costs are ≥ 0)."""

    cost: dict[str, int]

    @classmethod
    def of(
        cls, problem: Problem, placer: JourneyPlacer, cases: list[Case], deadline: float
    ) -> Floors:
        near = _NearestFacilitator(problem)
        pinned = {m.case for m in placer.occ.meetings}
        cost: dict[str, int] = {}
        for case in cases:
            if time.monotonic() > deadline:
                break
            if case.id not in pinned:  # a kept pin holds its own facilitators: 0 for it
                cost[case.id] = floor(problem, placer, near, case)
        return cls(cost)


def floor(problem: Problem, placer: JourneyPlacer, near: _NearestFacilitator, case: Case) -> int:
    """A lower bound on the case's soft cost in any valid plan that schedules it."""
    w = problem.policy.weights
    o = placer.options.cases[case.id]
    total = 0
    if case.conference:
        conf = placer.conference_options(case)
        got = search(placer.occ, case.id, order="best", k=1, options_of_case=conf)
        total += got[0].cost if got else 0
    sos = placer.session_options(case)
    for so in sos.values():
        least: int | None = None
        for pl in so.places:
            n = o.team.required if so.team_visit(pl.mode) else 1
            km = near.km(pl.place) if pl.place is not None else 0
            c = pl.party_cost + w.travel_per_km * n * km
            least = c if least is None or c < least else least
        total += least or 0
    if not case.conference and case.sessions:
        dates = earliest_session_dates(placer.options, case, sos)
        last = max(dates.values())
        if last != dt.date.max:
            total += (last - problem.horizon.start).days * case.priority * w.wait_per_day
        pref = set(case.preferred_facilitators)
        if pref and not pref & set(o.team.leads):
            total += w.continuity  # no preferred facilitator may lead it
    return total


class _NearestFacilitator:
    """The least whole kilometres from any facilitator's home to a place (cached)."""

    def __init__(self, problem: Problem) -> None:
        self.homes = [f.home for f in problem.facilitators]
        self._km: dict[tuple[float, float], int] = {}

    def km(self, place: tuple[float, float]) -> int:
        got = self._km.get(place)
        if got is None:
            from scheduler.domain import Location

            at = Location(lat=place[0], lon=place[1])
            got = km_rounded_up(min((haversine_km(h, at) for h in self.homes), default=0.0))
            self._km[place] = got
        return got


def bounds(
    problem: Problem,
    placer: JourneyPlacer,
    confirmed: dict[str, int],
    gone: int,
    value: Objective,
    deadline: float,
    lost: int = 0,
    cases: list[Case] | None = None,
) -> Objective:
    """The three levels' proven bounds. `confirmed` is each case's disruption if it is
    not scheduled (its confirmed conference and sessions all dropped), `gone` the
    disruption of cases no longer in the problem, `value` the plan's objective (level 2
    is never below it; levels 1 and 3 are never above a valid plan's, as tests check);
    `lost` the priority of possible cases no valid plan schedules (`journey_relax`);
    `cases` the possible ones when already found by this placer."""
    cases = possible(problem, placer) if cases is None else cases
    ids = {c.id for c in cases}
    disruption = gone + sum(d for cid, d in confirmed.items() if cid not in ids)
    priority = max(sum(c.priority for c in cases) - lost, value.scheduled_priority)
    need = value.scheduled_priority if value.disruption <= disruption else 0
    floors = Floors.of(problem, placer, cases, deadline)
    soft = cover_cost(((floors.cost.get(c.id, 0), c.priority) for c in cases), need)
    return Objective(disruption=disruption, scheduled_priority=priority, soft_cost=soft)
