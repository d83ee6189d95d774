"""A case's journey and a facilitator's sessions in real headless Chromium (playwright).

The journeys test data (a problem with sessions and its valid plan) is stored directly;
the case page must list the journey in order, and the facilitator's timeline must show
sessions, home visits and video calls apart, in words and border patterns (a legend
explains them), at desktop and phone widths without overflow. Screenshots go to
tests/artifacts/screenshots.
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
T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def journeys_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:

    tmp = tmp_path_factory.mktemp("journeys-browser")
    settings = make_settings(tmp)
    engine = make_engine(settings=settings)
    app = create_app(settings, engine=engine)
    problem = load_problem((DATA / "journeys.problem.json").read_text())
    plan = Plan.model_validate(json.loads((DATA / "journeys.plan.json").read_text()))
    with transaction(engine) as session:
        create_user(session, email=EMAIL, password=PASSWORD, now=dt.datetime.now(dt.UTC))
        import_problem(session, problem, replace=True, now=T0)
        save_plan(session, plan, kind="import", created_at=T0)
    with served(app) as base:
        yield base
    engine.dispose()


@pytest.fixture(scope="module")
def signed_in(journeys_server: str) -> Iterator[Any]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 800})
        pg.goto(journeys_server + "/login")
        pg.get_by_label("Email").fill(EMAIL)
        pg.get_by_label("Password").fill(PASSWORD)
        pg.get_by_role("button", name="Sign in").click()
        pg.wait_for_url(journeys_server + "/")
        yield pg
        browser.close()


def test_the_case_page_lists_the_journey_in_order(journeys_server: str, signed_in: Any) -> None:
    page = signed_in
    page.goto(journeys_server + "/cases/C1")
    rows = page.locator("#journey tbody tr")
    steps = rows.locator("th").all_inner_texts()
    assert steps == ["Session C1-P1-1", "Session C1-P2-1", "Session C1-P1-2", "Conference"]
    first = rows.nth(0).locator("td").all_inner_texts()
    assert first[:3] == ["Victim: Gary Jones", "home visit", "Gary Jones's home"]
    assert first[-1] == "proposed"
    assert "Handsworth Police Station, room R2" in rows.nth(1).inner_text()
    assert "Birmingham Community Hub" in rows.nth(3).inner_text()
    check_page(page, "case-journey")

    page.goto(journeys_server + "/cases/C3")  # no conference: the sessions are the case
    assert "no conference" in page.locator("#state-h + p").inner_text()
    assert page.locator("#journey tbody tr.conference").count() == 0
    assert page.locator("#journey tbody tr").count() == 3
    check_page(page, "case-journey-indirect")


def test_the_facilitator_timeline_shows_each_kind_apart(
    journeys_server: str, signed_in: Any
) -> None:
    page = signed_in
    page.goto(journeys_server + "/facilitators/F1?week=2027-03-29")
    legend = page.locator("ul.legend").inner_text()
    for words in ("Conference", "Session at a venue", "Home visit", "Video call"):
        assert words in legend
    video = page.locator("li.block.video")
    home = page.locator("li.block.home")
    venue = page.locator("li.block.venue")
    assert video.count() >= 1
    assert home.count() >= 1
    assert venue.count() >= 1
    assert video.first.inner_text().split(" ", 1)[1].startswith("Video call:")
    assert "Home visit:" in home.first.inner_text()
    # Not colour alone: each kind's border has its own pattern.
    styles = {
        kind: page.locator(f"li.block.{kind}").first.evaluate(
            "e => getComputedStyle(e).borderLeftStyle"
        )
        for kind in ("video", "home", "venue")
    }
    assert len(set(styles.values())) == 3, styles
    # A timeline names no party and no address.
    text = page.locator("section.timeline").inner_text()
    assert "Samina" not in text
    check_page(page, "facilitator-sessions")
