"""The best placements for one case against a plan, moving nobody else."""

from __future__ import annotations

from scheduler.domain import Plan, Problem
from scheduler.engine.options import Options, build_options
from scheduler.engine.placement import Occupancy, Placement, search


def suggest(
    problem: Problem,
    plan: Plan | None,
    case_id: str,
    k: int = 5,
    *,
    options: Options | None = None,
) -> list[Placement]:
    """The k cheapest feasible placements of `case_id`, every other meeting of `plan` fixed.

    Each (start, venue) appears once, with its cheapest team, so the k choices are k
    different times or places a coordinator can pick between. A meeting of this case
    already in the plan is ignored (the case is being re-placed). Without a plan, the
    problem's pinned meetings are the fixed ones. Costs leave out the plan-wide
    max-load term. Raises `KeyError` naming an unknown case.
    """
    if case_id not in problem.case_by_id:
        raise KeyError(f"no case {case_id!r} in problem {problem.name!r}")
    if options is None or case_id not in options.cases:
        options = build_options(problem, [case_id])
    if plan is None:
        fixed = [m for m in problem.existing if m.status == "pinned"]
    else:
        fixed = list(plan.meetings)
    occ = Occupancy(options, [m for m in fixed if m.case != case_id])
    return search(occ, case_id, order="best", k=k)
