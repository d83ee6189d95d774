"""Re-planning journeys moves nothing that need not move (least disruption, level 1)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scheduler.engine.journeys import plan_journeys
from scheduler.engine.objective import DROP
from scheduler.formats import load_plan, load_problem
from scheduler.verify import verify

DATA = Path(__file__).resolve().parents[1] / "data"


def _confirmed_problem(withdrawn_case: str) -> tuple[dict, object]:
    doc = json.loads((DATA / "journeys.problem.json").read_text(encoding="utf-8"))
    plan = load_plan(json.loads((DATA / "journeys.plan.json").read_text(encoding="utf-8")))
    for case in doc["cases"]:
        if case["id"] == withdrawn_case:
            for party in case["parties"]:
                if party["role"] == "victim":
                    party["consent"] = False
    doc["existing"] = [{**m.to_doc(), "status": "confirmed"} for m in plan.meetings]
    doc["existing_sessions"] = [{**s.to_doc(), "status": "confirmed"} for s in plan.sessions]
    return doc, plan


@pytest.mark.parametrize("withdrawn", ["C12", "C1", "C3"])
def test_a_withdrawal_drops_only_that_case(withdrawn: str) -> None:
    doc, before = _confirmed_problem(withdrawn)
    problem = load_problem(doc)
    plan = plan_journeys(problem, time_limit=10, workers=1)
    assert verify(problem, plan) == []
    lost = sum(1 for m in before.meetings if m.case == withdrawn)  # type: ignore[attr-defined]
    lost += sum(1 for s in before.sessions if s.case == withdrawn)  # type: ignore[attr-defined]
    # Only the withdrawn case's meeting and sessions are dropped; everything else stays.
    assert plan.objective.disruption == DROP * lost
    kept = {(s.session, s.start, s.mode, s.venue) for s in plan.sessions}
    for s in before.sessions:  # type: ignore[attr-defined]
        if s.case != withdrawn:
            assert (s.session, s.start, s.mode, s.venue) in kept, s.session
