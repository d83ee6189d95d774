"""The web app in real headless Chromium against a real uvicorn server (Debian's chromium).

One server and one browser for the whole journey: log in, import the area dataset,
run a short allocation watching the progress bar reach 100, open a lead's timeline on
the week of their meeting, explain and place an unscheduled case, confirm, send, and
find the messages in the outbox folder. Each main page is screenshotted at desktop and
phone widths and checked for horizontal overflow and for form controls without a label.

The dataset is the generated area's facilitators and venues with the first
`CASES` of its cases (and the keep-apart pairs and conflicts among them): the full 60
cases take the engine over a minute to model on a busy two-core machine, which is the
engine's benchmark, not this test's subject.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
CASES = 12
TIME_LIMIT = "8"
JOB_TIMEOUT_MS = 180_000  # model building dominates, and a loaded CI machine is slow

pytestmark = pytest.mark.browser

# Controls a person fills in, each of which must have an accessible name.
UNLABELLED_JS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => !['hidden', 'submit', 'button', 'reset'].includes(el.type))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !el.title)
  .map(el => el.outerHTML)"""


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


@contextlib.contextmanager
def served(app: Any) -> Iterator[str]:
    """The app served by a real uvicorn on a free loopback port (its base URL), stopped after."""
    import uvicorn

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.02)  # uvicorn has no start event to wait on
    assert srv.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


def area_dataset(cases: int = CASES) -> dict[str, Any]:
    """The generated area (seed 1) cut to its first `cases` cases, still a valid document."""
    doc = generate_problem("area", 1)
    doc["cases"] = doc["cases"][:cases]
    kept = {p["id"] for c in doc["cases"] for p in c["parties"]}
    doc["keep_apart"] = [pair for pair in doc.get("keep_apart", []) if set(pair) <= kept]
    for f in doc["facilitators"]:
        if "conflicts" in f:
            f["conflicts"] = [p for p in f["conflicts"] if p in kept]
    return doc


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:

    tmp = tmp_path_factory.mktemp("browser")
    settings = make_settings(tmp)
    engine = make_engine(settings=settings)
    app = create_app(settings, engine=engine)
    with transaction(engine) as session:
        create_user(session, email=EMAIL, password=PASSWORD, now=dt.datetime.now(dt.UTC))
    with served(app) as base:
        yield base, tmp
    engine.dispose()


@pytest.fixture(scope="module")
def page(server: tuple[str, Path]) -> Iterator[Any]:
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 800})
        pg.on("dialog", lambda d: d.accept())
        yield pg
        browser.close()


