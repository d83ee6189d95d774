"""The engine's entry point: `allocate(problem)` plans every case.

One pipeline for every caller (`rjsched solve`, the web app's jobs, the Celery
fan-out): `prepare` (options, independent parts, the greedy plan), `plan_units` (a
unit per part with its time and greedy hint), `solve_unit` (one part, never worse
than its hint), then `assemble.assemble` (polish, reasons, objective). The time is
one `Budget`. `allocate` runs the units one after another, so a unit's unused time
goes to the next; a task queue runs them side by side on fixed shares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from scheduler.domain import Meeting, Plan, Problem
from scheduler.engine.assemble import assemble
from scheduler.engine.budget import Budget
from scheduler.engine.options import Options, build_options
from scheduler.engine.partition import fits, localised_options
from scheduler.engine.solve import PartResult, hint_part, solve_part

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Prepared:
    """What every allocation path computes once before solving: options, parts, greedy plan."""

    options: Options  # the problem's options (reasons, bounds, verification)
    solve_options: Options  # the same, localised for the cases of parts over LOCALISE_ABOVE
    exact: bool  # False when some part was localised (its bounds are not the problem's)
    parts: list[list[str]]  # independent parts of `solve_options`, biggest first
    greedy: Plan | None  # the greedy plan on `options`: the floor
    baseline: list[Meeting] | None  # its meetings that fit `solve_options`: the hint


def _baseline(problem: Problem, options: Options) -> Plan | None:
    """The greedy plan: hint and floor (None until the greedy baseline is there)."""
    try:
        from scheduler.engine.greedy import greedy
    except ImportError:
        return None
    return greedy(problem, options)


def prepare(problem: Problem, options: Options | None = None) -> Prepared:
    """Options, the (localised) parts and the greedy plan: the steps before any model."""
    options = options or build_options(problem)
    solve_options, parts, exact = localised_options(problem, options)
    greedy_plan = _baseline(problem, options)
    baseline = None if greedy_plan is None else list(greedy_plan.meetings)
    if baseline is not None and not exact:
        baseline = [m for m in baseline if fits(solve_options, m)]
    return Prepared(options, solve_options, exact, parts, greedy_plan, baseline)


# Under this many seconds a unit gets no model: its greedy meetings stand.
MIN_UNIT_SECONDS = 1.0


@dataclass(frozen=True)
class Unit:
    """A part as one solve: its cases, its seconds, its greedy hint (ids and times only),
    so it can travel through a task queue as `to_doc()`."""

    case_ids: list[str]
    seconds: float
    hint: list[Meeting] | None = None

    def to_doc(self) -> dict[str, object]:
        return {
            "case_ids": list(self.case_ids),
            "seconds": self.seconds,
            "hint": None if self.hint is None else [m.to_doc() for m in self.hint],
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Unit:
        hint = doc.get("hint")
        return cls(
            case_ids=list(doc["case_ids"]),
            seconds=float(doc["seconds"]),
            hint=None if hint is None else [Meeting.model_validate(m, strict=False) for m in hint],
        )


def plan_units(prepared: Prepared, budget: Budget) -> list[Unit]:
    """One unit per part, with its fixed share of `budget` (`Budget.shares`) and its hint,
    for units solved side by side (task queue, process pool)."""
    parts = prepared.parts
    shares = budget.shares(prepared.exact, [len(p) for p in parts])
    return [unit_of(prepared, ids, seconds) for ids, seconds in zip(parts, shares, strict=True)]


def unit_of(prepared: Prepared, ids: list[str], seconds: float) -> Unit:
    """The unit of part `ids` with `seconds` and the greedy plan's meetings of it as hint."""
    wanted = set(ids)
    hint = None if prepared.baseline is None else [m for m in prepared.baseline if m.case in wanted]
    return Unit(list(ids), max(0.0, seconds), hint)


def solve_unit(
    problem: Problem,
    solve_options: Options,
    unit: Unit,
    *,
    workers: int,
    progress: Progress | None = None,
) -> PartResult:
    """Solve one unit on the (localised) options, never worse than its greedy hint.

    With under MIN_UNIT_SECONDS and a hint there is no model: the hint stands. Units
    share nothing in `solve_options`, so a unit at least as good as its hint keeps the
    merged plan at least as good as the greedy meetings that fit those options.
    """
    if unit.hint is not None and unit.seconds < MIN_UNIT_SECONDS:
        return hint_part(problem, solve_options, unit.case_ids, unit.hint)
    result = solve_part(
        problem,
        unit.case_ids,
        time_limit=max(0.5, unit.seconds),
        workers=workers,
        options=solve_options,
        progress=progress,
        hint=unit.hint,
    )
    if unit.hint is not None:
        floor = hint_part(problem, solve_options, unit.case_ids, unit.hint)
        if _part_key(floor) < _part_key(result):
            return replace(floor, seconds=result.seconds)
    return result


def _part_key(r: PartResult) -> tuple[int, int, int]:
    v = r.values
    return (v.get("disruption", 0), -v.get("scheduled_priority", 0), v.get("soft_cost", 0))


def allocate(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    progress: Progress | None = None,
) -> Plan:
    """Plan every case within `time_limit` seconds of wall time (see `budget.py`):
    prepare, then the units one after another (each its share of what is left, so time
    a unit does not use passes on), then `assemble`. A problem with case journeys is
    planned whole, case by case, by `journeys.plan_journeys`."""
    if problem.has_journeys:
        from scheduler.engine.journeys import plan_journeys

        return plan_journeys(problem, time_limit=time_limit, workers=workers, progress=progress)
    budget = Budget.start(time_limit)
    prepared = prepare(problem)
    units_end = budget.units_end(prepared.exact)
    parts = prepared.parts
    total = sum(len(p) for p in parts) or 1
    results: list[PartResult] = []
    done = 0
    for i, ids in enumerate(parts):
        unit = unit_of(prepared, ids, Budget.share(units_end, len(ids), total - done))

        def step(frac: float, msg: str, _i: int = i, _n: int = len(ids), _d: int = done) -> None:
            if progress:
                progress((_d + frac * _n) / total, f"part {_i + 1}/{len(parts)}: {msg}")

        results.append(
            solve_unit(problem, prepared.solve_options, unit, workers=workers, progress=step)
        )
        done += len(ids)
    if progress:
        progress(0.99, "single-case moves on the whole plan")
    plan = finish(problem, prepared.options, prepared.exact, results, prepared.greedy, budget)
    if progress:
        progress(1.0, "done")
    return plan


def finish(
    problem: Problem,
    options: Options,
    exact: bool,
    results: list[PartResult],
    greedy: Plan | list[Meeting] | None,
    budget: Budget,
) -> Plan:
    """The plan from the units' results within `budget`: `polish` until `polish_end`, then
    the full reasons for the reserve (`assemble.assemble`)."""
    floor = greedy.meetings if isinstance(greedy, Plan) else greedy
    return assemble(
        problem,
        options,
        exact,
        results,
        None if floor is None else list(floor),
        started=budget.started,
        polish_end=budget.polish_end,
        reasons_seconds=budget.reasons_reserve,
    )
