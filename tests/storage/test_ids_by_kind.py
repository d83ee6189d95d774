"""Storage with ids shared across kinds (the spec makes them unique only within a kind):
facilitator "1", venue "1", room "1", case "1" and party "1" all survive import,
export and a saved plan unchanged, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings

from scheduler.formats import load_plan, load_problem
from scheduler.storage.db import session_factory, transaction
from scheduler.storage.plans import plan_document, save_plan
from scheduler.storage.problems import export_problem, import_problem
from scheduler.verify import verify
from tests import strategies
from tests.renumber import renumber, renumber_plan
from tests.storage.helpers import all_empty

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_shared_ids_survive_import_export_and_a_saved_plan(engine, problem_doc, plan_doc):
    shared = renumber(problem_doc)
    shared_plan = renumber_plan(plan_doc, problem_doc)
    problem, plan = load_problem(shared), load_plan(shared_plan)
    assert verify(problem, plan) == []
    with transaction(engine) as session:
        import_problem(session, problem)
        plan_id = save_plan(session, plan, kind="allocate", created_at=T0)
    with transaction(engine) as session:
        back = export_problem(session)
        assert back.to_doc() == shared
        saved = plan_document(session, plan_id)
        assert saved.to_doc() == shared_plan
    assert verify(back, saved) == []


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(doc=strategies.problems())
def test_random_problems_with_shared_ids_round_trip(engine, doc):
    shared = renumber(doc)
    problem = load_problem(shared)
    with session_factory(engine)() as session:
        session.begin()
        try:
            import_problem(session, problem)
            assert export_problem(session).to_doc() == shared
            summary = import_problem(session, problem)
            assert all(c.added == c.updated == c.removed == 0 for c in summary.kinds().values())
        finally:
            session.rollback()
    assert all_empty(engine)
