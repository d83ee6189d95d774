"""Level 3 (the soft cost) of large parts by neighbourhood search.

- `improve`: for parts over `LNS_ABOVE` cases, where CP-SAT on the whole model (a
  210-case region part) found nothing better than its start in 40 s. After `descend`,
  it repeats (single-case moves: `single_moves.descend`; the bound: `soft_bound.Ideals`):
  1. pick a *neighbourhood*, taking turns between two kinds: the `k` movable cases
     whose principals live nearest a random case (neighbours share facilitators and
     venues, so they can trade), or a case drawn by how far it costs above its ideal
     together with the cases holding what its ideal placements need;
  2. build a sub-model of those cases with every hard rule. Every other meeting that
     shares a usable facilitator, an open venue or a keep-apart partner with them
     goes in as a fixed pin, so rules 4, 7, 8 and 9 see everything they must;
  3. hold levels 1 and 2 no worse on the neighbourhood (its disruption at most, its
     scheduled priority at least what the plan has) and minimise the soft cost, with
     `max_load` no lower than the load of the facilitators outside the sub-model;
  4. keep the new placements when the part's exact soft cost (recomputed from the
     plan) has not gone up.
  `k` grows while sub-models are proven optimal fast, and shrinks when they are not.

Every accepted step is a valid plan: each sub-solution obeys every rule against all
the meetings it could touch. No level ever gets worse than the start.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace

from ortools.sat.python import cp_model

from scheduler.domain import Meeting, Problem
from scheduler.engine import objective as obj
from scheduler.engine.cpsat_run import extract_meetings, hint_meetings, solve_level
from scheduler.engine.model import Model, new_case_vars
from scheduler.engine.occupancy import Occupancy
from scheduler.engine.options import Options
from scheduler.engine.rules import RULES
from scheduler.engine.single_moves import descend
from scheduler.engine.soft_bound import Ideals
from scheduler.engine.venue_rules import VenueFilter

LNS_ABOVE = 80  # parts with more cases than this get level 3 by neighbourhoods
FIRST_K = 25  # cases in the first neighbourhood
MIN_K, MAX_K = 8, 80
NEAR_HOOD = 12  # a targeted neighbourhood is filled up to this many cases
STEP_SECONDS = 3.0  # time limit of one neighbourhood's solve


def improve(
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
) -> tuple[list[Meeting], Ideals]:
    """A plan of `case_ids` no worse than `meetings` at any level, its soft cost lowered
    until `deadline`, and each case's cheapest placement alone (for the level's bound).
    `fixed` cases (kept pins) never move."""
    pins = [x for x in meetings if x.case in fixed]
    ideals = Ideals.of(problem, options, case_ids, pins, deadline)
    meetings = descend(
        problem, options, meetings, case_ids, released, fixed=fixed, deadline=deadline
    )
    rng = random.Random(seed)
    movable = [c for c in case_ids if c not in fixed and options.cases[c].schedulable]
    if len(movable) < 2:
        return meetings, ideals
    plan = PlanIndex(problem, meetings)
    centre = case_centres(problem, options, movable)
    partners = case_partners(problem)
    cost = obj.plan_soft_cost(problem, meetings)
    k = min(FIRST_K, len(movable))
    rounds = 0
    while deadline - time.monotonic() > 0.5:
        rounds += 1
        targeted = rounds % 2 == 0 and plan.regret_hood(options, ideals, movable, centre, rng)
        if targeted:
            hood = targeted
        else:
            pivot = centre[rng.choice(movable)]
            hood = sorted(movable, key=lambda c: math.dist(centre[c], pivot))[:k]
        context = plan.touching(options, hood, partners)
        m = sub_model(problem, options, hood, context, plan)
        _hold_levels(m, problem, hood, plan, released)
        facs = {f for c in hood for f in options.cases[c].usable_facilitators}
        m.cp.minimize(obj.soft_cost(m, load_floor=plan.max_load(outside=facs)))
        hint_meetings(m, [x for c in (*hood, *context) if (x := plan.by_case.get(c))])
        t = time.monotonic()
        s, status = solve_level(m, min(deadline, t + STEP_SECONDS), workers, soft=True)
        took = time.monotonic() - t
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            wanted = set(hood)
            new = [x for x in extract_meetings(m, s, problem, released) if x.case in wanted]
            trial = plan.with_hood(hood, new)
            trial_cost = obj.plan_soft_cost(problem, trial.meetings)
            if trial_cost <= cost:
                plan, cost = trial, trial_cost
        if not targeted:
            if status == cp_model.OPTIMAL and took < 0.5 * STEP_SECONDS:
                k = min(MAX_K, len(movable), k + max(1, k // 4))
            elif status != cp_model.OPTIMAL:
                k = max(MIN_K, k - max(1, k // 5))
        if progress:
            progress(f"level 3: neighbourhood {rounds} of {len(hood)} cases, soft cost {cost}")
    return plan.meetings, ideals


class PlanIndex:
    """The current meetings with the indexes a neighbourhood needs."""

    def __init__(self, problem: Problem, meetings: list[Meeting]) -> None:
        self.problem = problem
        self.meetings = sorted(meetings, key=lambda x: (x.start, x.case))
        self.by_case = {x.case: x for x in meetings}
        self.by_fac: dict[str, set[str]] = defaultdict(set)
        self.by_venue: dict[str, set[str]] = defaultdict(set)
        for x in meetings:
            self.by_venue[x.venue].add(x.case)
            for f in x.facilitators:
                self.by_fac[f].add(x.case)

    def touching(
        self, options: Options, hood: list[str], partners: dict[str, set[str]]
    ) -> list[str]:
        """Placed cases outside `hood` that share a usable facilitator, an open venue or
        a keep-apart partner with a case of it: the sub-model's fixed pins."""
        out: set[str] = set()
        for c in hood:
            o = options.cases[c]
            for f in o.usable_facilitators:
                out |= self.by_fac.get(f, set())
            for v in o.open_venues:
                out |= self.by_venue.get(v, set())
            out |= {p for p in partners.get(c, set()) if p in self.by_case}
        return sorted(out - set(hood))

    def regret_hood(
        self,
        options: Options,
        ideals: Ideals,
        movable: list[str],
        centre: dict[str, tuple[float, float]],
        rng: random.Random,
    ) -> list[str]:
        """A case drawn by how far its meeting costs above its ideal, the cases holding
        what its cheapest placements need, and its nearest neighbours up to a dozen."""
        problem = self.problem
        regret = {
            c: obj.meeting_soft_cost(problem, problem.case_by_id[c], x) - ideals.cost[c]
            for c in movable
            if (x := self.by_case.get(c)) is not None and c in ideals.cost
        }
        regret = {c: r for c, r in regret.items() if r > 0}
        if not regret:
            return []
        (pick,) = rng.choices(list(regret), weights=list(regret.values()))
        occ = Occupancy(options, [x for x in self.meetings if x.case != pick])
        case = problem.case_by_id[pick]
        clock, timing = options.clock, options.timing
        hood = {pick}
        for pl in ideals.best.get(pick, []):
            s = clock.instant(pl.start)
            lo, hi = timing.hull(case, s)
            hood |= occ.blockers(pl.venue, lo, hi, pl.facilitators, clock.local_date(s), case)
        hood &= set(movable)
        near = sorted(movable, key=lambda c: math.dist(centre[c], centre[pick]))
        for c in near:
            if len(hood) >= NEAR_HOOD:
                break
            hood.add(c)
        return sorted(hood)

    def max_load(self, outside: set[str]) -> int:
        return max((len(cs) for f, cs in self.by_fac.items() if f not in outside), default=0)

    def with_hood(self, hood: list[str], new: list[Meeting]) -> PlanIndex:
        wanted = set(hood)
        return PlanIndex(self.problem, [x for x in self.meetings if x.case not in wanted] + new)


