"""The web app in real headless Chromium against a real uvicorn server (Debian's chromium).

Log in, import the area dataset, run a short allocation watching the progress bar,
open a timeline, explain and place an unscheduled case, confirm, send, and find the
messages in the outbox folder; screenshots of the main pages at desktop and phone
widths, each checked for horizontal overflow.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from scheduler.generate import generate_problem
from scheduler.storage.db import make_engine, transaction
from scheduler.web import create_app
from scheduler.web_services.accounts import create_user
from tests.web.helpers import EMAIL, PASSWORD, make_settings

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SHOTS = Path(__file__).parents[1] / "artifacts" / "screenshots"
SIZES = {"desktop": (1280, 800), "phone": (375, 740)}

# About 100 s (the area allocation dominates): run with `-m slow`.
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _need_chromium() -> None:
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    message = "Chromium is missing: install it with `apt-get install -y chromium`"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):  # type: ignore[no-untyped-def]
    import uvicorn

    settings = make_settings(tmp_path)
    engine = make_engine(settings=settings)
    app = create_app(settings, engine=engine)
    with transaction(engine) as session:
        create_user(session, email=EMAIL, password=PASSWORD, now=dt.datetime.now(dt.UTC))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", tmp_path
    srv.should_exit = True
    thread.join(10)
    engine.dispose()


def _shoot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    url = page.url
    for label, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        page.goto(url)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} overflows by {overflow}px at {w}px"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(url)


def test_coordinator_journey(server):  # type: ignore[no-untyped-def]
    _need_chromium()
    from playwright.sync_api import expect, sync_playwright

    base, tmp = server
    problem = json.dumps(generate_problem("area", 1)).encode()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.on("dialog", lambda d: d.accept())

        page.goto(base + "/")
        expect(page).to_have_url(f"{base}/login?next=/")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

        page.get_by_role("link", name="Import", exact=True).click()
        page.set_input_files(
            "#file",
            files=[{"name": "area.json", "mimeType": "application/json", "buffer": problem}],
        )
        page.get_by_role("button", name="Import document").click()
        expect(page.get_by_role("heading", name="Allocation")).to_be_visible()

        page.get_by_label("Time limit (s)").fill("5")
        page.get_by_role("button", name="Run allocation").click()
        expect(page.locator("#progress-bar")).to_have_attribute("value", "100", timeout=90_000)
        expect(page.get_by_role("heading", name="Plans")).to_be_visible(timeout=10_000)
        page.wait_for_load_state("load")
        expect(page.get_by_role("button", name="Confirm plan #1")).to_be_visible(timeout=10_000)
        _shoot(page, "dashboard")

        page.get_by_role("link", name="Facilitators", exact=True).click()
        page.locator("table a").first.click()
        expect(page.get_by_role("heading", name="Calendar feed")).to_be_visible()
        _shoot(page, "timeline")

        page.goto(base + "/")
        unscheduled = page.locator("section[aria-labelledby=uns-h] ul.cases > li > a")
        placed = False
        if unscheduled.count():
            for i in range(min(unscheduled.count(), 5)):
                page.goto(base + "/")
                unscheduled.nth(i).click()
                expect(page.locator("#reasons li").first).to_be_visible()
                if i == 0:
                    _shoot(page, "case")
                option = page.get_by_role("button", name="Place this option")
                if option.count():
                    option.first.click()
                    expect(page.get_by_text("Scheduled", exact=False).first).to_be_visible()
                    placed = True
                    break
                expect(page.locator("#no-suggestions")).to_be_visible()  # the page says why
        else:
            page.goto(base + "/cases/" + json.loads(problem)["cases"][0]["id"])
            _shoot(page, "case")

        page.goto(base + "/")
        newest = page.get_by_role("button", name="Confirm plan #2" if placed else "Confirm plan #1")
        newest.click()
        expect(page.get_by_text("waiting to be sent")).to_be_visible()
        page.get_by_role("button", name="Send invites").click()
        expect(page.get_by_text("0 invite message(s) waiting to be sent.")).to_be_visible()
        assert list((tmp / "outbox").glob("*.eml"))

        page.get_by_role("link", name="Audit", exact=True).click()
        expect(page.locator("#audit")).to_contain_text("send")
        _shoot(page, "audit")
        browser.close()
