"""The engine's decomposition API as the jobs use it, and part results as JSON.

One place that knows how a unit and a `PartResult` cross the broker (a unit goes to a
part task, its result through the chord's result backend to the merge: ids, times and
numbers, no personal data). The jobs use the same pieces as `engine.decompose.solve`:
the localised parts, the greedy plan as hint and floor per unit, a time share per
unit, and reasons at the merge bounded by a deadline.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from scheduler.domain import Meeting, Plan, Problem
from scheduler.engine import PartResult, build_options, decompose
from scheduler.engine import solve as engine_solve
from scheduler.engine.decompose import Prepared, Unit
from scheduler.engine.options import Options


# Reasons and saving after the parts (as `decompose.solve` keeps back): the merge gets
# at least this long for the full reasons, and the part shares leave it out.
def reasons_reserve(time_limit: float) -> float:
    return min(0.1 * time_limit, 5.0)


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
        solve_options, _, exact = decompose.localised_options(problem, options)
        _cache = (key, options, solve_options, exact)
    return _cache[1], _cache[2], _cache[3]


def prepare(problem: Problem) -> Prepared:
    """Options, localised parts and the greedy plan (the options go in the cache too)."""
    global _cache
    options, _, _ = options_for(problem)
    prepared = decompose.prepare(problem, options)
    _cache = (_fingerprint(problem), options, prepared.solve_options, prepared.exact)
    return prepared


def units(prepared: Prepared, *, time_limit: float, elapsed: float) -> list[Unit]:
    """The units with their shares of what is left of `time_limit` after `elapsed`.

    Choice: the shares add up to what is left (less the reasons reserve), not that times
    the number of workers: on one worker the run keeps to the time limit like the
    in-process solve, and more workers make it shorter rather than longer-searching.
    """
    budget = time_limit - elapsed - reasons_reserve(time_limit)
    budget -= decompose.polish_share(prepared.exact, budget)
    return decompose.plan_units(prepared, budget)


def floor_of(prepared: Prepared) -> list[dict[str, Any]] | None:
    """The greedy plan's meetings as JSON (ids and times), for the merge's floor."""
    return None if prepared.greedy is None else [m.to_doc() for m in prepared.greedy.meetings]


def solve_unit(problem: Problem, unit: Unit, *, workers: int) -> PartResult:
    _, solve_options, _ = options_for(problem)
    return decompose.solve_unit(problem, solve_options, unit, workers=workers)


def merge(
    problem: Problem,
    parts: list[PartResult],
    wall_seconds: float,
    *,
    reasons_seconds: float | None = None,
    floor: list[dict[str, Any]] | None = None,
    polish_seconds: float = 0.0,
) -> Plan:
    """One plan, as the in-process solve makes it: the parts' meetings or `floor` (the
    greedy plan's, `floor_of`) when better, single-case moves on the whole problem for
    `polish_seconds` (`decompose.polish`), then the full reasons for unscheduled cases
    only for `reasons_seconds` (None: no limit), static reasons (or CAPACITY) after."""
    options, _, exact = options_for(problem)
    greedy = None if floor is None else [Meeting.model_validate(m, strict=False) for m in floor]
    now = time.monotonic()
    return decompose.assemble(
        problem,
        options,
        exact,
        parts,
        greedy,
        started=now - wall_seconds,
        polish_end=now + max(0.0, polish_seconds),
        reasons_seconds=reasons_seconds,
    )


def solve(
    problem: Problem,
    *,
    time_limit: float,
    workers: int,
    progress: Callable[[float, str], None] | None = None,
) -> Plan:
    return engine_solve(problem, time_limit=time_limit, workers=workers, progress=progress)


def unit_to_json(unit: Unit) -> dict[str, Any]:
    return unit.to_doc()


def unit_from_json(doc: dict[str, Any]) -> Unit:
    return Unit.from_doc(doc)


def part_to_json(result: PartResult) -> dict[str, Any]:
    return result.to_doc()


def part_from_json(doc: dict[str, Any]) -> PartResult:
    return PartResult.from_doc(doc)
