"""Level 2 (scheduled priority) of crowded parts by neighbourhood search.

Where facilitators and rooms are scarce, CP-SAT on a whole region part finds a good
plan but stalls short of the bound: a case left out usually fits only if a few
meetings elsewhere move (a facilitator's weekly cap, a room at the one venue its
parties can reach). `raise_priority` repeats, until its deadline:

1. pick a case left out but schedulable (more often a high-priority one, less often
   one already tried);
2. free the meetings blocking its options: the placed cases using one of its usable
   facilitators in a week it could meet, or one of its open venues on a day it could
   meet, ranked by how much of its options they hold (ties at random), plus a few
   other left-out cases competing for the same facilitators;
3. build a sub-model of those cases with every hard rule, every other meeting they
   could touch as a fixed pin (`neighbourhoods.sub_model`), level 1 held no worse,
   and maximise their scheduled priority from their current placements as the hint;
4. keep the new placements when the priority went up.
The neighbourhood grows while sub-models are proven fast, and shrinks when not.

Every accepted step is a valid plan (each sub-solution obeys every rule against all
meetings it could touch) and no level gets worse. Python rules and CP-SAT rules stay
where they are (`occupancy.py`, `rules.py`): this module only picks cases.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler.domain import Meeting, Problem
from scheduler.engine import objective as obj
from scheduler.engine.cpsat_run import extract_meetings, hint_meetings, solve_level
from scheduler.engine.model import Model
from scheduler.engine.neighbourhoods import PlanIndex, case_partners, only_cases, sub_model
from scheduler.engine.options import Options

FIRST_HOOD = 16  # placed cases freed around a left-out one at first
MIN_HOOD, MAX_HOOD = 6, 40
WAITING_MATES = 2  # other left-out cases competing for the same facilitators
STEP_SECONDS = 2.0  # time limit of one neighbourhood's solve


def raise_priority(
    problem: Problem,
    options: Options,
    meetings: list[Meeting],
    case_ids: list[str],
    released: dict[str, str],
    *,
    fixed: set[str],
    deadline: float,
    workers: int,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> list[Meeting]:
    """A plan of `case_ids` with scheduled priority at least that of `meetings` (raised
    until `deadline`), level 1 no worse. `fixed` cases (kept pins) never move."""
    rng = random.Random(seed)
    movable = [c for c in case_ids if c not in fixed and options.cases[c].schedulable]
    plan = PlanIndex(problem, meetings)
    partners = case_partners(problem)
    reach = {c: _reach(options, c) for c in movable}
    tried: Counter[str] = Counter()
    exhausted: set[str] = set()  # left out, and a hood with all they compete with gained nothing
    k = FIRST_HOOD
    rounds = 0
    while deadline - time.monotonic() > 0.3:
        waiting = [c for c in movable if c not in plan.by_case]
        open_ = [c for c in waiting if c not in exhausted]
        if not open_:
            break  # nothing left to try: the rest of the time is CP-SAT's (its bound)
        rounds += 1
        weights = [problem.case_by_id[c].priority / (1 + tried[c]) ** 2 for c in open_]
        (pick,) = rng.choices(open_, weights=weights)
        tried[pick] += 1
        hood, whole = _freeing_hood(plan, reach, pick, waiting, k, fixed, rng)
        context = plan.touching(options, hood, partners)
        m = sub_model(problem, options, hood, context, plan)
        wanted = set(hood)
        now = [x for c in hood if (x := plan.by_case.get(c))]
        _hold_disruption(m, problem, wanted, now, released)
        before = obj.plan_priority(problem, now)
        expr = obj.scheduled_priority(only_cases(m, wanted))
        m.cp.add(expr >= before)
        m.cp.maximize(expr)
        hint_meetings(m, [x for c in (*hood, *context) if (x := plan.by_case.get(c))])
        t = time.monotonic()
        s, status = solve_level(m, min(deadline, t + STEP_SECONDS), workers)
        took = time.monotonic() - t
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and s.objective_value > before + 0.5:
            new = [x for x in extract_meetings(m, s, problem, released) if x.case in wanted]
            plan = plan.with_hood(hood, new)
            tried.clear()  # the plan changed: every left-out case may fit now
            exhausted.clear()
        elif status == cp_model.OPTIMAL and whole:
            exhausted.add(pick)
        if status == cp_model.OPTIMAL and took < 0.5 * STEP_SECONDS:
            k = min(MAX_HOOD, k + max(1, k // 4))
        elif status != cp_model.OPTIMAL:
            k = max(MIN_HOOD, k - max(1, k // 5))
        if progress:
            total = obj.plan_priority(problem, plan.meetings)
            progress(f"level 2: neighbourhood {rounds} of {len(hood)} cases, priority {total}")
    return plan.meetings


class _Reach:
    """What one case could use: facilitators, venues, and the days and ISO weeks of its starts."""

    __slots__ = ("facilitators", "venues", "days", "weeks")

    def __init__(self, facilitators: set[str], venues: set[str], days: set, weeks: set) -> None:
        self.facilitators, self.venues, self.days, self.weeks = facilitators, venues, days, weeks


def _reach(options: Options, case_id: str) -> _Reach:
    o = options.cases[case_id]
    clock = options.clock
    days = {clock.local_date(s) for s in o.starts}
    weeks = {d.isocalendar()[:2] for d in days}
    return _Reach(set(o.usable_facilitators), set(o.open_venues), days, weeks)


def _freeing_hood(
    plan: PlanIndex,
    reach: dict[str, _Reach],
    pick: str,
    waiting: list[str],
    k: int,
    fixed: set[str],
    rng: random.Random,
) -> tuple[list[str], bool]:
    """`pick`, up to `k` placed cases holding its options, and a few left-out mates; and
    whether that took every case it competes with, two rings deep (the ring around
    what it competes with too, when the first ring is small)."""
    movable = set(reach) - fixed
    first = _competing(plan, reach[pick], movable)
    ranked = sorted(first, key=lambda c: -first[c] * (0.5 + rng.random()))
    if len(ranked) < k:
        second: Counter[str] = Counter()
        for c in first:
            for d, n in _competing(plan, reach[c], movable).items():
                if d not in first:
                    second[d] += n
        ranked += sorted(second, key=lambda c: -second[c] * (0.5 + rng.random()))
    r = reach[pick]
    mates = [
        c
        for c in waiting
        if c != pick
        and c in movable
        and reach[c].facilitators & r.facilitators
        and reach[c].weeks & r.weeks
    ]
    rng.shuffle(mates)
    return sorted({pick, *ranked[:k], *mates[:WAITING_MATES]}), len(ranked) <= k


def _competing(plan: PlanIndex, r: _Reach, movable: set[str]) -> Counter[str]:
    """Placed movable cases using one of r's facilitators in one of its weeks (2 each),
    or one of its venues on one of its days (1 each)."""
    score: Counter[str] = Counter()
    for f in r.facilitators:
        for c in plan.by_fac.get(f, ()):
            if c in movable and plan.by_case[c].start.date().isocalendar()[:2] in r.weeks:
                score[c] += 2
    for v in r.venues:
        for c in plan.by_venue.get(v, ()):
            if c in movable and plan.by_case[c].start.date() in r.days:
                score[c] += 1
    return score


def _hold_disruption(
    m: Model,
    problem: Problem,
    wanted: set[str],
    now: list[Meeting],
    released: dict[str, str],
) -> None:
    """Level 1 on the hood no worse than the plan has it (the rest is fixed)."""
    confirmed = [
        e
        for e in problem.existing
        if e.case in wanted and (e.status == "confirmed" or e.case in released)
    ]
    if confirmed:
        m.cp.add(obj.disruption(m, confirmed) <= obj.plan_disruption(now, confirmed, set(released)))
