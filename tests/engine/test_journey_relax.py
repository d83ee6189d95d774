"""The relaxation of scarce cases (`journey_relax`) is sound, and it tightens level 2.

Sound: every valid plan is a solution of it. For each group, the plan's own teams,
conference and session starts are fixed in the relaxation's model and the model must
still be feasible (on the spec's example, on generated problems, and on the engine's
plans, each checked valid by the independent checker first); so its proven bound is
never below what a valid plan schedules of the group.

Tight where it matters: two cases that each pass every test alone but share the one
facilitator's one free morning for their conferences count once, not twice, and the
engine's plan then proves level 2.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

from scheduler.domain import Plan, Problem
from scheduler.engine import journey_relax, solve
from scheduler.engine.journey_bounds import possible
from scheduler.engine.journey_placement import JourneyPlacer
from scheduler.engine.journeys import existing_of
from scheduler.engine.occupancy import Occupancy
from scheduler.engine.options import build_options
from scheduler.formats import load_plan, load_problem
from scheduler.verify import verify
from tests.engine.factories import case, facilitator, problem, venue
from tests.paths import DATA
from tests.strategies import problems_with_sessions


def placer_of(p: Problem) -> JourneyPlacer:
    options = build_options(p)
    ex = existing_of(p, options)
    return JourneyPlacer(options, Occupancy(options, ex.kept_meetings))


def assert_plan_solves_the_relaxation(p: Problem, plan: Plan) -> None:
    assert verify(p, plan) == []
    placer = placer_of(p)
    clock = placer.clock
    cases = possible(p, placer)
    teams: dict[str, tuple[str, ...]] = {
        m.case: (m.lead, *m.co_facilitators) for m in plan.meetings
    }
    for row in plan.sessions:
        if len(row.facilitators) > len(teams.get(row.case, ())):
            teams[row.case] = (row.lead, *(f for f in row.facilitators if f != row.lead))
    for row in plan.sessions:  # a case without a conference: its lead at least
        teams.setdefault(row.case, (row.lead,))
    scheduled = set(teams)
    for group in journey_relax.scarce_groups(placer, cases, {c.id for c in cases}, float("inf")):
        model = journey_relax._Model(placer)
        for c in group:
            model.add_case(c)
        for cid, x in model.x.items():
            if cid not in scheduled:
                model.cp.add(x == 0)
                continue
            model.cp.add(x == 1)
            lead, *rest = teams[cid]
            fits = [t for t in model.team[cid] if t[0] == lead and set(rest) <= set(t)]
            assert fits, (cid, teams[cid], list(model.team[cid]))  # the plan's team is there
            model.cp.add_bool_or([model.team[cid][t] for t in fits])
        for m in plan.meetings:
            if m.case in model.x:
                model.cp.add(model.starts["conference", m.case] == clock.instant(m.start))
        for row in plan.sessions:
            if row.case in model.x:
                model.cp.add(model.starts["session", row.session] == clock.instant(row.start))
        got = model.solve(10, 1)
        want = {cid for cid in model.x if cid in scheduled}
        assert set(got.teams) == want, (group, want, got)
        assert got.bound >= sum(p.case_by_id[c].priority for c in want)


def test_the_spec_example_plan_solves_the_relaxation() -> None:
    p = load_problem(json.loads((DATA / "journeys.problem.json").read_text("utf-8")))
    plan = load_plan(json.loads((DATA / "journeys.plan.json").read_text("utf-8")))
    assert_plan_solves_the_relaxation(p, plan)
    assert_plan_solves_the_relaxation(p, solve(p, time_limit=5, workers=2))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problems_with_sessions())
def test_property_every_engine_plan_solves_the_relaxation(doc: dict) -> None:
    p = load_problem(doc)
    assert_plan_solves_the_relaxation(p, solve(p, time_limit=2, workers=1))


def one_free_morning(swap_ids: bool = False) -> Problem:
    # F1 alone leads; free Monday and Wednesday 09:00-12:00. Each case: a video session
    # (Monday holds both) and a conference, whose window [s - 45, e + 30) takes the whole
    # Wednesday morning: only one conference fits, though each case fits alone.
    hours = {"weekly": [{"days": ["mon", "wed"], "from": "09:00", "to": "12:00"}]}
    session = {"modes": ["video"], "duration_minutes": 60}
    # With `swap_ids`, each case's session is named like the other case (ids may repeat
    # across kinds).
    name = {"C1": "C2", "C2": "C1"} if swap_ids else {"C1": "C1-S", "C2": "C2-S"}
    cases = [
        case(cid, priority=prio, sessions=[{"id": name[cid], "party": f"{cid}V", **session}])
        for cid, prio in (("C1", 3), ("C2", 2))
    ]
    return problem([facilitator("F1", availability=hours)], [venue("V1")], cases)


@pytest.mark.parametrize("swap_ids", [False, True])
def test_two_cases_sharing_one_free_morning_count_once(swap_ids: bool) -> None:
    p = one_free_morning(swap_ids)
    placer = placer_of(p)
    assert [c.id for c in possible(p, placer)] == ["C1", "C2"]  # each passes alone
    (group,) = journey_relax.scarce_groups(placer, p.cases, {"C1", "C2"}, float("inf"))
    got = journey_relax.relax(placer, group, 10)
    assert (got.priority, got.bound, got.lost) == (5, 3, 2)
    assert set(got.teams) == {"C1"}


def test_the_engine_proves_level_two_with_it() -> None:
    p = one_free_morning()
    plan = solve(p, time_limit=5, workers=2)
    assert verify(p, plan) == []
    assert plan.objective.scheduled_priority == 3
    assert plan.solver.bound.scheduled_priority == 3
