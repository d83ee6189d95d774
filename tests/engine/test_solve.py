"""End to end: the spec example, re-planning, decomposition, part serialisation."""

from __future__ import annotations

import pytest

from scheduler.engine import build_options, merge, solve, solve_part, split
from scheduler.engine.solve import PartResult
from scheduler.formats import load_problem_file
from tests.engine.factories import case, check, facilitator, north_km, problem, venue, with_existing
from tests.paths import SMALL_PROBLEM as EXAMPLE


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    return load_problem_file(EXAMPLE)


def test_example_reaches_the_known_optimum(example) -> None:  # type: ignore[no-untyped-def]
    plan = solve(example, time_limit=30, workers=4)
    check(example, plan)
    assert plan.objective.disruption == 0
    assert plan.objective.scheduled_priority == 21
    assert plan.objective.soft_cost <= 339
    assert {u.case for u in plan.unscheduled} == {"C4", "C5", "C9", "C11"}
    from scheduler.verify import compute_objective

    assert compute_objective(example, plan) == plan.objective
    assert plan.solver.bound.soft_cost <= plan.objective.soft_cost


def test_example_options_match_the_known_reasons(example) -> None:  # type: ignore[no-untyped-def]
    opts = build_options(example)
    assert not opts.cases["C11"].team_possible
    assert not opts.cases["C5"].venues
    assert not opts.cases["C4"].starts
    assert not opts.cases["C9"].starts


def _area() -> list[dict]:
    return [facilitator(f"F{i}") for i in range(1, 4)]


def _replan_problem():  # type: ignore[no-untyped-def]
    return problem(
        _area(),
        [venue("V1"), venue("V2", location=north_km(8))],
        [case(f"C{i}") for i in range(1, 5)],
    )


def _as_confirmed(plan) -> list[dict]:  # type: ignore[no-untyped-def]
    out = []
    for m in plan.meetings:
        doc = m.to_doc()
        doc["status"] = "confirmed"
        out.append(doc)
    return out


def test_replan_keeps_confirmed_meetings() -> None:
    p = _replan_problem()
    first = solve(p, time_limit=10)
    again = solve(with_existing(p, _as_confirmed(first)), time_limit=10)
    assert again.objective.disruption == 0
    assert all(m.status == "confirmed" for m in again.meetings)
    assert not again.warnings


def test_replan_moves_minimally_when_a_facilitator_is_off() -> None:
    p = _replan_problem()
    first = solve(p, time_limit=10)
    victim = first.meetings[0]
    doc = with_existing(p, _as_confirmed(first)).to_doc()
    for f in doc["facilitators"]:
        if f["id"] == victim.lead:
            f["availability"] = {"dates": []}
    from scheduler.formats import load_problem

    p2 = load_problem(doc)
    plan = solve(p2, time_limit=10)
    check(p2, plan)
    lost = sum(victim.lead in m.facilitators for m in first.meetings)
    # Each meeting of the missing facilitator costs 1 if kept in place with someone else.
    assert plan.objective.disruption == lost
    assert {w.code for w in plan.warnings} == {"MEETING_CHANGED"}
    assert plan.objective.scheduled_priority == first.objective.scheduled_priority


def test_two_far_areas_split_and_merge() -> None:
    newcastle = (54.97, -1.61)
    fs = [
        facilitator("F1", max_travel_km=30),
        facilitator("F2", max_travel_km=30, home=north_km(1, newcastle)),
    ]
    vs = [venue("V1"), venue("V2", location=north_km(5, newcastle))]
    far = {"home": north_km(10, newcastle)}
    cs = [
        case("C1"),
        case("C2"),
        case("C3", victim=far, offender=far),
        case("C4", victim=far, offender=far),
    ]
    for c in cs:  # parties stay in their own area
        for who in c["parties"]:
            who["max_travel_km"] = 50
    p = problem(fs, vs, cs)
    parts = split(p)
    assert sorted(sorted(x) for x in parts) == [["C1", "C2"], ["C3", "C4"]]
    results = [
        PartResult.from_doc(solve_part(p, ids, time_limit=5, workers=1).to_doc()) for ids in parts
    ]
    plan = merge(p, results, wall_seconds=0.0)
    check(p, plan)
    assert {m.case for m in plan.meetings} == {"C1", "C2", "C3", "C4"}
