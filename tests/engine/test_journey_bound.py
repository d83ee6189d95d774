"""Level 2's bound for journeys is sound: no valid plan schedules more priority.

The bound counts a case only when exhaustive necessary tests say it could be scheduled
alone; among them, that some one lead could lead it all with a team whose every member
passes beside it (`lead_can_prepare`, `prep_partners`). So the lead and team of every
case any valid plan schedules must pass those tests, and the bound must
be at least the priority of every valid plan (here: the engine's, checked valid by the
independent checker first), on the spec's example and on generated problems.
"""

from __future__ import annotations

import json
from collections import Counter

from hypothesis import HealthCheck, given, settings

from scheduler.domain import Objective, Plan, Problem
from scheduler.engine import solve
from scheduler.engine.journey_bounds import bounds
from scheduler.engine.journey_placement import JourneyPlacer
from scheduler.engine.journeys import disruption_of, existing_of, gone, priority_bound
from scheduler.engine.objective import DROP
from scheduler.engine.occupancy import Occupancy
from scheduler.engine.options import build_options
from scheduler.formats import load_plan, load_problem
from scheduler.verify import verify
from tests.paths import DATA
from tests.strategies import problems_with_sessions

INF = float("inf")


def check_sound(problem: Problem, plan: Plan) -> Objective:
    assert verify(problem, plan) == []
    options = build_options(problem)
    ex = existing_of(problem, options)
    placer = JourneyPlacer(options, Occupancy(options, ex.kept_meetings))
    leads = {m.case: m.lead for m in plan.meetings}
    leads.update({s.case: s.lead for s in plan.sessions})
    for case_id, lead in leads.items():
        case = problem.case_by_id[case_id]
        assert placer.lead_can_prepare(case, lead), (case_id, lead)
        assert placer.some_lead_can_prepare(case), case_id
        assert lead in placer.prep_leads(case)
        assert placer.few_leads(case, len(placer.prep_leads(case)))
    for m in plan.meetings:  # every member of a valid team passes beside its lead
        if len(m.facilitators) > 1:
            case = problem.case_by_id[m.case]
            assert placer.can_prepare(case, (m.lead,))
            assert set(m.co_facilitators) <= set(placer.prep_partners(case, m.lead)), m.case
    assert priority_bound(problem, options, placer) >= plan.objective.scheduled_priority
    # Levels 1 and 3, as the engine computes them (before it keeps them at most the
    # plan's): never above this valid plan's.
    confirmed = {c.id: disruption_of(ex, c.id, None) for c in problem.cases}
    raw = bounds(problem, placer, confirmed, gone(problem, ex), plan.objective, INF)
    assert raw.disruption <= plan.objective.disruption
    assert raw.scheduled_priority >= plan.objective.scheduled_priority
    loads = Counter(f for m in plan.meetings for f in m.facilitators)
    max_load = problem.policy.weights.max_load * max(loads.values(), default=0)
    assert raw.soft_cost <= plan.objective.soft_cost - max_load
    return raw


def test_the_spec_example_plan_is_within_the_bound() -> None:
    problem = load_problem(json.loads((DATA / "journeys.problem.json").read_text("utf-8")))
    check_sound(problem, load_plan(json.loads((DATA / "journeys.plan.json").read_text("utf-8"))))
    raw = check_sound(problem, solve(problem, time_limit=5, workers=2))
    assert raw.soft_cost > 0  # the floors say something


def test_a_withdrawal_is_disruption_no_plan_avoids() -> None:
    # Everything confirmed, then C12's victim withdraws: its conference and sessions
    # can only be dropped, so level 1's bound is exactly that, and the plan meets it.
    doc = json.loads((DATA / "journeys.problem.json").read_text("utf-8"))
    before = load_plan(json.loads((DATA / "journeys.plan.json").read_text("utf-8")))
    doc["existing"] = [{**m.to_doc(), "status": "confirmed"} for m in before.meetings]
    doc["existing_sessions"] = [{**s.to_doc(), "status": "confirmed"} for s in before.sessions]
    for case in doc["cases"]:
        if case["id"] == "C12":
            for party in case["parties"]:
                if party["role"] == "victim":
                    party["consent"] = False
    problem = load_problem(doc)
    plan = solve(problem, time_limit=10, workers=2)
    raw = check_sound(problem, plan)
    lost = sum(1 for m in before.meetings if m.case == "C12")
    lost += sum(1 for s in before.sessions if s.case == "C12")
    assert raw.disruption == DROP * lost == plan.objective.disruption
    assert plan.solver.bound.disruption == plan.objective.disruption


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problems_with_sessions())
def test_property_no_valid_plan_beats_the_bound(doc: dict) -> None:
    problem = load_problem(doc)
    check_sound(problem, solve(problem, time_limit=2, workers=1))


def test_a_case_only_one_team_can_prepare_is_found_alone_and_not_called_impossible() -> None:
    # Generated area (seed 1, tight hours): C23 has no conference, five sessions, one
    # of them with the whole team; only lead F28 passes the lead test, and with F28
    # only one co-facilitator fits. The placer finds it one lead at a time, and the
    # reasons never say NO_COMMON_TIME for it.
    from scheduler.engine.journeys import journey_reasons
    from scheduler.generate import generate_problem

    problem = load_problem(generate_problem("area", 1, tight=True, journeys=True))
    case = problem.case_by_id["C23"]
    assert not case.conference
    options = build_options(problem)
    ex = existing_of(problem, options)
    placer = JourneyPlacer(options, Occupancy(options, ex.kept_meetings))
    leads = placer.prep_leads(case)
    assert leads
    found = [j for lead in leads for j in placer.place(case, "first", tries=1, only_lead=lead)]
    assert found
    assert {s.session for s in found[0].sessions} == {s.id for s in case.sessions}
    reasons = journey_reasons(problem, options, ex, [], ["C23"])["C23"]
    assert {r.code for r in reasons} == {"CAPACITY"}
