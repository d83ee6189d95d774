"""Until the engine plans sessions, a problem with case journeys is refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import cli
from scheduler.engine import build_options
from scheduler.engine.journeys_guard import JourneysNotPlanned
from scheduler.formats import load_problem_file

DATA = Path(__file__).parent.parent / "data"


def test_solve_refuses_journeys_with_exit_code_3(tmp_path):
    out = tmp_path / "plan.json"
    result = CliRunner().invoke(
        cli, ["solve", str(DATA / "journeys.problem.json"), "--out", str(out), "--time-limit", "1"]
    )
    assert result.exit_code == 3, result.output
    assert "case journeys are not planned yet" in result.output
    assert not out.exists()


def test_the_engine_itself_refuses_journeys():
    with pytest.raises(JourneysNotPlanned):
        build_options(load_problem_file(DATA / "journeys.problem.json"))


def test_a_problem_without_journeys_still_builds():
    assert build_options(load_problem_file(DATA / "small.problem.json")).cases
