"""Solving one part (a set of case ids) lexicographically, with lazy travel cuts.

Levels: 1) disruption (min), 2) scheduled priority (max), 3) soft cost (min). Each
level is solved, then fixed at the value found (exact when proven optimal, else
"no worse than found"), and the next level starts from the previous solution as a
hint. The time limit is split 30/40/30 % with unused time carried to later levels.

Each level's search is one function: level 2 (`solve_priority_level`) is where a
level-2 search of its own (neighbourhoods on crowded parts) plugs in. Running CP-SAT
itself (settings, hints, rule 8's lazy travel cuts, reading meetings back) is in
`cpsat_run.py`; level 3 of large parts in `neighbourhoods.py`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from scheduler.domain import Meeting, Problem
from scheduler.engine import objective as obj
from scheduler.engine.cpsat_run import (
    extract_meetings,
    hint_from_solution,
    hint_meetings,
    new_solver,
    solve_level,
)
from scheduler.engine.model import Model, new_case_vars
from scheduler.engine.neighbourhoods import LNS_ABOVE, improve
from scheduler.engine.options import Options, build_options
from scheduler.engine.pins import check_pins
from scheduler.engine.priority_hoods import raise_priority
from scheduler.engine.rules import RULES
from scheduler.engine.single_moves import DESCENT_SHARE, descend
from scheduler.engine.soft_bound import Ideals

Progress = Callable[[float, str], None]
LEVELS = ("disruption", "scheduled_priority", "soft_cost")
SHARES = (0.3, 0.4, 0.3)


@dataclass
class PartResult:
    """The outcome of one part; `to_doc`/`from_doc` make it JSON-safe for task queues."""

    case_ids: list[str]
    meetings: list[Meeting]
    values: dict[str, int]
    bounds: dict[str, int]
    optimal: bool
    released: dict[str, str] = field(default_factory=dict)  # case id → why the pin went
    seconds: float = 0.0

    def to_doc(self) -> dict[str, Any]:
        return {
            "case_ids": self.case_ids,
            "meetings": [m.to_doc() for m in self.meetings],
            "values": self.values,
            "bounds": self.bounds,
            "optimal": self.optimal,
            "released": self.released,
            "seconds": self.seconds,
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> PartResult:
        return cls(
            case_ids=list(doc["case_ids"]),
            meetings=[Meeting.model_validate(m, strict=False) for m in doc["meetings"]],
            values=dict(doc["values"]),
            bounds=dict(doc["bounds"]),
            optimal=bool(doc["optimal"]),
            released=dict(doc.get("released", {})),
            seconds=float(doc.get("seconds", 0.0)),
        )


def build_model(
    problem: Problem, options: Options, case_ids: list[str]
) -> tuple[Model, dict[str, str]]:
    """The model of `case_ids` with every hard rule, and the pins released (case → why)."""
    wanted = set(case_ids)
    pins = [m for m in problem.existing if m.status == "pinned" and m.case in wanted]
    kept, released = check_pins(options, pins)
    kept_by_case = {m.case: m for m in kept}
    cp = cp_model.CpModel()
    cases = {
        c.id: new_case_vars(cp, options, c, kept_by_case.get(c.id))
        for c in problem.cases
        if c.id in wanted
    }
    m = Model(problem, options, cp, cases, kept_by_case)
    for rule in RULES:
        rule(m)
    return m, released


@dataclass
class PriorityOutcome:
    """Level 2's result: CP-SAT's solver of its best solution with its status, the best
    upper bound any of its runs proved, and `meetings` when neighbourhood search found
    a plan of more priority than that solution (else None: the solver's plan stands)."""

    solver: cp_model.CpSolver
    status: Any
    bound: float
    meetings: list[Meeting] | None = None


# Level 2 of parts over HOODS_ABOVE cases, when CP-SAT has not proven it in the first
# FIRST_SHARE of its time: neighbourhood search (`priority_hoods.raise_priority`) for
# the next HOODS_SHARE, then CP-SAT again from that plan for the rest (a better bound,
# and sometimes a better plan). See docs/engine.md, "Scarce facilitators".
HOODS_ABOVE = 40
FIRST_SHARE, HOODS_SHARE = 0.25, 0.45


def solve_priority_level(
    m: Model,
    level_end: float,
    workers: int,
    released: dict[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
    start: list[Meeting] | None = None,
) -> PriorityOutcome:
    """Level 2: the most priority scheduled, level 1 already held, until `level_end`.

    The model's objective is set and its hint is the level-1 solution (or the greedy
    plan), whose meetings are `start` (None: no valid plan to start from). Small parts,
    and parts CP-SAT proves in its first share, are CP-SAT alone; crowded ones get
    neighbourhoods that free what blocks the cases left out, from CP-SAT's solution or,
    when it found none in its share, from `start`.
    """
    t = time.monotonic()
    budget = level_end - t
    if len(m.cases) <= HOODS_ABOVE:
        s, status = solve_level(m, level_end, workers)
        return PriorityOutcome(s, status, _upper_bound(s, status))
    s, status = solve_level(m, t + FIRST_SHARE * budget, workers)
    solved = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if status == cp_model.OPTIMAL or status == cp_model.INFEASIBLE or (not solved and not start):
        return PriorityOutcome(s, status, _upper_bound(s, status))
    released = released or {}
    problem = m.problem
    bound = _upper_bound(s, status)
    found = s.objective_value if solved else -1.0
    first = extract_meetings(m, s, problem, released) if solved else list(start or [])
    if progress:
        got = found if solved else obj.plan_priority(problem, first)
        progress(f"level 2: priority {got:g}, freeing what blocks the cases left out")
    better = raise_priority(
        problem,
        m.options,
        first,
        list(m.cases),
        released,
        fixed=set(m.pinned),
        deadline=t + (FIRST_SHARE + HOODS_SHARE) * budget,
        workers=workers,
        progress=progress,
    )
    raised = obj.plan_priority(problem, better)
    if progress:
        progress(f"level 2: priority {max(raised, found):g}, CP-SAT again from there")
    if raised > found:
        hint_meetings(m, better)
    else:
        hint_from_solution(m, s)
    if level_end - time.monotonic() > 1.0:
        s2, status2 = solve_level(m, level_end, workers)
        if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = min(bound, s2.best_objective_bound)
            if s2.objective_value >= max(raised, found):
                return PriorityOutcome(s2, status2, bound)
            if s2.objective_value >= found:
                s, status, found = s2, status2, s2.objective_value
    return PriorityOutcome(s, status, bound, better if raised > found else None)


def _upper_bound(s: cp_model.CpSolver, status: Any) -> float:
    """CP-SAT's bound, from a run that found a solution only (else it may not be one)."""
    return s.best_objective_bound if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else math.inf


def solve_part(
    problem: Problem,
    case_ids: list[str],
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    options: Options | None = None,
    progress: Progress | None = None,
    hint: list[Meeting] | None = None,
    lns_above: int = LNS_ABOVE,
) -> PartResult:
    """Solve the cases `case_ids` of `problem` on their own (a part of a decomposition).

    `time_limit` covers building the model too. `hint` is a valid plan's meetings (the
    greedy baseline's): the first solution CP-SAT starts from, and the answer when it
    finds none in time. Level 3 starts with single-case moves (`single_moves.descend`);
    parts over `lns_above` cases then get neighbourhood search (`neighbourhoods.improve`)
    instead of CP-SAT on the whole part.
    """
    t0 = time.monotonic()
    options = options or build_options(problem, case_ids)
    m, released = build_model(problem, options, case_ids)
    time_limit = max(0.5, time_limit - (time.monotonic() - t0))
    confirmed = [
        e
        for e in problem.existing
        if e.case in set(case_ids) and (e.status == "confirmed" or e.case in released)
    ]
    # Each level's expression is built when its turn comes: the soft cost's helper
    # variables (km, interpreter, max load) only slowed level 2's presolve.
    makers = (
        lambda: obj.disruption(m, confirmed),
        lambda: obj.scheduled_priority(m),
        lambda: obj.soft_cost(m),
    )
    values: dict[str, int] = {}
    bounds: dict[str, int] = {}
    optimal = True
    solver: cp_model.CpSolver | None = None
    carry = 0.0
    mine = [h for h in hint or [] if h.case in m.cases]
    floor: list[Meeting] | None = None  # level 3's start after single-case moves
    raised: list[Meeting] | None = None  # level 2's plan when better than `solver`'s
    ideals: Ideals | None = None  # each case's cheapest placement alone: level 3's bound
    fixed: set[str] = set()
    if hint is not None:
        hint_meetings(m, mine)
    else:
        for cid, cv in m.cases.items():  # a first solution: only the pins
            m.cp.add_hint(cv.sched, int(cid in m.pinned))
    for i, (name, make) in enumerate(zip(LEVELS, makers, strict=True)):
        if progress:
            progress(i / 3, f"level {i + 1}: {name.replace('_', ' ')}")
        budget = SHARES[i] * time_limit + carry
        if name == "disruption" and not confirmed:
            # Nothing to disrupt: level 1 is 0 by construction; its time goes on.
            values[name] = bounds[name] = 0
            carry = budget
            continue
        level_end = time.monotonic() + budget
        if name == "soft_cost":
            start = (
                raised
                if raised is not None
                else mine
                if solver is None
                else extract_meetings(m, solver, problem, released)
            )
            fixed = set(m.pinned)
            if len(case_ids) > lns_above:
                del m, solver  # the whole-part model is not needed any more: free its memory
                return _improved(
                    problem,
                    options,
                    start,
                    case_ids,
                    released,
                    fixed,
                    values,
                    bounds,
                    level_end,
                    workers,
                    progress,
                    t0,
                )
            # Single-case moves first (seconds), then CP-SAT from there; never worse.
            pins = [x for x in start if x.case in fixed]
            ideals = Ideals.of(problem, options, case_ids, pins, time.monotonic() + 0.1 * budget)
            floor = descend(
                problem,
                options,
                start,
                case_ids,
                released,
                fixed=fixed,
                deadline=time.monotonic() + DESCENT_SHARE * budget,
            )
            hint_meetings(m, floor)
        expr = make()
        if name == "scheduled_priority":
            m.cp.maximize(expr)
        else:
            m.cp.minimize(expr)
        outcome: PriorityOutcome | None = None
        if name == "scheduled_priority":
            outcome = solve_priority_level(
                m,
                level_end,
                workers,
                released,
                lambda msg: progress(1 / 3, msg) if progress else None,
                start=(
                    extract_meetings(m, solver, problem, released)
                    if solver is not None
                    else mine
                    if hint is not None
                    else None
                ),
            )
            s, status = outcome.solver, outcome.status
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and outcome.meetings:
                # CP-SAT found nothing in time, neighbourhoods raised the start: their
                # plan is level 2's, with the weakest honest bound.
                optimal = False
                raised = outcome.meetings
                values[name] = obj.plan_priority(problem, raised)
                bounds[name] = _trivial_bound(m.options, case_ids, set(m.pinned), name)
                m.cp.add(expr >= values[name])
                hint_meetings(m, raised)
                carry = max(0.0, level_end - time.monotonic())
                continue
        else:
            s, status = solve_level(m, level_end, workers, soft=name == "soft_cost")
        if (
            status not in (cp_model.OPTIMAL, cp_model.FEASIBLE)
            and solver is None
            and hint is not None
        ):
            # No solution in time (a model too big for its budget): the hint is a
            # valid plan, so it stands at this level, with the weakest honest bound,
            # and the next level starts from it (it is still the model's hint).
            if name == LEVELS[-1]:
                plan = raised if raised is not None else mine
                return _hint_result(problem, m, plan, case_ids, released, t0)
            optimal = False
            values[name] = _plan_value(problem, name, mine, released)
            bounds[name] = _trivial_bound(m.options, case_ids, set(m.pinned), name)
            if name == "scheduled_priority":
                m.cp.add(expr >= values[name])
            else:
                m.cp.add(expr <= values[name])
            carry = max(0.0, level_end - time.monotonic())
            continue
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver is None:
            # No plan in time at level 1: fall back to the pins alone (always valid,
            # since `check_pins` kept only pins that agree with each other).
            optimal = False
            for cid, cv in m.cases.items():
                if cid not in m.pinned:
                    m.cp.add(cv.sched == 0)
            s = new_solver(max(1.0, level_end - time.monotonic()), workers)
            status = s.solve(m.cp)
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                raise RuntimeError(
                    f"no plan found for {len(case_ids)} cases ({s.status_name(status)})"
                )
        elif status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            assert solver is not None
            # Keep the previous level's solution, with the exact figure of that plan
            # and the weakest honest bound (nothing was proven at this level).
            optimal = False
            picked = (
                raised if raised is not None else extract_meetings(m, solver, problem, released)
            )
            values[name] = _plan_value(problem, name, picked, released)
            bounds[name] = _trivial_bound(m.options, case_ids, set(m.pinned), name)
            continue
        solver = s
        raised = None
        optimal = optimal and status == cp_model.OPTIMAL
        values[name] = int(round(s.objective_value))
        bound = s.best_objective_bound if outcome is None else outcome.bound
        bounds[name] = int(-(-bound // 1)) if name != "scheduled_priority" else int(bound // 1)
        if outcome is not None and outcome.meetings is not None:
            # Neighbourhoods beat CP-SAT's last solution: their plan is level 2's.
            raised = outcome.meetings
            values[name] = obj.plan_priority(problem, raised)
            optimal = optimal and values[name] >= bounds[name]
        if name == "scheduled_priority":
            m.cp.add(expr >= values[name])
        else:
            m.cp.add(expr <= values[name])
        if raised is not None:
            hint_meetings(m, raised)
        else:
            hint_from_solution(m, s)
        carry = max(0.0, level_end - time.monotonic())
    assert solver is not None
    meetings = raised if raised is not None else extract_meetings(m, solver, problem, released)
    if floor is not None and obj.plan_key(problem, floor, set(released)) < obj.plan_key(
        problem, meetings, set(released)
    ):
        meetings = sorted(floor, key=lambda x: (x.start, x.case))
        values = {name: _plan_value(problem, name, meetings, released) for name in LEVELS}
        optimal = False
    if ideals is not None:
        cheap = _soft_bound(problem, ideals, case_ids, meetings, fixed, values, bounds)
        bounds["soft_cost"] = max(bounds.get("soft_cost", 0), cheap)
    if progress:
        progress(1.0, "done")
    return PartResult(
        case_ids=list(case_ids),
        meetings=meetings,
        values=values,
        bounds=bounds,
        optimal=optimal,
        released=released,
        seconds=time.monotonic() - t0,
    )


def _improved(
    problem: Problem,
    options: Options,
    start: list[Meeting],
    case_ids: list[str],
    released: dict[str, str],
    fixed: set[str],
    values: dict[str, int],
    bounds: dict[str, int],
    level_end: float,
    workers: int,
    progress: Progress | None,
    t0: float,
) -> PartResult:
    """Level 3 of a large part by neighbourhood search (`neighbourhoods.py`) from the level-2 plan."""

    def step(msg: str) -> None:
        if progress:
            progress(2 / 3 + (1 / 3) * min(1.0, 1 - (level_end - time.monotonic()) / budget), msg)

    budget = max(1e-6, level_end - time.monotonic())
    meetings, ideals = improve(
        problem,
        options,
        start,
        case_ids,
        released,
        fixed=fixed,
        deadline=level_end,
        workers=workers,
        progress=step,
    )
    # Levels 1 and 2 are held no worse: if they were proven, they still are.
    values = {name: _plan_value(problem, name, meetings, released) for name in LEVELS}
    soft = _soft_bound(problem, ideals, case_ids, meetings, fixed, values, bounds)
    return _result(case_ids, meetings, values, {**bounds, "soft_cost": soft}, released, t0)


def _soft_bound(
    problem: Problem,
    ideals: Ideals,
    case_ids: list[str],
    meetings: list[Meeting],
    fixed: set[str],
    values: dict[str, int],
    bounds: dict[str, int],
) -> int:
    """Level 3's bound from each case's cheapest placement alone (`soft_bound.Ideals`)."""
    pins = [x for x in meetings if x.case in fixed]
    # The optimum schedules at least the priority found, given level 1 is proven (else
    # the plan found may have bought priority with disruption): 0 is then all we know.
    level1 = values.get("disruption", 0) == bounds.get("disruption", 0)
    need = values.get("scheduled_priority", 0) if level1 else 0
    return ideals.soft_bound(problem, case_ids, pins, need)


def _hint_result(
    problem: Problem,
    m: Model,
    meetings: list[Meeting],
    case_ids: list[str],
    released: dict[str, str],
    t0: float,
) -> PartResult:
    """The hint as the part's answer; bounds are the trivial ones (nothing was proven)."""
    return _as_result(problem, m.options, meetings, case_ids, set(m.pinned), released, t0)


def hint_part(
    problem: Problem, options: Options, case_ids: list[str], hint: list[Meeting]
) -> PartResult:
    """The hint's meetings of `case_ids` as the part's answer, with no model at all: for
    parts reached when the time limit is already spent."""
    wanted = set(case_ids)
    pins = [x for x in problem.existing if x.status == "pinned" and x.case in wanted]
    kept, released = check_pins(options, pins)
    mine = [x for x in hint if x.case in wanted]
    pinned = {x.case for x in kept}
    return _as_result(problem, options, mine, case_ids, pinned, released, time.monotonic())


def _as_result(
    problem: Problem,
    options: Options,
    meetings: list[Meeting],
    case_ids: list[str],
    pinned: set[str],
    released: dict[str, str],
    t0: float,
) -> PartResult:
    values = {name: _plan_value(problem, name, meetings, released) for name in LEVELS}
    bounds = {name: _trivial_bound(options, case_ids, pinned, name) for name in LEVELS}
    return _result(case_ids, meetings, values, bounds, released, t0)


def _result(
    case_ids: list[str],
    meetings: list[Meeting],
    values: dict[str, int],
    bounds: dict[str, int],
    released: dict[str, str],
    t0: float,
) -> PartResult:
    """A part's result from a plan found outside CP-SAT's last level (never OPTIMAL)."""
    return PartResult(
        case_ids=list(case_ids),
        meetings=sorted(meetings, key=lambda x: (x.start, x.case)),
        values=values,
        bounds=bounds,
        optimal=False,
        released=released,
        seconds=time.monotonic() - t0,
    )


def _plan_value(
    problem: Problem, level: str, meetings: list[Meeting], released: dict[str, str]
) -> int:
    if level == "disruption":
        return obj.plan_disruption(meetings, problem.existing, set(released))
    if level == "scheduled_priority":
        return obj.plan_priority(problem, meetings)
    return obj.plan_soft_cost(problem, meetings)


def _trivial_bound(options: Options, case_ids: list[str], pinned: set[str], level: str) -> int:
    """A bound that needs no proof: 0 for the minimised levels, every placeable case."""
    if level != "scheduled_priority":
        return 0
    return sum(
        options.problem.case_by_id[c].priority
        for c in case_ids
        if options.cases[c].schedulable or c in pinned
    )
