"""Hostile plans: any field of a valid plan replaced by a hostile value is either refused
as a document (one-line issues) or checked by the verifier without an error of its own,
so a broken stored plan is always refused with violations, never with a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scheduler.formats import DocumentError, load_plan, load_problem
from scheduler.verify import confirm_violations, verify
from tests.formats.test_hostile_input_property import _all_paths, _set, anything

DATA = Path(__file__).parents[1] / "data"
PROBLEM = load_problem((DATA / "small.problem.json").read_bytes())
PLAN = json.loads((DATA / "small.plan.json").read_text(encoding="utf-8"))
PLAN_PATHS = _all_paths(PLAN)
times = st.sampled_from(
    [
        "0001-01-01T00:00",
        "9999-12-31T23:45",
        "2027-03-28T01:30",
        "2027-10-31T01:30",
        "2027-03-08T10:31",
    ]
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(PLAN_PATHS), value=st.one_of(anything, times))
@example(path="meetings[0].start", value="9999-12-31T23:45")
@example(path="meetings[0].facilitators_on_site.end", value="0001-01-01T00:00")
def test_any_plan_field_replaced_is_refused_or_verified(path: str, value: Any) -> None:
    doc = json.loads(json.dumps(PLAN))
    _set(doc, path, value)
    try:
        plan = load_plan(doc, PROBLEM)
    except DocumentError as exc:
        issues = [str(i) for i in exc.issues]
    else:
        issues = []
    if issues:
        assert all("\n" not in i for i in issues), issues
        return
    found = verify(PROBLEM, plan)
    blocking = confirm_violations(PROBLEM, plan)
    assert {str(v) for v in blocking} <= {str(v) for v in found}
