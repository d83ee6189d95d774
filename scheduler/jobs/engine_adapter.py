"""The engine's decomposition API as the jobs use it, and part results as JSON.

One place that knows how a `PartResult` crosses the broker (the chord's result backend
carries it from a part task to the merge), so the tasks stay unaware of its shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from scheduler.domain import Plan, Problem


def split(problem: Problem) -> list[list[str]]:
    from scheduler.engine import split as engine_split

    return [list(part) for part in engine_split(problem)]


def solve_part(problem: Problem, case_ids: list[str], *, time_limit: float, workers: int) -> Any:
    from scheduler.engine import solve_part as engine_solve_part

    return engine_solve_part(problem, case_ids, time_limit=time_limit, workers=workers)


def merge(problem: Problem, parts: list[Any], wall_seconds: float) -> Plan:
    from scheduler.engine import merge as engine_merge

    return engine_merge(problem, parts, wall_seconds)


def solve(
    problem: Problem,
    *,
    time_limit: float,
    workers: int,
    progress: Callable[[float], None] | None = None,
) -> Plan:
    from scheduler.engine import solve as engine_solve

    return engine_solve(problem, time_limit=time_limit, workers=workers, progress=progress)


def part_to_json(result: Any) -> dict[str, Any]:
    if hasattr(result, "to_json"):
        return result.to_json()
    if hasattr(result, "model_dump"):
        return result.model_dump(mode="json")
    raise TypeError(f"cannot serialise {type(result).__name__}")


def part_from_json(doc: dict[str, Any]) -> Any:
    from scheduler.engine import PartResult

    if hasattr(PartResult, "from_json"):
        return PartResult.from_json(doc)
    return PartResult.model_validate(doc)
