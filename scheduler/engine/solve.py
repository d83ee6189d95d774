"""Solving one part (a set of case ids) lexicographically, with lazy travel cuts.

Levels: 1) disruption (min), 2) scheduled priority (max), 3) soft cost (min). Each
level is solved, then fixed at the value found (exact when proven optimal, else
"no worse than found"), and the next level starts from the previous solution as a
hint. The time limit is split 30/40/30 % with unused time carried to later levels.

Rule 8's travel between venues is added lazily: after each solve, any facilitator
with two same-day meetings at different venues too close in time gets exactly one cut
for that (facilitator, case pair, venue pair) and the level is solved again from the
previous solution. This is exact (the final solution is checked with no cut missing)
and cheap, since most facilitators have at most one meeting a day.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from scheduler.domain import Meeting, Problem, Warning_
from scheduler.engine import objective as obj
from scheduler.engine import rules
from scheduler.engine.extract import Chosen, chosen, colour_waiting_rooms, to_meeting
from scheduler.engine.improve import DESCENT_SHARE, LNS_ABOVE, Ideals, descend, improve
from scheduler.engine.model import Model, new_case_vars
from scheduler.engine.occupancy import Engagement, Travel, travel_between_venues
from scheduler.engine.options import Options, build_options
from scheduler.engine.pins import check_pins
from scheduler.engine.rules import RULES

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


def _travel_violations(m: Model, picks: list[Chosen]) -> list[tuple[str, str, str, str, str]]:
    """(facilitator, case, venue, case, venue) for same-day pairs too close to travel
    between (`occupancy.travel_between_venues`, the rule's Python form)."""
    clock, timing = m.options.clock, m.options.timing
    travel = Travel(m.problem)
    by_fac: dict[tuple[str, object], list[Engagement]] = defaultdict(list)
    for c in picks:
        e = Engagement.planned(
            clock,
            timing,
            m.cases[c.case_id].case,
            c.start,
            venue=c.venue,
            facilitators=(c.lead, *c.cos),
        )
        for f in e.facilitators:
            by_fac[(f, e.day)].append(e)
    out = []
    for (f, _), items in by_fac.items():
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if a.venue is None or b.venue is None or a.venue == b.venue:
                    continue
                if travel_between_venues(a, b, travel.minutes(a.venue, b.venue)):
                    out.append((f, a.case, a.venue, b.case, b.venue))
    return out


def _new_solver(seconds: float, workers: int) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = seconds
    s.parameters.num_workers = workers
    # Presolve probing spent whole seconds on the area-size model (tens of thousands
    # of literals) before any search; without it the first solution comes at once.
    s.parameters.cp_model_probing_level = 0
    # Presolve was still most of a level's time on region size: one pass and no
    # symmetry detection proved level 2 of region-tight in 27 s instead of 40 s.
    s.parameters.max_presolve_iterations = 1
    s.parameters.symmetry_level = 0
    return s


def _hint(m: Model, solver: cp_model.CpSolver) -> None:
    m.cp.clear_hints()
    for var in m.all_vars():
        m.cp.add_hint(var, solver.value(var))


def solve_level(
    m: Model, level_end: float, workers: int, *, soft: bool = False
) -> tuple[cp_model.CpSolver, Any]:
    """Solve `m` until `level_end`, adding travel cuts (rule 8) until no clash is left.

    Returns the solver of the last solution with no travel clash and its status, or the
    last solver and its status when no such solution was found in time.
    """
    best: cp_model.CpSolver | None = None
    best_status = cp_model.UNKNOWN
    while True:
        # Each solve takes 3/4 of what is left of the level, so a solution that
        # needs a travel cut can still be repaired (on area, level 3 spent its
        # whole budget, needed one cut, and the 0.1 s left found nothing).
        left = level_end - time.monotonic()
        s = _new_solver(max(0.05, left if left < 2 else 0.75 * left), workers)
        if soft:
            # No LP relaxation: more LNS rounds. Area, level 3 alone for 30 s from
            # the same start: 2,833 against 3,162 with the default (bound ~1,850).
            s.parameters.linearization_level = 0
        status = s.solve(m.cp)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        cuts = _travel_violations(m, chosen(m, s))
        if cuts:
            for cut in cuts:
                rules.travel_between_venues(m, *cut)
            _hint(m, s)
            continue
        best, best_status = s, status
        if status == cp_model.OPTIMAL or level_end - time.monotonic() < 1.5:
            break
        _hint(m, s)  # time left: go on improving from this solution
    if best is not None:
        return best, best_status
    return s, status


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
    finds none in time. Level 3 starts with single-case moves (`improve.descend`);
    parts over `lns_above` cases then get neighbourhood search (`improve.improve`)
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
            start = mine if solver is None else extract_meetings(m, solver, problem, released)
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
                return _hint_result(problem, m, mine, case_ids, released, t0)
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
            s = _new_solver(max(1.0, level_end - time.monotonic()), workers)
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
            picked = extract_meetings(m, solver, problem, released)
            values[name] = _plan_value(problem, name, picked, released)
            bounds[name] = _trivial_bound(m.options, case_ids, set(m.pinned), name)
            continue
        solver = s
        optimal = optimal and status == cp_model.OPTIMAL
        values[name] = int(round(s.objective_value))
        bound = s.best_objective_bound
        bounds[name] = int(-(-bound // 1)) if name != "scheduled_priority" else int(bound // 1)
        if name == "scheduled_priority":
            m.cp.add(expr >= values[name])
        else:
            m.cp.add(expr <= values[name])
        _hint(m, s)
        carry = max(0.0, level_end - time.monotonic())
    assert solver is not None
    meetings = extract_meetings(m, solver, problem, released)
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
    """Level 3 of a large part by neighbourhood search (`improve.py`) from the level-2 plan."""

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
    """Level 3's bound from each case's cheapest placement alone (`improve.Ideals`)."""
    pins = [x for x in meetings if x.case in fixed]
    # The optimum schedules at least the priority found, given level 1 is proven (else
    # the plan found may have bought priority with disruption): 0 is then all we know.
    level1 = values.get("disruption", 0) == bounds.get("disruption", 0)
    need = values.get("scheduled_priority", 0) if level1 else 0
    return ideals.soft_bound(problem, case_ids, pins, need)


def hint_meetings(m: Model, meetings: list[Meeting]) -> None:
    """Hint a whole valid plan of the model's cases (the others hinted unscheduled).

    A complete hint is CP-SAT's first solution at once: on area size the greedy plan
    as hint gave level 2 its optimum in ~1 s, where a pins-only hint left it searching.
    """
    clock = m.options.clock
    by_case = {x.case: x for x in meetings}
    m.cp.clear_hints()
    for cid, cv in m.cases.items():
        meet = by_case.get(cid)
        if meet is None or meet.venue not in cv.y or meet.lead not in cv.lead:
            m.cp.add_hint(cv.sched, 0)
            for group in (cv.y, cv.x, cv.lead, cv.day, cv.room, cv.wait):
                for lit in group.values():
                    m.cp.add_hint(lit, 0)
            continue
        s = clock.instant(meet.start)
        date = clock.local_date(s)
        held = {a.waiting_room for a in meet.attendance}
        m.cp.add_hint(cv.sched, 1)
        m.cp.add_hint(cv.start, s)
        for v, lit in cv.y.items():
            m.cp.add_hint(lit, int(v == meet.venue))
        for f, lit in cv.x.items():
            m.cp.add_hint(lit, int(f in meet.facilitators))
        for f, lit in cv.lead.items():
            m.cp.add_hint(lit, int(f == meet.lead))
        for d, lit in cv.day.items():
            m.cp.add_hint(lit, int(d == date))
        for (v, r), lit in cv.room.items():
            m.cp.add_hint(lit, int(v == meet.venue and r == meet.room))
        for (v, w), lit in cv.wait.items():
            m.cp.add_hint(lit, int(v == meet.venue and w in held))


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


def extract_meetings(
    m: Model, solver: cp_model.CpSolver, problem: Problem, released: dict[str, str]
) -> list[Meeting]:
    picks = chosen(m, solver)
    waiting = colour_waiting_rooms(m, picks)
    clock = m.options.clock
    confirmed = {
        e.case: e for e in problem.existing if e.status == "confirmed" or e.case in released
    }
    out = []
    for c in picks:
        if c.case_id in m.pinned:
            status = "pinned"
        elif c.case_id in confirmed and (
            clock.instant(confirmed[c.case_id].start) == c.start
            and confirmed[c.case_id].venue == c.venue
        ):
            status = "confirmed"
        else:
            status = "proposed"
        out.append(to_meeting(m, c, waiting[c.case_id], status))
    return sorted(out, key=lambda x: (x.start, x.case))


def change_warnings(
    problem: Problem, meetings: list[Meeting], released: dict[str, str]
) -> list[Warning_]:
    """PIN_RELEASED, and for each confirmed meeting what changed (MEETING_CHANGED / _DROPPED)."""
    out = [
        Warning_(code="PIN_RELEASED", case=c, message=why) for c, why in sorted(released.items())
    ]
    new = {m.case: m for m in meetings}
    for old in problem.existing:
        if old.status != "confirmed" and old.case not in released:
            continue
        m = new.get(old.case)
        if m is None:
            out.append(Warning_(code="MEETING_DROPPED", case=old.case, message="meeting dropped"))
            continue
        parts = []
        if m.start != old.start:
            parts.append(f"start {old.start:%Y-%m-%dT%H:%M} → {m.start:%Y-%m-%dT%H:%M}")
        if m.venue != old.venue:
            parts.append(f"venue {old.venue} → {m.venue}")
        gone = [f for f in old.facilitators if f not in m.facilitators]
        came = [f for f in m.facilitators if f not in old.facilitators]
        for i, f in enumerate(gone):
            parts.append(
                f"facilitator {f} replaced by {came[i]}"
                if i < len(came)
                else f"facilitator {f} removed"
            )
        if m.room != old.room:
            parts.append(f"room {old.room} → {m.room}")
        if parts:
            out.append(Warning_(code="MEETING_CHANGED", case=old.case, message="; ".join(parts)))
    return out
