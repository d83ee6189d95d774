"""The login lockout holds against spoofed proxy headers; every answer carries the security headers.

The lockout counts failures per account whatever address they seem to come from, so a
new `X-Forwarded-For` each try does not reset it; the header is believed only from an
address in `RJSCHED_TRUSTED_PROXIES`.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from scheduler.storage.db import transaction
from scheduler.storage.web_models import AuditRow, LoginFailure
from tests.web.helpers import EMAIL, PASSWORD, login, make_app

PEER = ("198.51.100.10", 40000)  # the direct peer in these tests


def _try_login(client: TestClient, password: str, forwarded: str | None = None) -> int:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    res = client.post(
        "/login",
        data={"email": EMAIL, "password": password, "csrf_token": token},
        headers=headers,
        follow_redirects=False,
    )
    return res.status_code


def test_spoofed_forwarded_for_does_not_reset_the_lockout(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path)
    client = TestClient(app, client=PEER)
    codes = [_try_login(client, "wrong-password!", f"203.0.113.{i}") for i in range(30)]
    assert codes[:5] == [401] * 5
    assert set(codes[5:]) == {429}, codes
    # The right password is refused too until the window has passed ...
    assert _try_login(client, PASSWORD, "192.0.2.1") == 429
    # ... and the failures were recorded against the peer, not the made-up addresses.
    with transaction(app.state.engine) as session:
        clients = {row.client for row in session.query(LoginFailure)}
    assert clients == {PEER[0]}
    # When the window has passed, the right password works again.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    app.state.clock = lambda: later
    assert _try_login(client, PASSWORD) == 303


def test_another_address_is_locked_out_of_the_account_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path)
    for i in range(5):
        assert _try_login(TestClient(app, client=(f"198.51.100.{i}", 1)), "wrong-password!") == 401
    assert _try_login(TestClient(app, client=("192.0.2.99", 1)), PASSWORD) == 429


def test_one_address_guessing_many_accounts_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path)
    client = TestClient(app, client=PEER)
    codes = []
    for i in range(21):
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
        codes.append(
            client.post(
                "/login",
                data={"email": f"u{i}@example.org", "password": "guess-guess", "csrf_token": token},
            ).status_code
        )
    assert codes[:20] == [401] * 20
    assert codes[20] == 429


def test_forwarded_for_is_believed_only_from_a_trusted_proxy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path, trusted_proxies="198.51.100.0/24")
    client = TestClient(app, client=PEER)
    assert _try_login(client, "wrong-password!", "6.6.6.6, 203.0.113.5") == 401
    with transaction(app.state.engine) as session:
        failure = session.query(LoginFailure).one()
        audit_client = session.query(AuditRow).filter_by(action="login_failed").one().client
    # The right-most address the trusted proxy added, not what the client wrote before it.
    assert failure.client == "203.0.113.5" == audit_client
    # From an untrusted peer the header is ignored.
    other = TestClient(app, client=("192.0.2.7", 1))
    assert _try_login(other, "wrong-password!", "203.0.113.5") == 401
    with transaction(app.state.engine) as session:
        assert {r.client for r in session.query(LoginFailure)} == {"203.0.113.5", "192.0.2.7"}


def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    for trusted, secure in (("", False), ("198.51.100.10", True)):
        app = make_app(tmp_path / (trusted or "none"), trusted_proxies=trusted)
        client = TestClient(app, client=PEER)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
        res = client.post(
            "/login",
            data={"email": EMAIL, "password": PASSWORD, "csrf_token": token},
            headers={"X-Forwarded-Proto": "https"},
            follow_redirects=False,
        )
        assert ("secure" in res.headers["set-cookie"].lower()) is secure


# --------------------------------------------------------------------------- headers


@pytest.fixture
def signed_in(tmp_path):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path)
    with TestClient(app) as c:
        c.headers["X-CSRF-Token"] = login(c)
        yield c


@pytest.mark.parametrize("path", ["/", "/login", "/api/session", "/api/cases", "/no-such-page"])
def test_every_answer_has_the_security_headers(signed_in: TestClient, path: str) -> None:
    res = signed_in.get(path, follow_redirects=False)
    csp = res.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "http" not in csp
    assert res.headers["x-frame-options"] == "DENY"
    assert res.headers["x-content-type-options"] == "nosniff"
    assert res.headers["referrer-policy"] == "no-referrer"
    assert res.headers["cache-control"] == "no-store"


def test_static_files_may_be_cached(signed_in: TestClient) -> None:
    res = signed_in.get("/static/app.css")
    assert res.status_code == 200
    assert res.headers.get("cache-control") != "no-store"
    assert res.headers["x-content-type-options"] == "nosniff"


def test_feed_is_not_stored(signed_in: TestClient) -> None:
    assert signed_in.get("/feeds/x.ics").headers["cache-control"] == "no-store"


def test_api_docs_are_off_by_default_and_local_when_on(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert TestClient(make_app(tmp_path / "off")).get("/api/docs").status_code == 404
    page = TestClient(make_app(tmp_path / "on", api_docs=True)).get("/api/docs")
    assert page.status_code == 200
    assert "/api/jobs" in page.text
    scripts = re.findall(r"<script[^>]*>", page.text)
    assert scripts
    assert all('src="/static/' in s for s in scripts), scripts


def test_no_template_has_inline_script_or_style() -> None:
    from pathlib import Path

    folder = Path(__file__).parents[2] / "scheduler" / "web" / "templates"
    for template in folder.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\ssrc=)", text), template.name
        assert not re.search(r"\sstyle=|<style|\son[a-z]+=", text), template.name


def test_a_body_over_the_limit_is_413(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = make_app(tmp_path, max_body_bytes=1000)
    with TestClient(app) as c:
        c.headers["X-CSRF-Token"] = login(c)
        res = c.post("/api/import", content=b"{" + b" " * 2000 + b"}")
        assert res.status_code == 413
        assert "1,000 bytes" in res.json()["detail"]

        def chunks():  # type: ignore[no-untyped-def]
            for _ in range(5):
                yield b" " * 400

        res = c.post("/api/import", content=chunks(), headers={"Content-Type": "application/json"})
        assert res.status_code == 413
