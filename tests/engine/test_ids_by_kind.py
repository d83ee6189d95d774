"""Ids are unique only within their kind (spec): facilitators, venues, rooms, cases and
parties all numbered "1", "2", ... must not be mixed up anywhere in the engine.

Property: a valid problem renumbered that way still gets a plan that passes the
independent checker, and the checker still catches a violation planted on one kind
while the other kinds with the same id stay as they were.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from scheduler.domain import Plan
from scheduler.engine import solve
from scheduler.formats import load_problem
from scheduler.generate import generate_problem
from scheduler.verify import verify
from tests import strategies
from tests.renumber import renumber


def _never_free(doc: dict[str, Any]) -> dict[str, Any]:
    first = dt.date.fromisoformat(doc["horizon"]["start"]) - dt.timedelta(days=1)
    last = dt.date.fromisoformat(doc["horizon"]["end"]) + dt.timedelta(days=2)
    return {"unavailable": [{"start": f"{first}T00:00", "end": f"{last}T00:00"}]}


def _planted(doc: dict[str, Any], plan: Plan) -> None:
    """Make the lead of one meeting, then one of its attendees, never available: the
    checker must name that case under rule 3, though a venue and a party (or a
    facilitator) with the same id are still free."""
    m = plan.meetings[0]
    broken = copy.deepcopy(doc)
    (fac,) = [f for f in broken["facilitators"] if f["id"] == m.lead]
    fac["availability"] = _never_free(doc)
    found = verify(load_problem(broken), plan)
    assert any(v.rule == 3 and v.case == m.case for v in found), found
    broken = copy.deepcopy(doc)
    party = m.attendance[0].party
    (p,) = [p for c in broken["cases"] for p in c["parties"] if p["id"] == party]
    p["availability"] = _never_free(doc)
    found = verify(load_problem(broken), plan)
    assert any(v.rule == 3 and v.case == m.case for v in found), found


def _check(doc: dict[str, Any], time_limit: float) -> Plan:
    shared = renumber(doc)
    problem = load_problem(shared)
    plan = solve(problem, time_limit=time_limit, workers=1)
    violations = verify(problem, plan)
    assert violations == [], "\n".join(str(v) for v in violations)
    if plan.meetings:
        _planted(shared, plan)
    return plan


def test_renumbering_keeps_references(problem_doc):
    shared = renumber(problem_doc)
    assert shared["facilitators"][0]["id"] == shared["venues"][0]["id"] == "1"
    assert shared["cases"][0]["id"] == shared["cases"][0]["parties"][0]["id"] == "1"
    load_problem(shared)  # every reference still resolves


def test_small_example_with_shared_ids_verifies(problem_doc):
    plan = _check(problem_doc, time_limit=8)
    assert len(plan.meetings) >= 8


@pytest.mark.parametrize("seed", [1, 2])
def test_generated_problem_with_shared_ids_verifies(seed):
    _check(generate_problem("small", seed), time_limit=6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategies.problems())
def test_random_problems_with_shared_ids_verify(doc):
    _check(doc, time_limit=2)
