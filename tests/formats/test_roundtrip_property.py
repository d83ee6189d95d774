"""Property: every generated valid problem loads, and load → dump gives it back unchanged."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings

from scheduler.formats import dump_problem, load_problem
from tests.strategies import problems

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(problems())
def test_dump_of_load_is_the_document(doc):
    assert dump_problem(load_problem(doc)) == doc


@FAST
@given(problems())
def test_load_dump_load_is_unchanged(doc):
    once = load_problem(doc)
    twice = load_problem(json.dumps(dump_problem(once)))
    assert twice == once
    assert dump_problem(twice) == dump_problem(once)
