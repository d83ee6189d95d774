"""The objective's additions for case journeys (spec journeys.md), from the problem and plan alone.

- Level 1: each confirmed (or pinned) existing session costs 10 when dropped or kept at
  another start, mode or venue, plus 1 for each former facilitator no longer on it.
- Level 2: a case counts when it is scheduled whole (`whole_cases`).
- Level 3, per session: travel (facilitators' km to the venue or the visited home;
  the party's and its supporters' km to a venue; each rounded up), `interpreter`,
  `gender_preference` per attendee against the session's facilitators, and
  `remote_session` per video session. A case without a conference adds waiting to
  the local date of its last session and continuity once (a conference already
  counts it once for its case). `max_load` still counts conferences only.
"""

from __future__ import annotations

import math

from scheduler.domain import Case, Plan, PlanSession, Problem
from scheduler.geo import haversine_km


def _km_up(km: float) -> int:
    return max(0, math.ceil(km - 1e-9))


def session_disruption(problem: Problem, plan: Plan) -> int:
    planned = {s.session: s for s in plan.sessions}
    total = 0
    for before in problem.existing_sessions:
        now = planned.get(before.session)
        if now is None:
            total += 10
            continue
        lost = len(set(before.facilitators) - set(now.facilitators))
        moved = (now.start, now.mode, now.venue) != (before.start, before.mode, before.venue)
        total += (10 if moved else 0) + lost
    return total


def countable_sessions(problem: Problem, plan: Plan) -> list[tuple[Case, PlanSession]]:
    """Plan sessions whose case, session, facilitators and venue all exist (others are skipped)."""
    out = []
    for row in plan.sessions:
        case = problem.case_by_id.get(row.case)
        if case is None or case.session(row.session) is None:
            continue
        if any(f not in problem.facilitator_by_id for f in row.facilitators):
            continue
        if row.mode == "venue" and (row.venue is None or row.venue not in problem.venue_by_id):
            continue
        out.append((case, row))
    return out


def whole_cases(problem: Problem, plan: Plan, conference_cases: set[str]) -> set[str]:
    """Cases scheduled whole: the conference (when the case has one, among `conference_cases`)
    and every session."""
    held: dict[str, set[str]] = {}
    for case, row in countable_sessions(problem, plan):
        held.setdefault(case.id, set()).add(row.session)
    out = set()
    for case in problem.cases:
        has = held.get(case.id, set())
        if case.conference and case.id not in conference_cases:
            continue
        if not case.conference and not has:
            continue
        if all(s.id in has for s in case.sessions):
            out.add(case.id)
    return out


def session_cost(problem: Problem, case: Case, row: PlanSession) -> int:
    w = problem.policy.weights
    spec = case.session(row.session)
    assert spec is not None
    party = case.party(spec.party)
    people = case.session_attendees(spec)
    team = [problem.facilitator_by_id[f] for f in dict.fromkeys(row.facilitators)]
    km = 0
    if row.mode == "venue":
        venue = problem.venue_by_id[row.venue or ""]
        km += sum(_km_up(haversine_km(f.home, venue.location)) for f in team)
        km += sum(
            _km_up(haversine_km(p.home, venue.location))
            for p in people
            if p.home and not p.in_custody
        )
    elif row.mode == "home" and party is not None and party.home is not None:
        km += sum(_km_up(haversine_km(f.home, party.home)) for f in team)
    cost = km * w.travel_per_km
    spoken = {lang for f in team for lang in f.languages}
    cost += w.interpreter * sum(1 for p in people if p.needs.language not in spoken)
    for p in people:
        wish = p.facilitator_gender
        if wish is not None and not wish.required and not any(f.gender == wish.value for f in team):
            cost += w.gender_preference
    if row.mode == "video":
        cost += w.remote_session
    return cost


def no_conference_terms(problem: Problem, plan: Plan) -> int:
    """Waiting to the last session's local date, and continuity once, per case without a conference."""
    w = problem.policy.weights
    rows: dict[str, list[PlanSession]] = {}
    for case, row in countable_sessions(problem, plan):
        if not case.conference:
            rows.setdefault(case.id, []).append(row)
    total = 0
    for cid, held in rows.items():
        case = problem.case_by_id[cid]
        last = max(r.start.date() for r in held)
        total += (last - problem.horizon.start).days * case.priority * w.wait_per_day
        lead = min(held, key=lambda r: (r.start, r.session)).lead
        if case.preferred_facilitators and lead not in case.preferred_facilitators:
            total += w.continuity
    return total


def session_soft_cost(problem: Problem, plan: Plan) -> int:
    return sum(session_cost(problem, c, r) for c, r in countable_sessions(problem, plan)) + (
        no_conference_terms(problem, plan)
    )
