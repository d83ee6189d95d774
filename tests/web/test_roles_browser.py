"""The viewer's and the facilitator's pages in real headless Chromium, under the strict CSP.

The viewer's overview shows counts, plans and meetings by venue and facilitator name,
and no case reference, party name, email or coordinate. The facilitator signs in to
their own meetings, as their invites describe them, and makes a feed address. No page
breaks the Content-Security-Policy (Chromium reports each violation on the console).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scheduler.domain import Plan
from scheduler.invites.content import Sender
from scheduler.invites.outbox import confirm_plan
from scheduler.storage.db import make_engine, transaction
from scheduler.storage.plans import save_plan
from scheduler.storage.problems import import_problem
from scheduler.web import create_app
from scheduler.web_services.accounts import create_user
from tests.web.helpers import PASSWORD, make_settings
from tests.web.test_browser import ARGS, CHROMIUM, _need_chromium, check_page, served

DATA = Path(__file__).parents[1] / "data"
PROBLEM = json.loads((DATA / "small.problem.json").read_text())
PLAN = json.loads((DATA / "small.plan.json").read_text())

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:

    from scheduler.domain import Problem

    tmp = tmp_path_factory.mktemp("roles-browser")
    settings = make_settings(tmp)
    engine = make_engine(settings=settings)
    app = create_app(settings, engine=engine)
    now = dt.datetime.now(dt.UTC)
    with transaction(engine) as session:
        create_user(session, email="viewer@example.org", password=PASSWORD, now=now, role="viewer")
        create_user(
            session, email="f4@example.org", password=PASSWORD, now=now, role="facilitator",
            facilitator_id="F4",
        )  # fmt: skip
        import_problem(session, Problem.model_validate(PROBLEM), replace=False, now=now)
        plan_id = save_plan(session, Plan.model_validate(PLAN), kind="import", created_at=now)
    with transaction(engine) as session:
        confirm_plan(session, plan_id=plan_id, now=now, sender=Sender.from_settings(settings))
    with served(app) as base:
        yield base
    engine.dispose()


@pytest.fixture
def page(server: str) -> Iterator[Any]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 800})
        pg.on("dialog", lambda d: d.accept())
        pg.csp_errors = []  # type: ignore[attr-defined]
        pg.on(
            "console",
            lambda m: "Content Security Policy" in m.text and pg.csp_errors.append(m.text),  # type: ignore[attr-defined]
        )
        yield pg
        browser.close()


def _sign_in(page: Any, server: str, email: str) -> None:
    page.goto(f"{server}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_viewer_sees_counts_and_names_but_no_personal_data(server: str, page: Any) -> None:
    _sign_in(page, server, "viewer@example.org")
    assert page.url.rstrip("/") == server
    secret = {p["name"] for c in PROBLEM["cases"] for p in c["parties"]}
    secret |= {p["email"] for c in PROBLEM["cases"] for p in c["parties"] if p.get("email")}
    secret |= {c["reference"] for c in PROBLEM["cases"]}
    for path, name in (("/", "viewer-overview"), ("/facilitators", "viewer-facilitators")):
        page.goto(f"{server}{path}")
        text = page.inner_text("body")
        assert not [s for s in secret if s in text], path
        check_page(page, name)
    page.goto(f"{server}/")
    assert "Meetings" in page.inner_text("main")
    assert page.locator("nav a", has_text="Import").count() == 0
    page.goto(f"{server}/cases/C1")
    assert "Not for this account" in page.inner_text("main")
    assert not page.csp_errors


def test_facilitator_sees_own_meetings_and_makes_a_feed(server: str, page: Any) -> None:
    _sign_in(page, server, "f4@example.org")
    assert page.url.endswith("/me")
    main = page.inner_text("main")
    assert "My meetings" in main
    assert "Your role" in main  # the invite's facts
    party_names = {p["name"] for c in PROBLEM["cases"] for p in c["parties"]}
    assert not [n for n in party_names if n in main]
    check_page(page, "facilitator-me")
    page.click("text=Create a feed address")
    page.wait_for_load_state("networkidle")
    assert "/feeds/" in page.inner_text("#feed-url")
    assert not page.csp_errors