def case_centres(
    problem: Problem, options: Options, case_ids: list[str]
) -> dict[str, tuple[float, float]]:
    """Kilometre-like plane point of each case: its principals' homes, else its venues."""
    ref = math.cos(math.radians(problem.venues[0].location.lat if problem.venues else 52.0))
    out = {}
    for cid in case_ids:
        case = problem.case_by_id[cid]
        points = [p.home for p in (*case.victims, *case.offenders) if p.home is not None]
        if not points:
            points = [problem.venue_by_id[v].location for v in options.cases[cid].open_venues]
        lat = sum(p.lat for p in points) / max(1, len(points))
        lon = sum(p.lon for p in points) / max(1, len(points))
        out[cid] = (lat * 111.2, lon * 111.2 * ref)
    return out


def case_partners(problem: Problem) -> dict[str, set[str]]:
    """Case → the other cases holding a keep-apart partner of one of its parties."""
    out: dict[str, set[str]] = defaultdict(set)
    for p, q in problem.keep_apart:
        a, b = problem.case_of_party.get(p), problem.case_of_party.get(q)
        if a is not None and b is not None and a.id != b.id:
            out[a.id].add(b.id)
            out[b.id].add(a.id)
    return out


def sub_model(
    problem: Problem, options: Options, hood: list[str], context: list[str], plan: PlanIndex
) -> Model:
    """The hood's cases with their options, the context's meetings as fixed pins whose
    options are cut to that one placement (so they add a handful of variables)."""
    cases = dict(options.cases)
    pins = {c: plan.by_case[c] for c in context}
    for c, x in pins.items():
        cases[c] = replace(
            options.cases[c],
            venue_filter=VenueFilter((), {}),
            rooms={x.venue: (x.room,)},
            venue_starts={},
            facilitator_starts={},
            reach={},
            starts=(),
            team_venues=None,
        )
    sub = replace(options, cases=cases)
    cp = cp_model.CpModel()
    variables = {
        c: new_case_vars(cp, sub, problem.case_by_id[c], pins.get(c)) for c in (*hood, *context)
    }
    m = Model(problem, sub, cp, variables, pins)
    for rule in RULES:
        rule(m)
    return m


def _hold_levels(
    m: Model, problem: Problem, hood: list[str], plan: PlanIndex, released: dict[str, str]
) -> None:
    """Levels 1 and 2 on the hood no worse than the plan has them (the rest is fixed)."""
    wanted = set(hood)
    now = [x for c in hood if (x := plan.by_case.get(c))]
    confirmed = [
        e
        for e in problem.existing
        if e.case in wanted and (e.status == "confirmed" or e.case in released)
    ]
    if confirmed:
        m.cp.add(obj.disruption(m, confirmed) <= obj.plan_disruption(now, confirmed, set(released)))
    m.cp.add(obj.scheduled_priority(only_cases(m, wanted)) >= obj.plan_priority(problem, now))


def only_cases(m: Model, wanted: set[str]) -> Model:
    return replace(m, cases={c: cv for c, cv in m.cases.items() if c in wanted})
