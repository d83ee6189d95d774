"""`suggest` for a problem with journeys: whole journeys, each keeping every rule.

A case is taken out of a valid plan and suggestions are asked for it: every one, put
back into the plan, passes the independent checker (rules 1–10 and S1–S8); a case
without a conference gets sessions only; a case that fits nowhere gets none and the
journeys reasons. The CLI prints each option's steps by name, and `--json` the rows.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from scheduler.cli import cli
from scheduler.domain import Plan, Problem
from scheduler.engine import solve
from scheduler.engine.journey_placement import Journey
from scheduler.engine.suggest import Suggester, journey_advice, suggest_journeys
from scheduler.formats import load_plan, load_problem
from scheduler.verify import verify
from tests.paths import DATA
from tests.strategies import problems_with_sessions


def _example() -> tuple[Problem, Plan]:
    problem = load_problem(json.loads((DATA / "journeys.problem.json").read_text("utf-8")))
    plan = load_plan(json.loads((DATA / "journeys.plan.json").read_text("utf-8")))
    return problem, plan


def without(plan: Plan, case_id: str) -> Plan:
    """The plan with the case taken out (its conference and sessions)."""
    doc = plan.to_doc()
    doc["meetings"] = [m for m in doc["meetings"] if m["case"] != case_id]
    doc["sessions"] = [s for s in doc.get("sessions", []) if s["case"] != case_id]
    doc["unscheduled"] = [u for u in doc["unscheduled"] if u["case"] != case_id]
    doc["unscheduled"].append(
        {"case": case_id, "reasons": [{"code": "CAPACITY", "message": "taken out"}]}
    )
    return load_plan(doc)


def with_journey(plan: Plan, j: Journey) -> Plan:
    doc = plan.to_doc()
    if j.meeting is not None:
        doc["meetings"].append({**j.meeting.to_doc(), "status": "proposed"})
    doc["sessions"] = [*doc.get("sessions", []), *(s.to_doc() for s in j.sessions)]
    doc["unscheduled"] = [u for u in doc["unscheduled"] if u["case"] != j.case_id]
    return load_plan(doc)


def hard(problem: Problem, plan: Plan) -> list[str]:
    """The broken hard rules (1–10, S1–S8) and this plan's document errors."""
    return [
        str(v)
        for v in verify(problem, plan)
        if isinstance(v.rule, int) or str(v.rule).startswith("S") or v.rule == "plan"
    ]


SCHEDULED = ["C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C11", "C12"]


@pytest.mark.parametrize("case_id", SCHEDULED)
def test_each_suggested_journey_put_back_keeps_every_rule(case_id: str) -> None:
    problem, plan = _example()
    rest = without(plan, case_id)
    found = suggest_journeys(problem, rest, case_id, k=3)
    assert found, f"{case_id} fitted in the plan, so it fits again"
    case = problem.case_by_id[case_id]
    for j in found:
        assert {s.session for s in j.sessions} == {s.id for s in case.sessions}
        assert (j.meeting is not None) == case.conference
        assert {s.lead for s in j.sessions} <= {j.lead}
        assert hard(problem, with_journey(rest, j)) == []
    costs = [j.cost for j in found]
    assert costs == sorted(costs)


def test_a_case_without_a_conference_gets_sessions_only() -> None:
    problem, plan = _example()
    assert not problem.case_by_id["C3"].conference
    found = Suggester(problem).journeys(without(plan, "C3"), "C3", 2)
    assert found
    assert all(j.meeting is None and j.sessions for j in found)


def test_a_case_that_fits_nowhere_gets_none_and_the_reasons() -> None:
    problem, plan = _example()
    for u in plan.unscheduled:  # the example's unscheduled cases stay so
        assert suggest_journeys(problem, plan, u.case) == []
        reasons = journey_advice(problem, plan, u.case)
        assert reasons
        assert {r.code for r in reasons} == {r.code for r in u.reasons}


def test_suggestions_never_collide_with_the_plan_they_fit_into() -> None:
    # Both sessions and the conference of every suggestion avoid the plan's own
    # sessions: take out two cases, put one back, then the other's suggestions still fit.
    problem, plan = _example()
    rest = without(without(plan, "C1"), "C5")
    first = suggest_journeys(problem, rest, "C1", k=1)[0]
    fuller = with_journey(rest, first)
    for j in suggest_journeys(problem, fuller, "C5", k=3):
        assert hard(problem, with_journey(fuller, j)) == []


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(problems_with_sessions())
def test_property_suggestions_for_unscheduled_cases_keep_every_rule(doc: dict) -> None:
    p = load_problem(doc)
    plan = solve(p, time_limit=2, workers=1)
    suggester = Suggester(p)
    for u in plan.unscheduled[:3]:
        for j in suggester.journeys(plan, u.case, 2):
            assert hard(p, with_journey(plan, j)) == [], u.case


def test_cli_prints_each_option_by_name_and_json_rows(tmp_path) -> None:
    problem, plan = _example()
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(without(plan, "C1").to_doc()), "utf-8")
    runner = CliRunner()
    args = ["suggest", str(DATA / "journeys.problem.json"), "--plan", str(path), "--case", "C1"]
    got = runner.invoke(cli, [*args, "-k", "2"], env={"COLUMNS": "220"})
    assert got.exit_code == 0, got.output
    assert "option 1 of" in got.output
    lead = problem.facilitator_by_id[suggest_journeys(problem, without(plan, "C1"), "C1")[0].lead]
    assert lead.name in got.output
    assert "Conference" in got.output
    assert "Session C1-" in got.output
    as_json = runner.invoke(cli, [*args, "--json", "-k", "2"])
    assert as_json.exit_code == 0, as_json.output
    docs = json.loads(as_json.output)
    assert docs
    assert docs[0]["meeting"]["case"] == "C1"
    assert {s["session"] for s in docs[0]["sessions"]} == {
        s.id for s in problem.case_by_id["C1"].sessions
    }


def test_cli_says_why_when_no_journey_fits(tmp_path) -> None:
    problem, plan = _example()
    missing = plan.unscheduled[0].case
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan.to_doc()), "utf-8")
    got = CliRunner().invoke(
        cli,
        ["suggest", str(DATA / "journeys.problem.json"), "--plan", str(path), "--case", missing],
        terminal_width=200,
    )
    assert got.exit_code == 0, got.output
    assert "No whole journey" in got.output
    assert plan.unscheduled[0].reasons[0].code in got.output
