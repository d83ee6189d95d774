"""Level 3 (the soft cost) beyond what CP-SAT does on a whole part, and its bound.

- `descend`: single-case moves. Each case in turn goes to its cheapest feasible
  placement among everyone else's meetings (`placement.search`), while the soft cost
  falls. Every part's level 3 starts with it.
- `improve`: for parts over `LNS_ABOVE` cases, where CP-SAT on the whole model (a
  210-case region part) found nothing better than its start in 40 s. After `descend`,
  it repeats:
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
- `Ideals`: each case's cheapest placement alone, and from them a lower bound on
  level 3 (`Ideals.soft_bound`).

Every accepted step is a valid plan: each sub-solution obeys every rule against all
the meetings it could touch. No level ever gets worse than the start.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from scheduler.domain import Meeting, Problem
from scheduler.engine import objective as obj
from scheduler.engine.model import Model, new_case_vars
from scheduler.engine.occupancy import Occupancy
from scheduler.engine.options import Options
from scheduler.engine.placement import Placement, search
from scheduler.engine.rules import RULES
from scheduler.engine.venue_rules import VenueFilter

LNS_ABOVE = 80  # parts with more cases than this get level 3 by neighbourhoods
FIRST_K = 25  # cases in the first neighbourhood
MIN_K, MAX_K = 8, 80
NEAR_HOOD = 12  # a targeted neighbourhood is filled up to this many cases
STEP_SECONDS = 3.0  # time limit of one neighbourhood's solve
DESCENT_SHARE = 0.3  # at most this share of level 3's time on single-case moves (small parts)


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
    # Late import: solve.py calls improve() and owns the level-solving loop.
    from scheduler.engine.solve import extract_meetings, hint_meetings, solve_level

    pins = [x for x in meetings if x.case in fixed]
    ideals = Ideals.of(problem, options, case_ids, pins, deadline)
    meetings = descend(
        problem, options, meetings, case_ids, released, fixed=fixed, deadline=deadline
    )
    rng = random.Random(seed)
    movable = [c for c in case_ids if c not in fixed and options.cases[c].schedulable]
    if len(movable) < 2:
        return meetings, ideals
    plan = _Plan(problem, meetings)
    centre = _centres(problem, options, movable)
    partners = _partners(problem)
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
        m = _sub_model(problem, options, hood, context, plan)
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


@dataclass(frozen=True)
class Ideals:
    """Each case's cheapest placements with only the kept pins in place: its soft cost
    can never be lower (other meetings only take options away). Cases not reached
    before the deadline count as free, which only weakens the bound (costs are ≥ 0);
    cases placeable nowhere even alone cannot add priority at all (`never`)."""

    cost: dict[str, int]
    best: dict[str, list[Placement]]
    never: frozenset[str] = frozenset()  # examined and placeable nowhere, even alone

    @classmethod
    def of(
        cls,
        problem: Problem,
        options: Options,
        case_ids: list[str],
        pins: list[Meeting],
        deadline: float,
    ) -> Ideals:
        occ = Occupancy(options, pins)
        pinned = {x.case for x in pins}
        cost: dict[str, int] = {}
        best: dict[str, list[Placement]] = {}
        never: set[str] = set()
        for cid in case_ids:
            if cid in pinned:
                continue
            if not options.cases[cid].schedulable:
                never.add(cid)
                continue
            if time.monotonic() > deadline:
                continue
            got = search(occ, cid, order="best", k=3)
            if got:
                cost[cid], best[cid] = got[0].cost, got
            else:
                never.add(cid)
        return cls(cost, best, frozenset(never))

    def soft_bound(
        self, problem: Problem, case_ids: list[str], pins: list[Meeting], priority: int
    ) -> int:
        """A lower bound on the soft cost of any plan of `case_ids` keeping `pins` and
        scheduling at least `priority`: the pins' own costs plus the cheapest way, by the
        linear relaxation of the covering knapsack, to make up the priority with cases
        at their cheapest placements. The max-load term is left out (bounded below by 0)."""
        total = sum(obj.meeting_soft_cost(problem, problem.case_by_id[x.case], x) for x in pins)
        need = priority - obj.plan_priority(problem, pins)
        pinned = {x.case for x in pins}
        items = sorted(
            (
                (self.cost.get(c, 0), problem.case_by_id[c].priority)
                for c in case_ids
                if c not in pinned and c not in self.never
            ),
            key=lambda cp: cp[0] / max(cp[1], 1),
        )
        frac = 0.0
        for c, p in items:
            if need <= 0:
                break
            if p <= 0:
                continue  # adds no priority: never needed
            frac += min(1.0, need / p) * c
            need -= p
        return total + math.floor(frac)


def descend(
    problem: Problem,
    options: Options,
    meetings: list[Meeting],
    case_ids: list[str],
    released: dict[str, str],
    *,
    fixed: set[str],
    deadline: float,
    passes: int = 10,
) -> list[Meeting]:
    """`meetings` after passes of single-case moves (`_descent`), until a pass gains
    under 0.2 % or `deadline`. Cheap and exact: on region size one pass took the
    level-2 plan's soft cost from 18,741 to 11,755 in 1.2 s, more than CP-SAT on
    the whole part or on neighbourhoods found in 40 s."""
    confirmed = {e.case for e in problem.existing if e.status == "confirmed" or e.case in released}
    cases = [
        c
        for c in case_ids
        if c not in fixed and c not in confirmed and options.cases[c].schedulable
    ]
    plan = _Plan(problem, meetings)
    cost = obj.plan_soft_cost(problem, meetings)
    for n in range(passes):
        plan, new = _descent(
            problem, options, plan, cases if n % 2 == 0 else cases[::-1], cost, deadline
        )
        gained, cost = cost - new, new
        if gained < 0.002 * cost or time.monotonic() > deadline:
            break
    return plan.meetings


def _descent(
    problem: Problem,
    options: Options,
    plan: _Plan,
    cases: list[str],
    cost: int,
    deadline: float,
) -> tuple[_Plan, int]:
    """Move each case, one at a time, to its cheapest placement among all the others'
    meetings (`placement.search`), and place unscheduled ones where they fit, while
    the plan's soft cost goes down. Cases with confirmed meetings stay (level 1)."""
    w = problem.policy.weights
    occ = Occupancy(options, plan.meetings)
    loads = Counter(f for x in plan.meetings for f in x.facilitators)
    for cid in cases:
        if time.monotonic() > deadline:
            break
        now = occ.remove(cid)
        got = search(occ, cid, order="best", k=1)
        case = problem.case_by_id[cid]
        if got:
            new = got[0].to_meeting(problem)
            old_cost = 0 if now is None else obj.meeting_soft_cost(problem, case, now)
            trial = loads.copy()
            if now is not None:
                trial.subtract(now.facilitators)
            trial.update(new.facilitators)
            delta = (
                obj.meeting_soft_cost(problem, case, new)
                - old_cost
                + w.max_load * (max(trial.values()) - max(loads.values(), default=0))
            )
            if now is None or delta < 0:
                occ.add(new)
                loads, cost = trial, cost + delta
                continue
        if now is not None:
            occ.add(now)
    return _Plan(problem, occ.meetings), cost


class _Plan:
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

    def with_hood(self, hood: list[str], new: list[Meeting]) -> _Plan:
        wanted = set(hood)
        return _Plan(self.problem, [x for x in self.meetings if x.case not in wanted] + new)


def _centres(
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


def _partners(problem: Problem) -> dict[str, set[str]]:
    """Case → the other cases holding a keep-apart partner of one of its parties."""
    out: dict[str, set[str]] = defaultdict(set)
    for p, q in problem.keep_apart:
        a, b = problem.case_of_party.get(p), problem.case_of_party.get(q)
        if a is not None and b is not None and a.id != b.id:
            out[a.id].add(b.id)
            out[b.id].add(a.id)
    return out


def _sub_model(
    problem: Problem, options: Options, hood: list[str], context: list[str], plan: _Plan
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
    m: Model, problem: Problem, hood: list[str], plan: _Plan, released: dict[str, str]
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
    m.cp.add(obj.scheduled_priority(_only(m, wanted)) >= obj.plan_priority(problem, now))


def _only(m: Model, wanted: set[str]) -> Model:
    return replace(m, cases={c: cv for c, cv in m.cases.items() if c in wanted})
