"""`rjsched solve --db`: the spec example imported into a temporary SQLite database,
solved with a short limit, stored as a draft plan that verifies."""

from __future__ import annotations

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
