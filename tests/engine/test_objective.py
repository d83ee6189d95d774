"""The solver's soft cost (lower-bounding helper variables) is exact on a fixed plan."""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.engine import build_options
from scheduler.engine import objective as obj
from scheduler.engine.solve import build_model
from scheduler.formats import load_plan, load_problem_file
from tests.paths import SMALL_PLAN, SMALL_PROBLEM


def test_soft_cost_of_the_example_plan_is_exact() -> None:
    problem = load_problem_file(SMALL_PROBLEM)
    plan = load_plan(SMALL_PLAN.read_text())
    ids = [c.id for c in problem.cases]
    m, _ = build_model(problem, build_options(problem, ids), ids)
    clock = m.options.clock
    by_case = {x.case: x for x in plan.meetings}
    for cid, cv in m.cases.items():
        meet = by_case.get(cid)
        m.cp.add(cv.sched == int(meet is not None))
        if meet is None:
            continue
        m.cp.add(cv.start == clock.instant(meet.start))
        m.cp.add(cv.y[meet.venue] == 1)
        for f, lit in cv.x.items():
            m.cp.add(lit == int(f in meet.facilitators))
        m.cp.add(cv.lead[meet.lead] == 1)
    m.cp.minimize(obj.soft_cost(m))
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = 20
    s.parameters.num_workers = 2
    assert s.solve(m.cp) == cp_model.OPTIMAL
    exact = obj.plan_soft_cost(problem, list(plan.meetings))
    assert exact == 339
    assert round(s.objective_value) == exact
