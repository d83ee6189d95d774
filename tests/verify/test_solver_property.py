"""Property: on random small problems, every plan the solver returns passes the checker,
including its unscheduled reasons and its objective."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from scheduler import engine
from scheduler.formats import load_problem
from scheduler.verify import verify
from tests import strategies


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.problems())
def test_every_solver_plan_verifies(doc):
    problem = load_problem(doc)
    plan = engine.solve(problem, time_limit=2, workers=1)
    violations = verify(problem, plan)
    assert violations == [], "\n".join(str(v) for v in violations)
