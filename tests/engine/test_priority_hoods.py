"""Level 2 by neighbourhoods that free what blocks the cases left out
(`engine/priority_hoods.py`, issue 9): every plan stays valid, priority never falls
below the start (the greedy plan), and level 1 is held."""

from __future__ import annotations

import importlib
import time

import pytest

from scheduler.engine import build_options, merge, solve
from scheduler.engine import objective as obj
from scheduler.engine.bench import disrupt
from scheduler.engine.greedy import greedy
from scheduler.engine.priority_hoods import raise_priority
from scheduler.engine.solve import PartResult, solve_part
from scheduler.formats import load_problem
from scheduler.generate import generate_problem
from scheduler.verify import verify

# The module (the package's `solve` is the entry point, a function).
solve_module = importlib.import_module("scheduler.engine.solve")


@pytest.fixture(scope="module")
def area_scarce():  # type: ignore[no-untyped-def]
    return load_problem(generate_problem("area", 1, scarce=True))


def _valid(problem, ids, meetings) -> None:  # type: ignore[no-untyped-def]
    plan = merge(problem, [PartResult(ids, meetings, {}, {}, optimal=False)], 0.0)
    bad = verify(problem, plan)
    assert bad == [], "\n".join(str(v) for v in bad)


@pytest.mark.parametrize("seed", [1, 2])
def test_raise_priority_from_greedy_keeps_every_rule(seed: int) -> None:
    problem = load_problem(generate_problem("area", seed, scarce=True))
    options = build_options(problem)
    start = greedy(problem, options)
    ids = [c.id for c in problem.cases]
    got = raise_priority(
        problem,
        options,
        list(start.meetings),
        ids,
        {},
        fixed=set(),
        deadline=time.monotonic() + 3,
        workers=2,
    )
    assert obj.plan_priority(problem, got) >= start.objective.scheduled_priority
    assert len({x.case for x in got}) == len(got)
    _valid(problem, ids, got)


def test_raise_priority_from_an_empty_plan_schedules_cases(area_scarce) -> None:  # type: ignore[no-untyped-def]
    options = build_options(area_scarce)
    ids = [c.id for c in area_scarce.cases]
    got = raise_priority(
        area_scarce, options, [], ids, {}, fixed=set(), deadline=time.monotonic() + 4, workers=2
    )
    assert obj.plan_priority(area_scarce, got) > 0
    _valid(area_scarce, ids, got)


def test_level_two_with_neighbourhoods_never_below_greedy(area_scarce, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Force the crowded-part path on an area part: a first CP-SAT run too short to
    # prove, then neighbourhoods, then CP-SAT again.
    monkeypatch.setattr(solve_module, "HOODS_ABOVE", 0)
    options = build_options(area_scarce)
    ids = [c.id for c in area_scarce.cases]
    g = greedy(area_scarce, options)
    r = solve_part(area_scarce, ids, time_limit=4, workers=2, options=options, hint=g.meetings)
    assert r.values["scheduled_priority"] >= g.objective.scheduled_priority
    assert r.values["scheduled_priority"] <= r.bounds["scheduled_priority"]
    assert r.values["scheduled_priority"] == obj.plan_priority(area_scarce, r.meetings)
    _valid(area_scarce, ids, r.meetings)


def test_level_one_is_held_on_a_replan(area_scarce, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(solve_module, "HOODS_ABOVE", 0)
    doc = generate_problem("area", 1, scarce=True)
    first = greedy(area_scarce)
    out, _ = disrupt(doc, [m.to_doc() for m in first.meetings], seed=1)
    problem = load_problem(out)
    options = build_options(problem)
    ids = [c.id for c in problem.cases]
    g = greedy(problem, options)
    r = solve_part(problem, ids, time_limit=5, workers=2, options=options, hint=g.meetings)
    key_g = obj.plan_key(problem, g.meetings, set())
    assert obj.plan_key(problem, r.meetings, set(r.released))[:2] <= key_g[:2]
    _valid(problem, ids, r.meetings)


def test_whole_solve_of_area_scarce_verifies_and_beats_greedy(area_scarce) -> None:  # type: ignore[no-untyped-def]
    plan = solve(area_scarce, time_limit=5, workers=2)
    assert verify(area_scarce, plan) == []
    assert plan.objective.scheduled_priority >= greedy(area_scarce).objective.scheduled_priority
