"""The engine's allocation pipeline as the jobs use it, and part results as JSON.

One place that knows how a unit and a `PartResult` cross the broker (a unit goes to a
part task, its result through the chord's result backend to the merge: ids, times and
numbers, no personal data). The jobs run the same steps as `engine.allocate`
(`prepare`, `plan_units`, `solve_unit`, `finish`) with the same `Budget`; what is
added here is a per-process cache of the options and the JSON for the broker.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from scheduler.domain import Meeting, Plan, Problem
from scheduler.engine import PartResult, allocate, build_options
from scheduler.engine.allocate import Prepared, Unit, finish, plan_units
from scheduler.engine.allocate import prepare as prepare_units
from scheduler.engine.allocate import solve_unit as solve_one_unit
from scheduler.engine.budget import Budget
from scheduler.engine.options import Options
from scheduler.engine.partition import localised_options
from scheduler.formats.plan import load_plan

# One problem's options per process. Building them takes ~20 s on national size and
# every part task of a request needs the same ones, so a worker keeps the last problem's.
# Keyed by the problem's content, so an edited problem never gets stale options.
_cache: tuple[str, Options, Options, bool] | None = None


def _fingerprint(problem: Problem) -> str:
    text = json.dumps(problem.to_doc(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def options_for(problem: Problem) -> tuple[Options, Options, bool]:
    """(options, options to solve on, exact) of `problem`, cached for the last problem."""
    global _cache
    key = _fingerprint(problem)
    if _cache is None or _cache[0] != key:
        options = build_options(problem)
        solve_options, _, exact = localised_options(problem, options)
        _cache = (key, options, solve_options, exact)
    return _cache[1], _cache[2], _cache[3]


def prepare(problem: Problem) -> Prepared:
    """Options, localised parts and the greedy plan (the options go in the cache too).
    Not for a problem with case journeys: that is one unit (`journeys_units`)."""
    global _cache
    options, _, _ = options_for(problem)
    prepared = prepare_units(problem, options)
    _cache = (_fingerprint(problem), options, prepared.solve_options, prepared.exact)
    return prepared


# Seconds a journeys unit leaves for saving the plan after `plan_journeys` returns.
JOURNEYS_SAVE_SECONDS = 0.5


def journeys_units(problem: Problem, budget: Budget) -> list[Unit]:
    """A problem with case journeys is one unit: the whole problem, planned whole by
    `journeys.plan_journeys` (greedy in the coordinator's order, CP-SAT selection,
    single-case moves, reasons) in what is left of `budget`, as `engine.allocate` does
    in one process. Its sessions tie cases together through their facilitators' weeks
    (S7) and whole journeys (S1), so it is not split into parts."""
    seconds = max(1.0, budget.deadline - time.monotonic() - JOURNEYS_SAVE_SECONDS)
    return [Unit([c.id for c in problem.cases], seconds, None)]


def solve_journeys(problem: Problem, unit: Unit, *, workers: int) -> dict[str, Any]:
    """The whole journeys plan of `unit` as JSON for the merge (ids, times, reason codes
    and messages that name ids only, as every part result)."""
    from scheduler.engine.journeys import plan_journeys

    plan = plan_journeys(problem, time_limit=unit.seconds, workers=workers)
    return {"journeys_plan": plan.to_doc()}


def journeys_plan(parts: list[dict[str, Any]]) -> Plan | None:
    """The plan of a journeys unit's result (`solve_journeys`), or None for conference parts."""
    for doc in parts:
        if "journeys_plan" in doc:
            return load_plan(doc["journeys_plan"])
    return None


def units(prepared: Prepared, budget: Budget) -> list[Unit]:
    """The units with their fixed shares of what is left of `budget` (`Budget.shares`)."""
    return plan_units(prepared, budget)


def floor_of(prepared: Prepared) -> list[dict[str, Any]] | None:
    """The greedy plan's meetings as JSON (ids and times), for the merge's floor."""
    return None if prepared.greedy is None else [m.to_doc() for m in prepared.greedy.meetings]


def solve_unit(problem: Problem, unit: Unit, *, workers: int) -> PartResult:
    _, solve_options, _ = options_for(problem)
    return solve_one_unit(problem, solve_options, unit, workers=workers)


def merge(
    problem: Problem,
    parts: list[PartResult],
    budget: Budget,
    *,
    floor: list[dict[str, Any]] | None = None,
) -> Plan:
    """One plan, as the in-process allocation makes it (`engine.allocate.finish`): the
    parts' meetings or `floor` (the greedy plan's, `floor_of`) when better, single-case
    moves on the whole problem until `budget.polish_end`, then the full reasons for
    unscheduled cases for the budget's reserve, static reasons (or CAPACITY) after."""
    options, _, exact = options_for(problem)
    greedy = None if floor is None else [Meeting.model_validate(m, strict=False) for m in floor]
    return finish(problem, options, exact, parts, greedy, budget)


def solve(
    problem: Problem,
    *,
    time_limit: float,
    workers: int,
    progress: Callable[[float, str], None] | None = None,
) -> Plan:
    return allocate(problem, time_limit=time_limit, workers=workers, progress=progress)


def unit_to_json(unit: Unit) -> dict[str, Any]:
    return unit.to_doc()


def unit_from_json(doc: dict[str, Any]) -> Unit:
    return Unit.from_doc(doc)


def part_to_json(result: PartResult) -> dict[str, Any]:
    return result.to_doc()


def part_from_json(doc: dict[str, Any]) -> PartResult:
    return PartResult.from_doc(doc)
