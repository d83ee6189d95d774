"""`rjsched demo` stage one: a fresh data folder gets the area dataset, and shows it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from scheduler.cli import cli
from scheduler.storage.db import make_engine, transaction
from scheduler.storage.models import CaseRow

pytest.importorskip("scheduler.generate")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("RJSCHED_DATABASE_URL", raising=False)
    monkeypatch.setenv("RJSCHED_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def _cases(data_dir) -> int:
    engine = make_engine(f"sqlite:///{data_dir / 'rjsched.db'}")
    try:
        with transaction(engine) as session:
            return session.scalar(select(func.count()).select_from(CaseRow))
    finally:
        engine.dispose()


def test_demo_loads_the_area_dataset_into_a_fresh_folder(data_dir):
    runner = CliRunner()
    result = runner.invoke(cli, ["demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for word in ("cases", "parties", "facilitators", "venues", "keep-apart"):
        assert word in result.output
    written = json.loads((data_dir / "demo" / "area-seed1.problem.json").read_text())
    assert _cases(data_dir) == len(written["cases"]) > 0
    # A second run gives the same database, not twice the data.
    assert runner.invoke(cli, ["demo"]).exit_code == 0
    assert _cases(data_dir) == len(written["cases"])


def test_demo_will_not_replace_another_problem_unasked(data_dir, tmp_path, problem_doc):
    runner = CliRunner()
    src = tmp_path / "mine.json"
    src.write_text(json.dumps(problem_doc))
    assert runner.invoke(cli, ["import", str(src)]).exit_code == 0
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == 1
    assert problem_doc["name"] in result.output
    assert _cases(data_dir) == len(problem_doc["cases"])
    assert runner.invoke(cli, ["demo", "--force"]).exit_code == 0
