"""Placing a whole journey from the case page, in real headless Chromium (playwright).

The journeys example is stored with case C1 taken out of its plan. C1's page must
offer whole journeys (each step by name, in order: sessions then the conference), and
"Place this journey" must save a draft in which C1's journey is listed as proposed.
Screenshots go to tests/artifacts/screenshots.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scheduler.domain import Plan
from scheduler.formats import load_problem
from scheduler.storage.db import make_engine, transaction
from scheduler.storage.plans import save_plan
from scheduler.storage.problems import import_problem
from scheduler.web import create_app
from scheduler.web_services.accounts import create_user
from tests.web.helpers import EMAIL, PASSWORD, make_settings
from tests.web.test_browser import ARGS, CHROMIUM, _need_chromium, check_page, served

DATA = Path(__file__).parents[1] / "data"
pytestmark = pytest.mark.browser
EARLY = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)  # before the app's clock: a placed draft is newer


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:

    tmp = tmp_path_factory.mktemp("journey-suggest-browser")
    settings = make_settings(tmp)
    engine = make_engine(settings=settings)
    app = create_app(settings, engine=engine)
    problem = load_problem((DATA / "journeys.problem.json").read_text())
    doc = json.loads((DATA / "journeys.plan.json").read_text())
    doc["meetings"] = [m for m in doc["meetings"] if m["case"] != "C1"]
    doc["sessions"] = [s for s in doc["sessions"] if s["case"] != "C1"]
    doc["unscheduled"].append(
        {"case": "C1", "reasons": [{"code": "CAPACITY", "message": "taken out by hand"}]}
    )
    with transaction(engine) as session:
        create_user(session, email=EMAIL, password=PASSWORD, now=dt.datetime.now(dt.UTC))
        import_problem(session, problem, replace=True, now=EARLY)
        save_plan(session, Plan.model_validate(doc), kind="import", created_at=EARLY)
    with served(app) as base:
        yield base
    engine.dispose()


def test_the_case_page_offers_whole_journeys_and_places_one(server: str) -> None:
    _need_chromium()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page: Any = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(server + "/login")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(server + "/")

        page.goto(server + "/cases/C1")
        options = page.locator("ol.suggestions > li.journey-option")
        assert options.count() >= 1
        first = options.first
        steps = first.locator("ol.steps > li").all_inner_texts()
        assert len(steps) == 4  # three sessions, then the conference
        assert steps[-1].startswith("Conference:")
        assert all(s.startswith("Session C1-") for s in steps[:3])
        assert "Whole journey led by" in first.inner_text()
        assert "F1" not in " ".join(steps)  # facilitators and places by name, not id
        check_page(page, "case-journey-suggestions")

        first.get_by_role("button", name="Place this journey").click()
        page.wait_for_url(server + "/cases/C1")
        rows = page.locator("#journey tbody tr")
        expect(rows).to_have_count(4)
        states = [rows.nth(i).locator("td").last.inner_text() for i in range(4)]
        assert states == ["proposed"] * 4
        check_page(page, "case-journey-placed")
        browser.close()
