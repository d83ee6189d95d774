"""The engine's decomposition API as the jobs use it, and part results as JSON.

One place that knows how a `PartResult` crosses the broker (the chord's result backend
carries it from a part task to the merge: ids, times and numbers, no personal data).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from scheduler.domain import Plan, Problem
from scheduler.engine import PartResult
from scheduler.engine import merge as engine_merge
from scheduler.engine import solve as engine_solve
from scheduler.engine import solve_part as engine_solve_part
from scheduler.engine import split as engine_split


def split(problem: Problem) -> list[list[str]]:
    return [list(part) for part in engine_split(problem)]


def part_time_limit(
    time_limit: float, part: Sequence[str], parts: Sequence[Sequence[str]]
) -> float:
    """A part's share of the time limit, by its number of cases (as `engine.solve` shares it).

    Parts on several workers run side by side, so the wall time falls with more workers
    while the solver time in total stays the same as on one.
    """
    total = sum(len(p) for p in parts) or 1
    return max(1.0, time_limit * len(part) / total)


def solve_part(
    problem: Problem, case_ids: list[str], *, time_limit: float, workers: int
) -> PartResult:
    return engine_solve_part(problem, case_ids, time_limit=time_limit, workers=workers)


def merge(problem: Problem, parts: list[PartResult], wall_seconds: float) -> Plan:
    return engine_merge(problem, parts, wall_seconds)


def solve(
    problem: Problem,
    *,
    time_limit: float,
    workers: int,
    progress: Callable[[float, str], None] | None = None,
) -> Plan:
    return engine_solve(problem, time_limit=time_limit, workers=workers, progress=progress)


def part_to_json(result: PartResult) -> dict[str, Any]:
    return result.to_doc()


def part_from_json(doc: dict[str, Any]) -> PartResult:
    return PartResult.from_doc(doc)
