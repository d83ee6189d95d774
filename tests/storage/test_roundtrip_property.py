"""Property: any valid problem survives import → export unchanged, on both databases."""

from __future__ import annotations

import importlib.util
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.formats import load_problem
from scheduler.storage.db import session_factory
from scheduler.storage.problems import export_problem, import_problem
from tests.storage.helpers import all_empty


def _documents() -> st.SearchStrategy[dict[str, Any]]:
    """The formats engineer's strategy when present, else a few seeded generated problems."""
    if importlib.util.find_spec("tests.strategies") is not None:
        from tests.strategies import problems

        return problems()
    from scheduler.generate import generate_problem

    return st.builds(lambda seed: generate_problem("small", seed), st.integers(1, 5))


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(doc=_documents())
def test_valid_problems_survive_import_then_export(engine, doc):
    problem = load_problem(doc)
    # Each example runs in its own transaction, rolled back: every one starts from empty.
    with session_factory(engine)() as session:
        session.begin()
        try:
            import_problem(session, problem)
            assert export_problem(session).to_doc() == doc
            # Importing the same document again changes nothing.
            summary = import_problem(session, problem)
            assert all(c.added == c.updated == c.removed == 0 for c in summary.kinds().values())
        finally:
            session.rollback()
    assert all_empty(engine)
