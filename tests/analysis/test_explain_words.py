"""`explain` for people: the verdict first, in plain words, people and places by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import cli
from scheduler.engine.explain import explain
from scheduler.formats import load_problem_file
from scheduler.wording import REASON_WORDS, humanise

DATA = Path(__file__).parents[1] / "data"
PROBLEM = DATA / "small.problem.json"


def _explain(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner(env={"COLUMNS": "250"}).invoke(cli, ["explain", *args])


@pytest.mark.parametrize("case_id", ["C4", "C5", "C9", "C11"])  # the example's unscheduled
def test_verdict_leads_in_plain_words(case_id: str) -> None:
    problem = load_problem_file(PROBLEM)
    case = problem.case_by_id[case_id]
    got = _explain(str(PROBLEM), "--case", case_id)
    assert got.exit_code == 0, got.output
    lines = got.output.splitlines()
    assert lines[0] == f"Case {case.reference} ({case_id}): cannot be scheduled."
    assert lines[1].startswith("Why: ")
    ex = explain(problem, case_id)
    for r in ex.reasons:
        assert REASON_WORDS[r.code].capitalize() in got.output
        assert f"({r.code})" in got.output
    head = got.output.split("What narrows it down")[0]
    assert "rule " not in head
    assert " starts " not in head  # "free together at 3 starts" is said in words


def test_people_are_named_beside_their_ids() -> None:
    problem = load_problem_file(PROBLEM)
    case = problem.case_by_id["C4"]
    got = _explain(str(PROBLEM), "--case", "C4")
    attendee = case.attendees[0]
    assert f"{attendee.name} ({attendee.id}" in got.output


def test_detail_tables_keep_the_rules_as_small_print() -> None:
    got = _explain(str(PROBLEM), "--case", "C11", "--detail")
    assert got.exit_code == 0
    assert "rule 2" in got.output.split("What narrows it down")[1]


def test_placeable_case_says_so() -> None:
    got = _explain(str(PROBLEM), "--case", "C1")
    assert "can be scheduled" in got.output.splitlines()[0]


def test_explain_from_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RJSCHED_DATABASE_URL", f"sqlite:///{tmp_path / 'rj.db'}")
    monkeypatch.setenv("RJSCHED_DATA_DIR", str(tmp_path / "data"))
    assert CliRunner().invoke(cli, ["import", str(PROBLEM)]).exit_code == 0
    got = _explain("--db", "--case", "C11")
    assert got.exit_code == 0, got.output
    assert "cannot be scheduled" in got.output
    both = _explain(str(PROBLEM), "--db", "--case", "C11")
    assert both.exit_code != 0
    assert "give either PROBLEM or --db" in both.output


def test_humanise_names_dates_and_starts_but_not_ids_shared_across_kinds() -> None:
    problem = load_problem_file(PROBLEM)
    f = problem.facilitators[0]
    text = humanise(f"{f.id} is free at 3 starts between 2027-03-01 and 2027-04-30", problem)
    assert (
        text
        == f"{f.name} ({f.id}) is free at 3 possible start times between 1 March 2027 and 30 April 2027"
    )
    doc = problem.to_doc()
    doc["venues"][0]["id"] = f.id  # ids are unique only within a kind
    for m in doc.get("existing", []):
        if m["venue"] == problem.venues[0].id:
            m["venue"] = f.id
    from scheduler.formats import load_problem

    shared = load_problem(doc)
    assert humanise(f"{f.id} is away", shared) == f"{f.id} is away"
