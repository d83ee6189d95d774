"""suggest: never more than k, cheapest first, and each placement keeps the plan valid."""

from __future__ import annotations

import pytest

from scheduler.domain import Reason, Unscheduled
from scheduler.engine.greedy import greedy
from scheduler.engine.suggest import suggest
from scheduler.formats import load_problem
from scheduler.generate import generate_problem
from scheduler.verify import verify
from tests.analysis.helpers import example, with_meetings

TAKEN_OUT = Reason(code="CAPACITY", message="taken out for the test")


def _insert_each(p, plan, case_id, found):  # type: ignore[no-untyped-def]
    rest = [m for m in plan.meetings if m.case != case_id]
    unscheduled = [u for u in plan.unscheduled if u.case != case_id]
    for placement in found:
        new = with_meetings(p, plan, [*rest, placement.to_meeting(p)], unscheduled)
        assert verify(p, new) == [], placement


@pytest.mark.parametrize("case_id", ["C1", "C2", "C6", "C10"])
def test_replacing_a_meeting_of_the_example_keeps_the_plan_valid(case_id):
    p, plan = example()
    if case_id not in {m.case for m in plan.meetings}:
        pytest.skip(f"{case_id} not scheduled in the example")
    found = suggest(p, plan, case_id, k=4)
    assert 1 <= len(found) <= 4
    assert [x.cost for x in found] == sorted(x.cost for x in found)
    assert len({(x.start, x.venue) for x in found}) == len(found)
    _insert_each(p, plan, case_id, found)


def test_the_current_meeting_is_never_beaten_by_more_than_the_best():
    p, plan = example()
    m = plan.meetings[0]
    (best,) = suggest(p, plan, m.case, k=1)
    from scheduler.engine.objective import meeting_soft_cost

    assert best.cost <= meeting_soft_cost(p, p.case_by_id[m.case], m)


@pytest.mark.parametrize("k", [1, 3, 50])
def test_never_more_than_k(k):
    p, plan = example()
    case_id = plan.meetings[-1].case
    assert len(suggest(p, plan, case_id, k=k)) <= k


def test_unplaceable_case_gets_nothing():
    p, plan = example()
    assert suggest(p, plan, "C11") == []  # no qualified facilitator


def test_unknown_case_is_a_clear_error():
    p, plan = example()
    with pytest.raises(KeyError, match="C999"):
        suggest(p, plan, "C999")


def test_suggest_on_a_generated_plan_keeps_it_valid():
    p = load_problem(generate_problem("small", 2))
    plan = greedy(p)
    assert verify(p, plan) == []
    # Take out three scheduled cases: each must fit back in without moving anyone.
    for m in plan.meetings[:3]:
        smaller = with_meetings(
            p,
            plan,
            [x for x in plan.meetings if x.case != m.case],
            [*plan.unscheduled, Unscheduled(case=m.case, reasons=[TAKEN_OUT])],
        )
        found = suggest(p, smaller, m.case, k=3)
        assert found
        _insert_each(p, smaller, m.case, found)


def test_suggester_gives_the_same_placements_as_one_off_calls():
    from scheduler.engine.suggest import Suggester

    p, plan = example()
    shared = Suggester(p)
    for m in plan.meetings:
        assert shared.suggest(plan, m.case, 3) == suggest(p, plan, m.case, 3)
