"""Thin adapter over the engine's `suggest(problem, plan, case_id, k)`.

The engine returns placements; the web needs each as a plan meeting. Until the engine's
suggest module exists in a build, `options` answers None ("not available"), which the
pages and API report plainly rather than failing. `why_none` says, when nothing is
free, what it would take (`engine.make_room`).
"""

from __future__ import annotations

import importlib.util
from typing import Any

from scheduler.domain import Meeting, Plan, Problem


def available() -> bool:
    return importlib.util.find_spec("scheduler.engine.suggest") is not None


def options(problem: Problem, plan: Plan, case_id: str, k: int) -> list[tuple[Meeting, Any]] | None:
    """Up to `k` ways to place the case as (meeting, cost or None), best first; None if unavailable."""
    if not available():
        return None
    from scheduler.engine.suggest import suggest

    out = []
    for placement in suggest(problem, plan, case_id, k):
        out.append((as_meeting(placement, problem), getattr(placement, "cost", None)))
    return out


def as_meeting(placement: Any, problem: Problem) -> Meeting:
    if isinstance(placement, Meeting):
        return placement
    if hasattr(placement, "to_meeting"):  # the engine's Placement
        return placement.to_meeting(problem)
    inner = getattr(placement, "meeting", None)
    if isinstance(inner, Meeting):
        return inner
    if isinstance(inner, dict):
        return Meeting.model_validate(inner)
    if hasattr(placement, "to_doc"):
        return Meeting.model_validate(placement.to_doc())
    return Meeting.model_validate(placement)


def why_none(problem: Problem, plan: Plan, case_id: str) -> str:
    """When no free slot fits: which one or two meetings would have to move, or why
    moving others would not help (the reason), in plain words."""
    if not available():
        return "suggestions are not available in this build"
    from scheduler.engine.suggest import advise
    from scheduler.wording import advice_lines

    return " ".join(advice_lines(problem, advise(problem, plan, case_id)))
