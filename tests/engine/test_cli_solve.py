"""`rjsched solve --db`: the spec example imported into a temporary SQLite database,
solved with a short limit, stored as a draft plan that verifies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import cli
from scheduler.formats import load_problem_file
from scheduler.storage.db import make_engine, transaction
from scheduler.storage.plans import latest_plan, plan_document
from scheduler.verify import verify
from tests.paths import SMALL_PROBLEM as EXAMPLE


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'rj.db'}"
    monkeypatch.setenv("RJSCHED_DATABASE_URL", url)
    monkeypatch.setenv("RJSCHED_DATA_DIR", str(tmp_path / "data"))
    return url


def test_solve_db_stores_a_draft_that_verifies(sqlite_env: str) -> None:
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", str(EXAMPLE)], catch_exceptions=False)
    assert imported.exit_code == 0, imported.output
    solved = runner.invoke(
        cli, ["solve", "--db", "--time-limit", "5", "--workers", "2"], catch_exceptions=False
    )
    assert solved.exit_code == 0, solved.output
    assert "saved draft plan" in solved.output

    engine = make_engine(sqlite_env)
    with transaction(engine) as session:
        row = latest_plan(session)
        assert row is not None
        assert row.status == "draft"
        plan = plan_document(session, row.id)
    problem = load_problem_file(EXAMPLE)
    assert verify(problem, plan) == []
    assert plan.objective.disruption == 0
    assert 0 < plan.objective.scheduled_priority <= 21  # 21: the example's optimum


def test_solve_needs_a_problem_or_db(sqlite_env: str) -> None:
    result = CliRunner().invoke(cli, ["solve"])
    assert result.exit_code != 0
    assert "give either PROBLEM or --db" in result.output


def _solve(*args: str):  # type: ignore[no-untyped-def]
    wide = {"COLUMNS": "250"}  # table cells on one line each, to read them back
    return CliRunner(env=wide).invoke(cli, ["solve", *args], catch_exceptions=False)


def test_solve_help_shows_problem_as_optional() -> None:
    result = CliRunner().invoke(cli, ["solve", "--help"], prog_name="rjsched")
    assert result.exit_code == 0
    assert "Usage: rjsched solve [OPTIONS] [PROBLEM]" in result.output
    for flag in ("--db", "--fresh", "--date", "--quiet"):
        assert flag in result.output


def test_solve_prints_progress_and_the_unscheduled_cases(tmp_path: Path) -> None:
    result = _solve(str(EXAMPLE), "--out", str(tmp_path / "plan.json"), "--time-limit", "3")
    assert result.exit_code == 0, result.output
    progress = [line for line in result.stderr.splitlines() if line.startswith("solve: ")]
    assert len(progress) >= 2  # the start, each phase and the end at least
    assert progress[-1].endswith("done")
    assert re.search(r"^solve: +\d+ s +\d+%  ", progress[0])
    # The table of unscheduled cases: reference, priority, reason in words, code small.
    problem = load_problem_file(EXAMPLE)
    assert "unscheduled case(s)" in result.stderr
    c11 = problem.case_by_id["C11"]
    assert c11.reference in result.stderr
    assert "No team of facilitators is qualified for this case" in result.stderr
    assert "NO_QUALIFIED_FACILITATOR" in result.stderr


def test_quiet_solve_prints_no_progress(tmp_path: Path) -> None:
    result = _solve(str(EXAMPLE), "-q", "--out", str(tmp_path / "p.json"), "--time-limit", "1")
    assert result.exit_code == 0
    assert not [line for line in result.stderr.splitlines() if line.startswith("solve: ")]


def test_solve_db_replans_a_confirmed_plan_and_fresh_warns(sqlite_env: str) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(EXAMPLE)]).exit_code == 0
    first = _solve("--db", "--time-limit", "3", "-q")
    assert first.exit_code == 0, first.output
    assert "re-plan" not in first.stderr  # nothing confirmed yet: a fresh allocation
    assert runner.invoke(cli, ["confirm", "--all"]).exit_code == 0
    engine = make_engine(sqlite_env)
    with transaction(engine) as session:
        confirmed_id = latest_plan(session, "confirmed").id  # type: ignore[union-attr]
        before = plan_document(session, confirmed_id)
    again = _solve("--db", "--time-limit", "3", "-q", "--date", "2027-03-01")
    assert again.exit_code == 0, again.output
    assert f"re-plan of confirmed plan {confirmed_id} for 2027-03-01" in again.stderr
    assert "--fresh" not in again.stderr
    with transaction(engine) as session:
        row = latest_plan(session)
        assert row is not None
        assert row.status == "draft"
        replanned = plan_document(session, row.id)
    # Minimal disruption: every confirmed meeting is kept as it was.
    assert replanned.objective.disruption == 0
    kept = {m.case: (m.start, m.venue) for m in replanned.meetings}
    assert all(kept.get(m.case) == (m.start, m.venue) for m in before.meetings)
    # A meeting kept exactly as it was carries no "meeting changed" warning.
    from scheduler.jobs.replan_problem import describe_changes

    unchanged = set(describe_changes(before.meetings, replanned).unchanged)
    assert not [
        w for w in replanned.warnings if w.code == "MEETING_CHANGED" and w.case in unchanged
    ]
    fresh = _solve("--db", "--fresh", "--time-limit", "2", "-q")
    assert fresh.exit_code == 0, fresh.output
    assert f"warning: --fresh ignores confirmed plan {confirmed_id}" in fresh.stderr
    assert "re-plan" not in fresh.stderr


def test_fresh_needs_db() -> None:
    result = _solve(str(EXAMPLE), "--fresh")
    assert result.exit_code != 0
    assert "--fresh goes with --db" in result.output