def check_page(page: Any, name: str, sizes: dict[str, tuple[int, int]] = SIZES) -> None:
    """Screenshot at both widths; no horizontal overflow, no unlabelled form control."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    unlabelled = page.evaluate(UNLABELLED_JS)
    assert not unlabelled, f"{name}: form controls without a label: {unlabelled}"
    wanted = ["header", "main"] if name == "login" else ["header", "nav", "main"]
    landmarks = page.evaluate("(ts) => ts.filter(t => !document.querySelector(t))", wanted)
    assert not landmarks, f"{name}: missing landmarks {landmarks}"
    for label, (w, h) in sizes.items():
        page.set_viewport_size({"width": w, "height": h})
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} overflows by {overflow}px at {w}px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_coordinator_journey(server: tuple[str, Path], page: Any) -> None:
    from playwright.sync_api import expect

    base, tmp = server
    doc = area_dataset()

    # Sign in.
    page.goto(base + "/")
    expect(page).to_have_url(f"{base}/login?next=/")
    check_page(page, "login")
    # Keyboard: the first Tab reaches the skip link, shown with a visible focus ring.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return [e.className, s.outlineStyle, s.outlineWidth, e.getBoundingClientRect().left]; }"
    )
    assert focused[0] == "skip", focused
    assert focused[1] != "none", focused
    assert focused[2] != "0px", focused
    assert focused[3] >= 0, "the focused skip link must be on screen"
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    # Import the dataset through the form.
    page.get_by_role("link", name="Import", exact=True).click()
    check_page(page, "import")
    broken = json.dumps({**doc, "slot_minutes": "fifteen"}).encode()
    page.set_input_files(
        "#file", files=[{"name": "bad.json", "mimeType": "application/json", "buffer": broken}]
    )
    page.get_by_role("button", name="Import document").click()
    expect(page.get_by_role("heading", name=re.compile("not imported"))).to_be_visible()
    expect(page.locator("#issues")).to_contain_text("slot_minutes")
    check_page(page, "import-refused")
    page.set_input_files(
        "#file",
        files=[
            {
                "name": "area.json",
                "mimeType": "application/json",
                "buffer": json.dumps(doc).encode(),
            }
        ],
    )
    page.get_by_role("button", name="Import document").click()
    expect(page.get_by_role("heading", name="Allocation")).to_be_visible()

    # Allocate, following the live progress bar to 100.
    page.get_by_label("Time limit (s)").fill(TIME_LIMIT)
    expect(page.locator("#progress-label")).to_have_attribute("aria-live", "polite")
    page.get_by_role("button", name="Run allocation").click()
    label = page.locator("#progress-label")
    expect(label).to_have_text(re.compile(r"^(Done|failed)"), timeout=JOB_TIMEOUT_MS)
    assert not label.inner_text().startswith("failed"), label.inner_text()
    expect(page.locator("#progress-bar")).to_have_attribute("value", "100")
    expect(page.get_by_role("link", name="Review plan #1")).to_be_visible(timeout=10_000)
    check_page(page, "dashboard")

    # A lead's timeline, on the week of their meeting.
    plan = page.request.get(base + "/api/plans/1").json()
    assert plan["meetings"], "the allocation scheduled nothing"
    meeting = plan["meetings"][0]
    day = dt.date.fromisoformat(meeting["start"][:10])
    page.goto(f"{base}/facilitators/{meeting['lead']}?week={day.isoformat()}")
    expect(page.get_by_role("heading", name="Calendar feed")).to_be_visible()
    expect(page.locator(f"li.block a[href='/cases/{meeting['case']}']")).to_be_visible()
    check_page(page, "timeline")

    # Explain an unscheduled case and place it with a suggestion.
    unscheduled = [u["case"] for u in plan["unscheduled"]]
    assert unscheduled, "nothing left unscheduled to explain"
    placed = None
    for i, case_id in enumerate(unscheduled):
        page.goto(f"{base}/cases/{case_id}")
        expect(page.locator("#reasons li").first).to_be_visible()
        if i == 0:
            check_page(page, "case")
        option = page.get_by_role("button", name="Place this option")
        if option.count():
            option.first.click()
            expect(page.get_by_text("Scheduled", exact=False).first).to_be_visible()
            placed = case_id
            break
        expect(page.locator("#no-suggestions")).not_to_be_empty()  # the page says why
    if placed is None:
        # None fits anywhere: a late referral (the dataset's next case) arrives instead.
        page.goto(base + "/import")
        later = json.dumps(area_dataset(CASES + 1)).encode()
        page.set_input_files(
            "#file", files=[{"name": "area.json", "mimeType": "application/json", "buffer": later}]
        )
        page.get_by_role("button", name="Import document").click()
        placed = area_dataset(CASES + 1)["cases"][-1]["id"]
        page.goto(f"{base}/cases/{placed}")
        page.get_by_role("button", name="Place this option").first.click()
        expect(page.get_by_text("Scheduled", exact=False).first).to_be_visible()

    # Review the new draft, confirm it, send, and find the messages.
    page.goto(base + "/")
    page.get_by_role("link", name="Review plan #2").click()
    page.get_by_role("link", name="Review and confirm plan #2").click()
    page.get_by_role("button", name=re.compile(r"^Confirm plan #2 and queue")).click()
    expect(page.get_by_text("Plan #2 is confirmed")).to_be_visible()
    page.goto(base + "/")
    expect(page.get_by_text("waiting to be sent")).to_be_visible()
    page.get_by_role("button", name="Send invites").click()
    expect(page.get_by_text("0 invite message(s) waiting to be sent.")).to_be_visible()
    assert list((tmp / "outbox").glob("*.eml")), "no message in the outbox folder"

    page.get_by_role("link", name="Audit", exact=True).click()
    expect(page.locator("#audit")).to_contain_text("send")
    check_page(page, "audit")
