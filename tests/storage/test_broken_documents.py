"""No broken document writes anything: every corpus entry, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from click.testing import CliRunner

from scheduler.cli import cli
from scheduler.storage.db import transaction
from scheduler.storage.problems import export_problem
from tests.formats import corpus
from tests.storage.helpers import all_empty, row_counts


def _import_each(tmp_path, runner) -> list[str]:
    """Import every broken document; the names of those that did not fail cleanly."""
    wrong = []
    for name, data, _path in corpus.broken_documents():
        src = tmp_path / f"{name}.json"
        src.write_bytes(data)
        result = runner.invoke(cli, ["import", str(src)])
        # Exit 1 is a user error (ClickException); anything else is a crash or a success.
        if result.exit_code != 1 or not isinstance(result.exception, SystemExit):
            wrong.append(f"{name}: exit {result.exit_code} {result.output[-200:]!r}")
    return wrong


def test_no_broken_document_writes_to_an_empty_database(cli_env, engine, tmp_path):
    assert corpus.broken_documents(), "the corpus is empty"
    wrong = _import_each(tmp_path, CliRunner())
    assert wrong == []
    assert all_empty(engine)


def test_no_broken_document_changes_a_loaded_database(cli_env, engine, tmp_path):
    base = corpus.base_problem()
    runner = CliRunner()
    src = tmp_path / "base.json"
    src.write_text(json.dumps(base), encoding="utf-8")
    assert runner.invoke(cli, ["import", str(src)]).exit_code == 0
    before = row_counts(engine)
    assert _import_each(tmp_path, runner) == []
    assert row_counts(engine) == before
    with transaction(engine) as session:
        assert export_problem(session).to_doc() == base
