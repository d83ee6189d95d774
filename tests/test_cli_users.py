"""`rjsched user`: add with a role, list, disable, enable, reset a password; each audited."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from scheduler.cli import cli
from scheduler.storage.db import make_engine, transaction
from scheduler.web_services.audit import entries
from tests.web.helpers import make_settings

PASSWORD = "a-long-cli-password"


@pytest.fixture
def run(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    for key in [k for k in __import__("os").environ if k.startswith("RJSCHED_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("RJSCHED_DATA_DIR", str(tmp_path))

    def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, ["user", *args], input=stdin)

    return invoke


def _sign_in(tmp_path, email: str, password: str) -> int:  # type: ignore[no-untyped-def]
    from scheduler.web import create_app

    app = create_app(make_settings(tmp_path))
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    res = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    return res.status_code


def test_user_lifecycle_is_audited(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    added = run("add", "v@example.org", "--role", "viewer", "--password-stdin", stdin=PASSWORD)
    assert added.exit_code == 0, added.output
    assert "viewer" in added.output
    fac = run(
        "add", "f@example.org", "--role", "facilitator", "--facilitator", "F1",
        "--password-stdin", stdin=PASSWORD,
    )  # fmt: skip
    assert fac.exit_code == 0, fac.output
    listed = run("list").output
    assert "v@example.org\tviewer\tactive" in listed
    assert "f@example.org\tfacilitator F1\tactive" in listed
    assert _sign_in(tmp_path, "v@example.org", PASSWORD) == 303

    assert run("disable", "v@example.org").exit_code == 0
    assert "v@example.org\tviewer\tdisabled" in run("list").output
    assert _sign_in(tmp_path, "v@example.org", PASSWORD) == 401
    assert run("enable", "v@example.org").exit_code == 0

    new = "another-long-password"
    assert run("reset-password", "v@example.org", "--password-stdin", stdin=new).exit_code == 0
    assert _sign_in(tmp_path, "v@example.org", PASSWORD) == 401
    assert _sign_in(tmp_path, "v@example.org", new) == 303

    engine = make_engine(settings=make_settings(tmp_path))
    with transaction(engine) as session:
        actions = [(e.actor, e.action) for e in entries(session) if e.actor == "cli"]
    engine.dispose()
    assert [a for _, a in reversed(actions)] == [
        "user_added", "user_added", "user_disabled", "user_enabled", "password_reset",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "args",
    [
        ("disable", "nobody@example.org"),
        ("add", "x@example.org", "--role", "facilitator", "--password-stdin"),
        ("add", "not-an-email", "--password-stdin"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(run, args) -> None:  # type: ignore[no-untyped-def]
    result = run(*args, stdin=PASSWORD)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
