"""The three objective levels as CP-SAT expressions, and the exact objective of a plan.

The solver's soft cost uses lower-bounding variables (facilitator travel, interpreter,
gender preference, max load): at an optimum they equal the truth, elsewhere they may
sit above it. So the figure reported in a plan is always recomputed from the plan
itself by `plan_objective`.
"""

from __future__ import annotations

from collections import Counter

from ortools.sat.python import cp_model

from scheduler.domain import Case, Meeting, Party, Problem, Venue
from scheduler.engine.model import Model
from scheduler.geo import haversine_km, km_rounded_up

DROP = 10  # the spec's cost of a dropped or moved confirmed meeting


def party_km(p: Party, venue: Venue) -> int:
    """A party's travel, rounded up; custody or no home counts 0."""
    if p.in_custody or p.home is None:
        return 0
    return km_rounded_up(haversine_km(p.home, venue.location))


def disruption(m: Model, confirmed: list[Meeting]):  # type: ignore[no-untyped-def]
    """Level 1: `10·(1 − same) + Σ_{f∈old}(1 − x_f) − |old|·(1 − sched)` per confirmed meeting."""
    terms: list[cp_model.LinearExprT] = []
    clock = m.options.clock
    for old in confirmed:
        cv = m.cases.get(old.case)
        n_old = len(old.facilitators)
        if cv is None:
            terms.append(DROP)
            continue
        same = m.cp.new_bool_var(f"same[{old.case}]")
        if old.venue in cv.y:
            m.cp.add(cv.start == clock.instant(old.start)).only_enforce_if(same)
            m.cp.add_implication(same, cv.y[old.venue])
        else:
            m.cp.add(same == 0)
        terms.append(DROP * (1 - same))
        for f in old.facilitators:
            terms.append(1 - cv.x[f] if f in cv.x else 1)
        terms.append(-n_old * (1 - cv.sched))
    return sum(terms)


def scheduled_priority(m: Model):  # type: ignore[no-untyped-def]
    """Level 2 (maximised)."""
    return sum(cv.case.priority * cv.sched for cv in m.cases.values())


def soft_cost(m: Model, load_floor: int = 0):  # type: ignore[no-untyped-def]
    """Level 3: the spec's weighted soft cost over every meeting of the model.

    `load_floor`: the largest load of facilitators whose meetings are not all in the
    model (a sub-model of a plan, `neighbourhoods.py`), which `max_load` cannot go below.
    """
    cp = m.cp
    problem = m.problem
    w = problem.policy.weights
    first = m.options.horizon.first
    terms = []
    loads: dict[str, list] = {}
    for cv in m.cases.values():
        case = cv.case
        cid = case.id
        for d, lit in cv.day.items():
            terms.append(w.wait_per_day * case.priority * (d - first).days * lit)
        if case.preferred_facilitators:
            preferred = [lit for f, lit in cv.lead.items() if f in case.preferred_facilitators]
            terms.append(w.continuity * (cv.sched - sum(preferred)))
        for v, yl in cv.y.items():
            venue = problem.venue_by_id[v]
            km = sum(party_km(p, venue) for p in case.attendees)
            terms.append(w.travel_per_km * km * yl)
        for f, xl in cv.x.items():
            loads.setdefault(f, []).append(xl)
            fac = problem.facilitator_by_id[f]
            kms = {
                v: km_rounded_up(haversine_km(fac.home, problem.venue_by_id[v].location))
                for v in cv.y
            }
            top = max(kms.values(), default=0)
            if top == 0 or w.travel_per_km == 0:
                continue
            # One big-M row per (case, facilitator): exactly one y is on when the case
            # is scheduled (`sum(y) == sched`), so with f on the team the row reads
            # km ≥ km(chosen venue), and with f off it is ≤ 0. One row per venue as well
            # made 1.4 M rows on region and most of level 3's memory (several GB).
            km_var = cp.new_int_var(0, top, f"km[{cid},{f}]")
            venue_km = sum(kms[v] * yl for v, yl in cv.y.items() if kms[v])
            cp.add(km_var >= venue_km - top * (1 - xl))
            terms.append(w.travel_per_km * km_var)
        for p in case.attendees:
            lang = p.needs.language
            speakers = [
                xl for f, xl in cv.x.items() if lang in problem.facilitator_by_id[f].languages
            ]
            terms.append(w.interpreter * _unmet(m, cv.sched, speakers, f"interp[{p.id}]"))
            wish = p.facilitator_gender
            if wish is not None and not wish.required:
                match = [
                    xl
                    for f, xl in cv.x.items()
                    if problem.facilitator_by_id[f].gender == wish.value
                ]
                terms.append(w.gender_preference * _unmet(m, cv.sched, match, f"gender[{p.id}]"))
    if (loads or load_floor) and w.max_load:
        top = max([len(v) for v in loads.values()] + [load_floor])
        max_load = cp.new_int_var(load_floor, top, "max_load")
        for lits in loads.values():
            cp.add(max_load >= sum(lits))
        terms.append(w.max_load * max_load)
    return sum(terms)


