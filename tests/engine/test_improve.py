"""Level 3 by single-case moves and neighbourhood search (`engine/improve.py`): every
plan stays valid, no level gets worse, and the relaxation bound is a true bound."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings

from scheduler.engine import build_options, merge, solve
from scheduler.engine import objective as obj
from scheduler.engine.bench import disrupt
from scheduler.engine.greedy import greedy
from scheduler.engine.neighbourhoods import improve
from scheduler.engine.occupancy import Occupancy
from scheduler.engine.placement import search
from scheduler.engine.single_moves import descend
from scheduler.engine.soft_bound import Ideals
from scheduler.engine.solve import solve_part
from scheduler.formats import load_problem, load_problem_file
from scheduler.generate import generate_problem
from scheduler.verify import verify
from tests import strategies
from tests.paths import SMALL_PROBLEM as EXAMPLE


@pytest.fixture(scope="module")
def area_tight():  # type: ignore[no-untyped-def]
    return load_problem(generate_problem("area", 2, tight=True))


def _valid(problem, result) -> None:  # type: ignore[no-untyped-def]
    plan = merge(problem, [result], 0.0)
    bad = verify(problem, plan)
    assert bad == [], "\n".join(str(v) for v in bad)


def test_remove_undoes_add(area_tight) -> None:  # type: ignore[no-untyped-def]
    options = build_options(area_tight)
    plan = greedy(area_tight, options)
    moved = plan.meetings[0]
    without = Occupancy(options, plan.meetings[1:])
    again = Occupancy(options, plan.meetings)
    assert again.remove(moved.case) == moved
    assert again.remove(moved.case) is None
    for cid in (moved.case, plan.meetings[1].case):
        assert search(again, cid, k=5) == search(without, cid, k=5)


def test_descend_keeps_every_rule_and_never_loses(area_tight) -> None:  # type: ignore[no-untyped-def]
    options = build_options(area_tight)
    start = greedy(area_tight, options)
    ids = [c.id for c in area_tight.cases]
    got = descend(
        area_tight, options, start.meetings, ids, {}, fixed=set(), deadline=time.monotonic() + 60
    )
    assert obj.plan_priority(area_tight, got) >= start.objective.scheduled_priority
    assert obj.plan_soft_cost(area_tight, got) < start.objective.soft_cost
    _valid(area_tight, _as_part(ids, got))


def _as_part(ids, meetings):  # type: ignore[no-untyped-def]
    from scheduler.engine.solve import PartResult

    return PartResult(ids, meetings, {}, {}, optimal=False)


def test_neighbourhood_search_keeps_levels_one_and_two(area_tight) -> None:  # type: ignore[no-untyped-def]
    options = build_options(area_tight)
    ids = [c.id for c in area_tight.cases]
    whole = solve_part(area_tight, ids, time_limit=8, workers=2, options=options)
    hood = solve_part(area_tight, ids, time_limit=8, workers=2, options=options, lns_above=0)
    _valid(area_tight, hood)
    assert hood.values["disruption"] == whole.values["disruption"] == 0
    assert hood.values["scheduled_priority"] == whole.values["scheduled_priority"]
    assert hood.bounds["soft_cost"] <= hood.values["soft_cost"]
    greedy_soft = greedy(area_tight, options).objective.soft_cost
    assert hood.values["soft_cost"] < greedy_soft


def _improved_from_greedy(problem):  # type: ignore[no-untyped-def]
    """(greedy plan, `improve` of it for 5 s, its Ideals), the result checked valid."""
    options = build_options(problem)
    start = greedy(problem, options)
    ids = [c.id for c in problem.cases]
    got, ideals = improve(
        problem,
        options,
        start.meetings,
        ids,
        {},
        fixed=set(),
        deadline=time.monotonic() + 5,
        workers=2,
    )
    _valid(problem, _as_part(ids, got))
    return start, got, ideals


def test_improve_never_adds_disruption() -> None:
    """A re-plan (three facilitators off sick, a venue closed, a withdrawal, two urgent
    cases) from the greedy plan, which keeps confirmed meetings where it can: moves and
    neighbourhoods lower the soft cost without moving a confirmed meeting further."""
    doc = generate_problem("area", 2, tight=True)
    first = greedy(load_problem(doc))
    disrupted, _ = disrupt(doc, [m.to_doc() for m in first.meetings], seed=2)
    problem = load_problem(disrupted)
    start, got, _ = _improved_from_greedy(problem)
    assert obj.plan_disruption(got, problem.existing, set()) <= start.objective.disruption
    assert obj.plan_priority(problem, got) >= start.objective.scheduled_priority
    assert obj.plan_soft_cost(problem, got) <= start.objective.soft_cost


def test_improve_returns_a_plan_no_worse_than_its_start(area_tight) -> None:  # type: ignore[no-untyped-def]
    start, got, ideals = _improved_from_greedy(area_tight)
    ids = [c.id for c in area_tight.cases]
    soft = obj.plan_soft_cost(area_tight, got)
    assert soft < start.objective.soft_cost
    priority = obj.plan_priority(area_tight, got)
    assert priority >= start.objective.scheduled_priority
    assert ideals.soft_bound(area_tight, ids, [], priority) <= soft


def test_relaxation_bound_is_below_the_known_optimum() -> None:
    example = load_problem_file(EXAMPLE)
    options = build_options(example)
    ids = [c.id for c in example.cases]
    ideals = Ideals.of(example, options, ids, [], time.monotonic() + 30)
    bound = ideals.soft_bound(example, ids, [], 21)  # the spec's optimum: priority 21, soft 339
    assert 0 < bound <= 339


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.problems())
def test_relaxation_bound_never_exceeds_a_proven_optimum(doc) -> None:  # type: ignore[no-untyped-def]
    problem = load_problem(doc)
    plan = solve(problem, time_limit=5, workers=2)
    if plan.solver.status != "OPTIMAL":
        return
    options = build_options(problem)
    ids = [c.id for c in problem.cases]
    ideals = Ideals.of(problem, options, ids, [], time.monotonic() + 30)
    pins = [m for m in plan.meetings if m.status == "pinned"]
    bound = ideals.soft_bound(problem, ids, pins, plan.objective.scheduled_priority)
    assert bound <= plan.objective.soft_cost


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.problems())
def test_neighbourhood_plans_verify_on_random_problems(doc) -> None:  # type: ignore[no-untyped-def]
    """Keep-apart pairs, custody, caps, clock changes: every plan that comes out of
    neighbourhood search (forced on however small the part) passes the checker."""
    problem = load_problem(doc)
    options = build_options(problem)
    ids = [c.id for c in problem.cases]
    result = solve_part(problem, ids, time_limit=3, workers=2, options=options, lns_above=0)
    plan = merge(problem, [result], 0.0, options)
    bad = verify(problem, plan)
    assert bad == [], "\n".join(str(v) for v in bad)


def test_neighbourhood_search_with_pins_and_confirmed_meetings_verifies() -> None:
    """A re-plan where some meetings are pinned and the rest confirmed: the pins that
    still keep every rule stay put, and the plan passes the checker."""
    doc = generate_problem("area", 3, tight=True)
    first = greedy(load_problem(doc))
    disrupted, _ = disrupt(doc, [m.to_doc() for m in first.meetings], seed=3)
    for e in disrupted["existing"][::4]:
        e["status"] = "pinned"
    problem = load_problem(disrupted)
    options = build_options(problem)
    ids = [c.id for c in problem.cases]
    result = solve_part(problem, ids, time_limit=8, workers=2, options=options, lns_above=0)
    _valid(problem, result)
    pinned = {e.case: e for e in problem.existing if e.status == "pinned"}
    kept = [m for m in result.meetings if m.case in pinned and m.case not in result.released]
    assert kept
    assert all(m.start == pinned[m.case].start for m in kept)
    assert all(m.venue == pinned[m.case].venue for m in kept)
