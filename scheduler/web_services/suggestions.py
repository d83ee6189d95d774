"""Thin adapter over the engine's `suggest(problem, plan, case_id, k)`.

The engine returns placements (whole journeys, for a problem with journeys); the web
needs each as a `Choice`: a plan meeting and, with journeys, the session rows. Until the engine's
suggest module exists in a build, `options` answers None ("not available"), which the
pages and API report plainly rather than failing. `why_none` says, when nothing is
free, what it would take (`engine.make_room`).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

from scheduler.domain import Meeting, Plan, PlanSession, Problem


def available() -> bool:
    return importlib.util.find_spec("scheduler.engine.suggest") is not None


@dataclass(frozen=True)
class Choice:
    """One way to place a case: its conference (None for a case without one) and, for
    a problem with journeys, every session; the soft cost when known."""

    meeting: Meeting | None
    sessions: tuple[PlanSession, ...] = ()
    cost: int | None = None

    @property
    def steps(self) -> list[PlanSession | Meeting]:
        """The sessions, then the conference if there is one."""
        return [*self.sessions, *([self.meeting] if self.meeting is not None else [])]

    @property
    def first(self) -> PlanSession | Meeting | None:
        """The step that starts first (a session, or the conference)."""
        return min(self.steps, key=lambda x: x.start, default=None)

    @property
    def last(self) -> PlanSession | Meeting | None:
        """The step that ends last."""
        return max(self.steps, key=lambda x: x.end, default=None)

    @property
    def lead(self) -> str:
        if self.meeting is not None:
            return self.meeting.lead
        return self.sessions[0].lead if self.sessions else ""


def options(problem: Problem, plan: Plan, case_id: str, k: int) -> list[Choice] | None:
    """Up to `k` ways to place the case, best first; None if unavailable. With journeys,
    each is the whole journey (the conference, if any, and every session)."""
    if not available():
        return None
    from scheduler.engine.suggest import Suggester, suggest

    if problem.has_journeys:
        return [
            Choice(j.meeting, tuple(j.sessions), j.cost)
            for j in Suggester(problem).journeys(plan, case_id, k)
        ]
    out = []
    for placement in suggest(problem, plan, case_id, k):
        out.append(Choice(as_meeting(placement, problem), (), getattr(placement, "cost", None)))
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
    from scheduler.engine.suggest import advise, journey_advice
    from scheduler.wording import advice_lines, humanise, reason_words

    if problem.has_journeys:
        case = problem.case_by_id[case_id]
        return "no whole journey fits around the plan: " + "; ".join(
            f"{reason_words(r.code)} ({humanise(r.message, problem, case)})"
            for r in journey_advice(problem, plan, case_id)
        )
    return " ".join(advice_lines(problem, advise(problem, plan, case_id)))
