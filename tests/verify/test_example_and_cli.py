"""The spec example verifies clean with the spec's objective; the CLI's exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from scheduler.cli import cli
from scheduler.verify import compute_objective, verify
from tests.verify.helpers import DATA, example, load, meeting, party


def test_example_plan_is_valid():
    problem, plan = load(*example())
    assert verify(problem, plan) == []


def test_example_objective_recomputes_exactly():
    problem, plan = load(*example())
    o = compute_objective(problem, plan)
    assert (o.disruption, o.scheduled_priority, o.soft_cost) == (0, 21, 339)


def _run(*args: str):
    return CliRunner().invoke(cli, ["verify", *args])


def test_cli_valid_plan_exits_0_with_summary():
    result = _run(str(DATA / "small.problem.json"), str(DATA / "small.plan.json"))
    assert result.exit_code == 0, result.output
    assert "disruption 0, scheduled priority 21, soft cost 339" in result.output


def test_cli_prints_each_violation_and_exits_1(tmp_path):
    pr, pl = example()
    party(pr, "P18")["consent"] = False
    meeting(pl, "C8")["lead"] = "F2"
    (tmp_path / "p.json").write_text(json.dumps(pr))
    (tmp_path / "plan.json").write_text(json.dumps(pl))
    result = _run(str(tmp_path / "p.json"), str(tmp_path / "plan.json"))
    assert result.exit_code == 1
    assert "rule 1 (eligibility) C7: scheduled, but offender P18 has not consented" in result.output
    assert "rule 2 (facilitators) C8: lead F2 is foundation" in result.output
    assert "INVALID" in result.stdout.splitlines()[-1]
    assert result.stderr.startswith("Error: the plan breaks ")


def test_cli_unreadable_or_invalid_document_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert _run(str(DATA / "small.problem.json"), str(tmp_path / "missing.json")).exit_code == 2
    result = _run(str(DATA / "small.problem.json"), str(bad))
    assert result.exit_code == 2
    assert "not valid JSON" in result.output
    # A plan with an unknown key is invalid, not silently accepted.
    pl = json.loads((DATA / "small.plan.json").read_text())
    pl["meetings"][0]["colour"] = "red"
    bad.write_text(json.dumps(pl))
    result = _run(str(DATA / "small.problem.json"), str(bad))
    assert result.exit_code == 2
    assert "colour" in result.output
