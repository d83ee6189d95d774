"""Factories for web tests: an app on a fresh SQLite database, a signed-in client."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fastapi.testclient import TestClient

from scheduler.settings import Settings
from scheduler.storage.db import make_engine, transaction
from scheduler.web import create_app
from scheduler.web_services.accounts import create_user

PASSWORD = "a-long-test-password"
EMAIL = "coordinator@example.org"


def make_settings(tmp: Path, **extra: object) -> Settings:
    return Settings(
        data_dir=tmp,
        outbox_dir=tmp / "outbox",
        solver_time_limit_seconds=5,
        solver_workers=2,
        **extra,
    )  # type: ignore[arg-type]


def make_app(tmp: Path, **extra: object):  # type: ignore[no-untyped-def]
    settings = make_settings(tmp, **extra)
    engine = make_engine(settings=settings)
    app = create_app(settings, engine=engine)
    with transaction(engine) as session:
        create_user(session, email=EMAIL, password=PASSWORD, now=dt.datetime.now(dt.UTC))
    return app


def login(client: TestClient, email: str = EMAIL, password: str = PASSWORD) -> str:
    """Sign in through the login form; returns the session's CSRF token."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    res = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
    assert res.status_code == 303, res.text
    return client.get("/api/session").json()["csrf_token"]
