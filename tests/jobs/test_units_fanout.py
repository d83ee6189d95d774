"""The jobs' units: the same pieces as the in-process solve (localised parts, greedy
hint and floor, time shares, bounded reasons), and JSON-safe for the broker."""

from __future__ import annotations

import json

import pytest

from scheduler.engine import partition
from scheduler.engine.budget import Budget
from scheduler.engine.solve import hint_part
from scheduler.formats import load_problem
from scheduler.jobs import engine_adapter as solver
from scheduler.jobs.bench import regions
from scheduler.verify import verify
from tests.jobs.conftest import example_docs


def _allocate(doc: dict, time_limit: float):  # type: ignore[no-untyped-def,type-arg]
    problem = load_problem(doc)
    budget = Budget.start(time_limit)
    prepared = solver.prepare(problem)
    units = solver.units(prepared, budget)
    results = [
        solver.part_from_json(
            json.loads(
                json.dumps(
                    solver.part_to_json(
                        solver.solve_unit(
                            problem,
                            solver.unit_from_json(json.loads(json.dumps(solver.unit_to_json(u)))),
                            workers=1,
                        )
                    )
                )
            )
        )
        for u in units
    ]
    return problem, prepared, units, solver.merge(problem, results, budget)


def test_units_share_the_budget_and_carry_their_hint() -> None:
    problem, prepared, units, plan = _allocate(regions(example_docs()[0], 2), 10.0)
    assert len(units) == len(prepared.parts) >= 2
    # The shares add up to what is left after the options and the greedy plan, less
    # the reasons' reserve: never more than the time limit less that reserve.
    budget = Budget.start(10.0)
    assert 0 < sum(u.seconds for u in units) <= 10.0 - budget.reasons_reserve
    for u in units:
        assert u.hint is not None
        assert {m.case for m in u.hint} <= set(u.case_ids)
    assert verify(problem, plan) == []
    assert prepared.greedy is not None
    assert plan.objective.scheduled_priority >= prepared.greedy.objective.scheduled_priority
    assert len(plan.meetings) + len(plan.unscheduled) == len(problem.cases)


def test_a_large_part_is_localised_into_units(monkeypatch: pytest.MonkeyPatch) -> None:
    # The example is small: make every part "large" so that the localising path runs.
    monkeypatch.setattr(partition, "LOCALISE_ABOVE", 2)
    monkeypatch.setattr(partition, "CASES_PER_CLUSTER", 3)
    monkeypatch.setattr(solver, "_cache", None)
    problem, prepared, units, plan = _allocate(example_docs()[0], 10.0)
    assert not prepared.exact
    assert verify(problem, plan) == []
    assert plan.solver.status == "FEASIBLE"  # localised: no optimality claimed
    assert sum(len(u.case_ids) for u in units) == sum(len(p) for p in prepared.parts)


def test_no_time_left_keeps_the_greedy_meetings() -> None:
    problem, prepared, units, plan = _allocate(example_docs()[0], 0.0)
    assert all(u.seconds == 0.0 for u in units)
    assert verify(problem, plan) == []
    assert prepared.greedy is not None
    assert plan.objective.scheduled_priority == prepared.greedy.objective.scheduled_priority


def test_merge_is_never_worse_than_the_greedy_plan_kept_with_the_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Localised units can lose cases greedy placed across a cluster border; the merge
    takes the greedy plan (as `floor_of` stores it with the request) when it is better,
    then polishes whichever stands by single-case moves."""
    monkeypatch.setattr(partition, "LOCALISE_ABOVE", 2)
    monkeypatch.setattr(partition, "CASES_PER_CLUSTER", 2)
    monkeypatch.setattr(solver, "_cache", None)
    problem, prepared, units, _ = _allocate(example_docs()[0], 0.0)
    assert prepared.greedy is not None
    # Parts that placed nothing at all: only the floor can give the plan its meetings.
    empty = [hint_part(problem, prepared.solve_options, u.case_ids, []) for u in units]
    floor = json.loads(json.dumps(solver.floor_of(prepared)))
    plan = solver.merge(problem, empty, Budget.since(11.0, elapsed=1.0), floor=floor)
    assert verify(problem, plan) == []
    g = prepared.greedy.objective
    assert plan.objective.disruption <= g.disruption
    assert plan.objective.scheduled_priority >= g.scheduled_priority
    assert plan.objective.soft_cost <= g.soft_cost
