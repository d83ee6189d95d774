"""`rjsched validate / import / export / generate` through click, on both databases."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from scheduler.cli import cli
from tests.storage.helpers import all_empty


@pytest.fixture
def run(cli_env):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return invoke


def _write(path, doc) -> str:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_import_then_export_round_trips(run, tmp_path, problem_doc):
    src = _write(tmp_path / "in.json", problem_doc)
    result = run("import", src)
    assert result.exit_code == 0, result.output
    assert "cases" in result.output
    out = tmp_path / "out.json"
    result = run("export", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == problem_doc
    assert run("import", src, "--replace").exit_code == 0


def test_import_of_a_bad_document_writes_nothing(run, engine, tmp_path, problem_doc):
    problem_doc["cases"][0]["priority"] = 9
    problem_doc["facilitators"][0]["level"] = "expert"
    result = run("import", _write(tmp_path / "bad.json", problem_doc))
    assert result.exit_code == 1
    # Every problem is reported, not just the first.
    assert "cases[0].priority" in result.output
    assert "facilitators[0].level" in result.output
    assert "Traceback" not in result.output
    assert all_empty(engine)


def test_missing_file_and_bad_json_are_clear_errors(run, tmp_path):
    result = run("import", str(tmp_path / "nope.json"))
    assert result.exit_code == 1
    assert "nope.json" in result.output
    (tmp_path / "broken.json").write_text('{"format": ', encoding="utf-8")
    result = run("import", str(tmp_path / "broken.json"))
    assert result.exit_code == 1
    assert "not valid JSON" in result.output


def test_export_before_import_says_what_to_do(run, tmp_path):
    out = tmp_path / "out.json"
    result = run("export", "--out", str(out))
    assert result.exit_code == 1
    assert "rjsched import" in result.output
    assert not out.exists()
    result = run("export", "--plan", "--out", str(out))
    assert result.exit_code == 1
    assert "no plan" in result.output
    assert not out.exists()


def test_export_plan_gives_the_current_plan(run, cli_env, tmp_path, plan, plan_doc):
    import datetime as dt

    from scheduler.storage.db import make_engine, transaction
    from scheduler.storage.migrate import upgrade
    from scheduler.storage.plans import save_plan

    engine = make_engine(cli_env)
    upgrade(engine)
    with transaction(engine) as session:
        save_plan(session, plan, kind="allocate", created_at=dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    engine.dispose()
    out = tmp_path / "plan.json"
    result = run("export", "--plan", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text()) == plan_doc


def test_validate(run, tmp_path, problem_doc):
    result = run("validate", _write(tmp_path / "p.json", problem_doc))
    assert result.exit_code == 0
    assert "valid" in result.output
    problem_doc["horizon"]["start"] = "2027-13-01"
    result = run("validate", _write(tmp_path / "q.json", problem_doc))
    assert result.exit_code == 1
    assert "horizon.start" in result.output


def test_unreachable_database_names_the_url(tmp_path, monkeypatch, problem_doc):
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
    monkeypatch.setenv("RJSCHED_DATABASE_URL", url)
    result = CliRunner().invoke(cli, ["import", _write(tmp_path / "p.json", problem_doc)])
    assert result.exit_code == 1
    assert url in result.output
    assert "Traceback" not in result.output


def test_generate_writes_a_valid_seeded_document(tmp_path):
    from scheduler.formats import load_problem

    runner = CliRunner()
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for out in (a, b):
        result = runner.invoke(
            cli, ["generate", "--size", "small", "--seed", "7", "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
    assert a.read_text() == b.read_text()  # same seed, same document
    load_problem(a.read_text())
    result = runner.invoke(cli, ["generate", "--size", "huge", "--seed", "1", "--out", str(a)])
    assert result.exit_code == 2
    assert "huge" in result.output
