"""Every operation of the OpenAPI document, driven with generated input: never a 5xx.

Schemathesis reads the app's own schema and generates valid and invalid requests for
each operation (path ids of any size, wrong types, missing and extra fields, odd
bodies), in process over ASGI, signed in as an administrator (who may do everything a
coordinator may, and manage accounts) with the session's CSRF token, and the
facilitator's own routes as a facilitator. The only property checked is the issue's:
no answer is a server error. Jobs are accepted and recorded but not started (a solver
run per generated job would only measure the solver).
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from scheduler.domain import Plan
from scheduler.storage.db import transaction
from scheduler.storage.plans import save_plan
from scheduler.web import jobs
from scheduler.web_services.accounts import create_user
from tests.web.helpers import PASSWORD, login, make_app

DATA = Path(__file__).parents[1] / "data"
PROBLEM = json.loads((DATA / "small.problem.json").read_text())
PLAN = json.loads((DATA / "small.plan.json").read_text())
EXAMPLES = 20  # per operation; with ~45 operations the whole run stays near a minute


# Built at import: schemathesis makes one test per operation from the app's schema.
_FOLDER = tempfile.TemporaryDirectory(prefix="rjsched-fuzz-")
APP = make_app(Path(_FOLDER.name))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module")
def web() -> dict[str, Any]:
    app = APP
    now = dt.datetime.now(dt.UTC)
    with transaction(app.state.engine) as session:
        create_user(session, email="admin@example.org", password=PASSWORD, now=now, role="admin")
        create_user(
            session, email="f4@example.org", password=PASSWORD, now=now, role="facilitator",
            facilitator_id="F4",
        )  # fmt: skip
    auth = {}
    for who in ("admin", "f4"):
        with TestClient(app) as c:
            csrf = login(c, email=f"{who}@example.org")
            auth[who] = {"csrf": csrf, "cookie": c.cookies["rj_session"]}
            if who == "admin":
                assert c.post(
                    "/api/import", json=PROBLEM, headers={"X-CSRF-Token": csrf}
                ).is_success
    with transaction(app.state.engine) as session:
        save_plan(session, Plan.model_validate(PLAN), kind="import", created_at=now)
    return {"app": app, "auth": auth}


@pytest.fixture(autouse=True)
def _no_solver_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "_launch", lambda request, request_id, kind: None)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_operation_answers_a_server_error(case: Any, web: dict[str, Any]) -> None:
    who = "f4" if case.path.startswith("/api/me/") else "admin"
    auth = web["auth"][who]
    response = case.call(
        headers={"X-CSRF-Token": auth["csrf"]}, cookies={"rj_session": auth["cookie"]}
    )
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} {case.query or ''} -> {response.status_code}: "
        f"{response.text[:500]}"
    )
    # The session must still be the fuzzer's (nothing it sent may sign it out or lock it).
    if response.status_code == 401:
        raise AssertionError(f"{case.method} {case.formatted_path} ended the session")
