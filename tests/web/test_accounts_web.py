"""Administrators manage accounts on the web: add with a role, disable, enable, reset; audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from scheduler.storage.db import transaction
from scheduler.web_services.accounts import create_user
from tests.web.helpers import PASSWORD, login, make_app


@pytest.fixture
def admin(tmp_path):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path)
    with transaction(app.state.engine) as session:
        create_user(
            session, email="admin@example.org", password=PASSWORD, now=dt.datetime.now(dt.UTC),
            role="admin",
        )  # fmt: skip
    with TestClient(app) as c:
        c.headers["X-CSRF-Token"] = login(c, email="admin@example.org")
        yield c


def test_account_lifecycle_from_the_web(admin: TestClient) -> None:
    made = admin.post("/api/users", json={"email": "new@example.org", "role": "viewer"}).json()
    assert made["role"] == "viewer"
    first = made["password"]  # generated, shown once
    assert len(first) >= 10
    other = TestClient(admin.app)
    login(other, email="new@example.org", password=first)

    assert admin.post(f"/api/users/{made['id']}/disable").json()["active"] is False
    assert other.get("/api/session").status_code == 401  # its session ended at once
    assert admin.post(f"/api/users/{made['id']}/enable").json()["active"] is True
    reset = admin.post(f"/api/users/{made['id']}/reset-password", json={}).json()
    assert reset["password"] != first
    login(TestClient(admin.app), email="new@example.org", password=reset["password"])

    actions = [e["action"] for e in admin.get("/api/audit").json()]
    for action in ("user_added", "user_disabled", "user_enabled", "password_reset"):
        assert action in actions
    listed = {u["email"]: u for u in admin.get("/api/users").json()}
    assert listed["new@example.org"]["active"] is True


def test_the_accounts_page_adds_an_account_and_shows_its_password_once(
    admin: TestClient,
) -> None:
    page = admin.get("/admin/users")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    res = admin.post(
        "/api/users",
        data={"csrf_token": token, "email": "fac@example.org", "role": "facilitator",
              "facilitator_id": "F1"},
    )  # fmt: skip
    assert res.status_code == 200
    assert 'id="new-password"' in res.text
    assert "fac@example.org" in admin.get("/admin/users").text
    assert 'id="new-password"' not in admin.get("/admin/users").text


@pytest.mark.parametrize(
    "body",
    [
        {"email": "x@example.org", "role": "facilitator"},  # names no facilitator
        {"email": "x@example.org", "role": "boss"},
        {"email": "x" * 400},
        {"email": "x@example.org", "password": "short"},
    ],
)
def test_bad_accounts_are_422(admin: TestClient, body: dict) -> None:  # type: ignore[type-arg]
    assert admin.post("/api/users", json=body).status_code == 422


def test_an_admin_cannot_lock_themselves_out(admin: TestClient) -> None:
    me = admin.get("/api/session").json()["user_id"]
    assert admin.post(f"/api/users/{me}/disable").status_code == 409
    assert admin.post(f"/api/users/{me}/reset-password", json={}).status_code == 409
