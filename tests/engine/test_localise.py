"""Geographic localisation of big parts: disjoint resources per part, valid plans, honest bounds."""

from __future__ import annotations

import importlib

from scheduler.engine import build_options, solve, split
from scheduler.engine.partition import localise
from scheduler.formats import load_problem
from scheduler.generate import generate_problem
from tests.engine.factories import check

partition = importlib.import_module("scheduler.engine.partition")


def _problem():  # type: ignore[no-untyped-def]
    return load_problem(generate_problem("small", 5))


def test_localised_parts_share_no_venue_or_facilitator(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(partition, "CASES_PER_CLUSTER", 4)
    p = _problem()
    lo = localise(p, build_options(p))
    owner: dict[str, int] = {}
    for i, ids in enumerate(split(p, lo)):
        for cid in ids:
            o = lo.cases[cid]
            for key in [
                *(f"v{v}" for v in o.open_venues),
                *(f"f{f}" for f in o.usable_facilitators),
            ]:
                assert owner.setdefault(key, i) == i, key


def test_localised_solve_is_valid_with_honest_bounds(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Localised parts prove nothing about the problem: levels 1 and 2 get the trivial
    bounds, level 3 the relaxation bound worked out on the problem's own options."""
    monkeypatch.setattr(partition, "LOCALISE_ABOVE", 0)
    monkeypatch.setattr(partition, "CASES_PER_CLUSTER", 4)
    p = _problem()
    plan = solve(p, time_limit=8)
    check(p, plan)
    assert plan.solver.status == "FEASIBLE"
    assert plan.solver.bound.disruption == 0
    assert 0 < plan.solver.bound.soft_cost <= plan.objective.soft_cost
    assert plan.solver.bound.scheduled_priority >= plan.objective.scheduled_priority