def _unmet(m: Model, sched, helpers: list, name: str):  # type: ignore[no-untyped-def]
    """1 when the case is scheduled and none of `helpers` is on it (a lower bound)."""
    if not helpers:
        return sched
    u = m.cp.new_bool_var(name)
    m.cp.add(u >= sched - sum(helpers))
    return u


# --------------------------------------------------------------------------- exact, from a plan


def plan_disruption(meetings: list[Meeting], existing: list[Meeting], released: set[str]) -> int:
    """Level 1 from the plan: confirmed existing meetings (and released pins) only."""
    by_case = {m.case: m for m in meetings}
    total = 0
    for old in existing:
        if old.status != "confirmed" and old.case not in released:
            continue
        new = by_case.get(old.case)
        if new is None:
            total += DROP
            continue
        missing = len(set(old.facilitators) - set(new.facilitators))
        moved = new.start != old.start or new.venue != old.venue
        total += (DROP if moved else 0) + missing
    return total


def meeting_soft_cost(problem: Problem, case: Case, m: Meeting) -> int:
    """The soft cost of one meeting, max-load aside."""
    w = problem.policy.weights
    venue = problem.venue_by_id[m.venue]
    facs = [problem.facilitator_by_id[f] for f in m.facilitators]
    cost = w.wait_per_day * case.priority * (m.start.date() - problem.horizon.start).days
    if case.preferred_facilitators and m.lead not in case.preferred_facilitators:
        cost += w.continuity
    cost += w.travel_per_km * sum(party_km(p, venue) for p in case.attendees)
    cost += w.travel_per_km * sum(km_rounded_up(haversine_km(f.home, venue.location)) for f in facs)
    for p in case.attendees:
        if not any(p.needs.language in f.languages for f in facs):
            cost += w.interpreter
        wish = p.facilitator_gender
        if wish is not None and not wish.required and not any(f.gender == wish.value for f in facs):
            cost += w.gender_preference
    return cost


def plan_soft_cost(problem: Problem, meetings: list[Meeting]) -> int:
    total = sum(meeting_soft_cost(problem, problem.case_by_id[m.case], m) for m in meetings)
    loads = Counter(f for m in meetings for f in m.facilitators)
    return total + problem.policy.weights.max_load * max(loads.values(), default=0)


def plan_priority(problem: Problem, meetings: list[Meeting]) -> int:
    return sum(problem.case_by_id[m.case].priority for m in meetings)


def plan_key(problem: Problem, meetings: list[Meeting], released: set[str]) -> tuple[int, int, int]:
    """The three levels of a plan in lexicographic order, smaller is better."""
    return (
        plan_disruption(meetings, problem.existing, released),
        -plan_priority(problem, meetings),
        plan_soft_cost(problem, meetings),
    )
