"""The spec's lexicographic objective, recomputed from the problem and plan alone."""

from __future__ import annotations

import math
from collections import Counter

from scheduler.domain import Meeting, Objective, Plan, Problem
from scheduler.geo import haversine_km
from scheduler.verify.plan_context import attending
from scheduler.verify.session_objective import session_disruption, session_soft_cost, whole_cases


def _km_up(km: float) -> int:
    """Kilometres rounded up; the 1e-9 keeps 5.000000001 km (float noise) at 5."""
    return max(0, math.ceil(km - 1e-9))


def disruption(problem: Problem, plan: Plan) -> int:
    """Cost of moving or dropping existing meetings.

    Pinned meetings are counted like confirmed ones: a pin kept unchanged costs 0, and a
    released pin is "treated as confirmed" by the spec, so this is the same number.
    """
    planned = {m.case: m for m in plan.meetings}
    total = 0
    for before in problem.existing:
        now = planned.get(before.case)
        if now is None:
            total += 10
            continue
        lost = len(set(before.facilitators) - set(now.facilitators))
        moved = now.start != before.start or now.venue != before.venue
        total += (10 if moved else 0) + lost
    return total


def meeting_cost(problem: Problem, m: Meeting) -> int:
    """Waiting, continuity, travel, interpreter and gender-preference terms of one meeting."""
    w = problem.policy.weights
    case = problem.case_by_id[m.case]
    venue = problem.venue_by_id[m.venue]
    team = [problem.facilitator_by_id[f] for f in dict.fromkeys(m.facilitators)]
    cost = (m.start.date() - problem.horizon.start).days * case.priority * w.wait_per_day
    if case.preferred_facilitators and m.lead not in case.preferred_facilitators:
        cost += w.continuity
    km = sum(_km_up(haversine_km(f.home, venue.location)) for f in team)
    people = [p for p, _ in attending(case)]
    km += sum(
        _km_up(haversine_km(p.home, venue.location)) for p in people if p.home and not p.in_custody
    )
    cost += km * w.travel_per_km
    spoken = {lang for f in team for lang in f.languages}
    cost += w.interpreter * sum(1 for p in people if p.needs.language not in spoken)
    for p in people:
        wish = p.facilitator_gender
        if wish is not None and not wish.required and not any(f.gender == wish.value for f in team):
            cost += w.gender_preference
    return cost


def compute_objective(problem: Problem, plan: Plan) -> Objective:
    """Disruption, scheduled priority and soft cost of the plan (unknown ids are skipped)."""
    ok = [
        m
        for m in plan.meetings
        if m.case in problem.case_by_id
        and m.venue in problem.venue_by_id
        and all(f in problem.facilitator_by_id for f in m.facilitators)
    ]
    # Journeys: a case counts when scheduled whole (conference if any, and every session).
    whole = whole_cases(problem, plan, {m.case for m in ok})
    priority = sum(problem.case_by_id[c].priority for c in whole)
    soft = sum(meeting_cost(problem, m) for m in ok) + session_soft_cost(problem, plan)
    load = Counter(f for m in ok for f in dict.fromkeys(m.facilitators))
    soft += problem.policy.weights.max_load * max(load.values(), default=0)
    return Objective(
        disruption=disruption(problem, plan) + session_disruption(problem, plan),
        scheduled_priority=priority,
        soft_cost=soft,
    )
