"""Existing meetings whose case's length changed after confirming: loaded, then released
(pinned) or kept/moved (confirmed), and the verifier agrees with the engine."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from scheduler.domain import Plan
from scheduler.engine import solve
from scheduler.formats import load_problem
from scheduler.verify import verify
from scheduler.verify.rules import same_arrangement

DATA = Path(__file__).parents[1] / "data"
PROBLEM = json.loads((DATA / "small.problem.json").read_text())
PLAN = json.loads((DATA / "small.plan.json").read_text())
LONGER = {"C7": 30, "C6": 30, "C12": -30}  # minutes added to each case's duration


def changed_lengths() -> dict[str, Any]:
    doc = copy.deepcopy(PROBLEM)
    doc["existing"] = [
        {**m, "status": "pinned" if m["case"] == "C7" else "confirmed"} for m in PLAN["meetings"]
    ]
    for case in doc["cases"]:
        if case["id"] in LONGER:
            case["duration_minutes"] += LONGER[case["id"]]
    return doc


def test_pin_of_a_changed_length_is_released_and_the_plan_verifies() -> None:
    problem = load_problem(changed_lengths())  # accepted: the old ends are stale, not invalid
    plan = solve(problem, time_limit=30, workers=2)
    assert [w.case for w in plan.warnings if w.code == "PIN_RELEASED"] == ["C7"]
    assert verify(problem, plan) == []
    for m in plan.meetings:  # every meeting has today's length
        case = problem.case_by_id[m.case]
        assert (m.end - m.start).total_seconds() == case.duration_minutes * 60


def test_pin_kept_at_its_start_with_the_new_length_also_verifies() -> None:
    """Rule 10's "unchanged" is start, venue, rooms and team, not the end."""
    problem = load_problem(changed_lengths())
    plan = solve(problem, time_limit=30, workers=2)
    doc = plan.to_doc()
    doc["warnings"] = [w for w in doc.get("warnings", []) if w["code"] != "PIN_RELEASED"]
    for m in doc["meetings"]:
        if m["case"] == "C7":
            m["status"] = "pinned"
    kept = Plan.model_validate(doc)
    c7 = next(m for m in kept.meetings if m.case == "C7")
    old = next(m for m in problem.existing if m.case == "C7")
    if same_arrangement(old, c7):  # the solver is free to have changed it once released
        assert [v for v in verify(problem, kept) if v.rule == 10] == []
