"""`rjsched demo`: a fresh data folder gets the area dataset, a verified plan, a report and a
coordinator login; a rerun replaces the demo's own data."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from scheduler.cli import cli
from scheduler.formats import load_plan, load_problem
from scheduler.storage.db import make_engine, transaction
from scheduler.storage.models import CaseRow, PlanRow
from scheduler.verify import verify
from scheduler.web_services.accounts import BadCredentials, authenticate

EMAIL = "coordinator@example.org"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    for name in ("RJSCHED_DATABASE_URL", "RJSCHED_OUTBOX_DIR", "RJSCHED_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("RJSCHED_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _count(data_dir, model) -> int:
    engine = make_engine(f"sqlite:///{data_dir / 'rjsched.db'}")
    try:
        with transaction(engine) as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def _login(data_dir, password: str) -> bool:
    engine = make_engine(f"sqlite:///{data_dir / 'rjsched.db'}")
    try:
        with transaction(engine) as session:
            authenticate(
                session, email=EMAIL, password=password, client="test", now=dt.datetime.now(dt.UTC)
            )
        return True
    except BadCredentials:
        return False
    finally:
        engine.dispose()


def _password(output: str) -> str:
    found = re.search(r"^Password\s+(\S+)", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def test_demo_end_to_end_in_a_fresh_folder(data_dir):
    runner = CliRunner()
    result = runner.invoke(cli, ["demo", "--time-limit", "5"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for word in ("cases", "parties", "facilitators", "venues", "keep-apart", "VALID"):
        assert word in result.output
    for word in ("scheduled", "unscheduled", "soft cost", "solver status", "wall time"):
        assert word in result.output
    assert "http://127.0.0.1:8000/" in result.output
    assert "rjsched serve" in result.output

    demo = data_dir / "demo"
    problem = load_problem((demo / "area-seed1.problem.json").read_text())
    plan = load_plan((demo / "plan.json").read_text())
    assert verify(problem, plan) == []
    scheduled = {m.case for m in plan.meetings} | {s.case for s in plan.sessions}
    assert len(scheduled) + len(plan.unscheduled) == len(problem.cases)
    # the table counts cases scheduled, a case without a conference too
    shown = re.search(r"\bscheduled\s*\S\s*(\d+)", result.output)
    assert shown, result.output
    assert int(shown.group(1)) == len(scheduled), result.output
    assert "S1–S8" in result.output
    assert plan.sessions  # the demo plans journeys
    assert "sessions booked" in result.output
    report = (demo / "report.html").read_text()
    assert "<h1" in report
    assert all(m.case in report for m in plan.meetings)
    assert _count(data_dir, CaseRow) == len(problem.cases) > 0
    assert _count(data_dir, PlanRow) == 1

    password = _password(result.output)
    assert EMAIL in result.output
    assert _login(data_dir, password)
    assert password not in (data_dir / "rjsched.db").read_bytes().decode("latin-1")

    # A rerun replaces the demo's data (not twice the cases or plans) and the password.
    again = runner.invoke(cli, ["demo", "--time-limit", "5"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert _count(data_dir, CaseRow) == len(problem.cases)
    assert _count(data_dir, PlanRow) == 1
    new_password = _password(again.output)
    assert new_password != password
    assert _login(data_dir, new_password)
    assert not _login(data_dir, password)


def test_demo_will_not_replace_another_problem_unasked(data_dir, tmp_path, problem_doc):
    runner = CliRunner()
    src = tmp_path / "mine.json"
    src.write_text(json.dumps(problem_doc))
    assert runner.invoke(cli, ["import", str(src)]).exit_code == 0
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 1
    assert problem_doc["name"] in result.output
    assert _count(data_dir, CaseRow) == len(problem_doc["cases"])
    forced = runner.invoke(cli, ["demo", "--force", "--time-limit", "5"])
    assert forced.exit_code == 0, forced.output
    assert _count(data_dir, CaseRow) != len(problem_doc["cases"])
