"""Tiny problems for the analysis tests, built on the engine's factories."""

from __future__ import annotations

import json

from scheduler.domain import Plan, Problem, SolverInfo
from scheduler.engine.options import build_options
from scheduler.engine.reasons import unscheduled_reasons
from scheduler.formats import load_plan, load_problem
from scheduler.verify import compute_objective
from tests.engine.factories import case, facilitator, problem, venue
from tests.paths import DATA


def example() -> tuple[Problem, Plan]:
    pr = load_problem((DATA / "small.problem.json").read_text(encoding="utf-8"))
    pl = load_plan((DATA / "small.plan.json").read_text(encoding="utf-8"))
    return pr, pl


def example_docs() -> tuple[dict, dict]:
    return (
        json.loads((DATA / "small.problem.json").read_text(encoding="utf-8")),
        json.loads((DATA / "small.plan.json").read_text(encoding="utf-8")),
    )


def one_case(facs: list[dict] | None = None, venues: list[dict] | None = None, **kw) -> Problem:  # type: ignore[no-untyped-def]
    """One case C1 with one facilitator and one venue unless told otherwise."""
    return problem(facs or [facilitator("F1")], venues or [venue("V1")], [case("C1", **kw)])


def reasons_of(p: Problem, case_id: str = "C1", meetings=()) -> list:  # type: ignore[no-untyped-def]
    return unscheduled_reasons(p, build_options(p), list(meetings), [case_id])[case_id]


def codes(reasons: list) -> set[str]:  # type: ignore[type-arg]
    return {r.code for r in reasons}


def with_meetings(p: Problem, plan: Plan, meetings: list, unscheduled: list) -> Plan:  # type: ignore[type-arg]
    """`plan` with other meetings and unscheduled cases, its objective recomputed.

    A hand-edited plan is no longer proven optimal: FEASIBLE, bound = its own values.
    """
    draft = plan.model_copy(update={"meetings": meetings, "unscheduled": unscheduled})
    value = compute_objective(p, draft)
    solver = SolverInfo(status="FEASIBLE", wall_seconds=0.0, bound=value)
    return draft.model_copy(update={"objective": value, "solver": solver})
