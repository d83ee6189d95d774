"""The coordinator's review journey in real headless Chromium against a real server.

Import, run an allocation, reload the page while it runs and still see the job and its
progress, review the draft, confirm it and send; then a venue closes on the day of a
confirmed meeting, the default run re-plans, the draft page shows the meeting moved
(or dropped), and confirming it needs the second acknowledgement, which the server
checks (a form sent without it is refused and queues nothing). The draft page, the
confirm page and the whole-plan timeline are screenshotted at 1280 and 390 pixels wide
(tests/artifacts/screenshots) and checked like every other page.

The solve is held at its first part (10%) until the test has reloaded the page, so the
running job is seen whatever the machine's speed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.helpers import EMAIL, PASSWORD
from tests.web.test_browser import (  # noqa: F401 (fixtures)
    JOB_TIMEOUT_MS,
    TIME_LIMIT,
    area_dataset,
    check_page,
    page,
    server,
)

pytestmark = pytest.mark.browser
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
HOLD = threading.Event()


@pytest.fixture
def held_solve(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Allocation parts wait for the event (the server runs jobs in its own threads)."""
    from scheduler.jobs import allocation

    original = allocation.solve_one_part

    def waiting(*args: Any, **kwargs: Any) -> Any:
        HOLD.wait(120)
        return original(*args, **kwargs)

    HOLD.clear()
    monkeypatch.setattr(allocation, "solve_one_part", waiting)
    yield HOLD
    HOLD.set()


def _import(pg: Any, base: str, doc: dict[str, Any], name: str) -> None:
    pg.goto(base + "/import")
    pg.set_input_files(
        "#file",
        files=[{"name": name, "mimeType": "application/json", "buffer": json.dumps(doc).encode()}],
    )
    pg.get_by_role("button", name="Import document").click()
    pg.get_by_role("heading", name="Allocation").wait_for()


def _outbox(tmp: Path) -> int:
    return len(list((tmp / "outbox").glob("*.eml")))


def test_review_journey(server: tuple[str, Path], page: Any, held_solve: threading.Event) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, tmp = server
    doc = area_dataset()
    page.goto(base + "/")
    if "/login" in page.url:
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
    _import(page, base, doc, "area.json")

    # Run; reload while it runs: the job and its progress are still there.
    page.get_by_label("Time limit (s)").fill(TIME_LIMIT)
    page.get_by_role("button", name="Run allocation").click()
    expect(page.locator("#progress-label")).to_contain_text("running: 10%", timeout=60_000)
    page.reload()
    job = page.locator("#job-list li[data-job]")
    expect(job).to_have_count(1)
    expect(job.locator(".job-status")).to_contain_text("running: 10%")
    expect(job.locator("progress")).to_have_attribute("value", "10")
    expect(page.get_by_role("button", name=re.compile(r"^Cancel job #"))).to_be_visible()
    check_page(page, "dashboard-running", WIDTHS)
    held_solve.set()
    # The page follows the job and reloads once it is done: the draft is there to review.
    expect(page.get_by_role("link", name="Review plan #1")).to_be_visible(timeout=JOB_TIMEOUT_MS)
    expect(page.locator("#jobs")).to_be_hidden()

    # Review the first draft (everything new), confirm it, send.
    page.get_by_role("link", name="Review plan #1").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Plan #1"))).to_be_visible()
    expect(page.get_by_text("no confirmed plan yet")).to_be_visible()
    page.get_by_role("link", name="Review and confirm plan #1").click()
    expect(page.locator("#acknowledge")).to_have_count(0)  # nothing confirmed moves
    page.get_by_role("button", name=re.compile(r"^Confirm plan #1 and queue")).click()
    expect(page.get_by_text("Plan #1 is confirmed")).to_be_visible()
    page.goto(base + "/")
    page.get_by_role("button", name="Send invites").click()
    expect(page.get_by_text("0 invite message(s) waiting to be sent.")).to_be_visible()
    sent_first = _outbox(tmp)
    assert sent_first > 0

    # A venue closes for the day of a confirmed meeting; the default run re-plans.
    plan = page.request.get(base + "/api/plans/1").json()
    meeting = plan["meetings"][0]
    day = dt.date.fromisoformat(meeting["start"][:10])
    closed = copy.deepcopy(doc)
    venue = next(v for v in closed["venues"] if v["id"] == meeting["venue"])
    venue.setdefault("availability", {}).setdefault("unavailable", []).append(
        {"start": f"{day}T00:00", "end": f"{day + dt.timedelta(days=1)}T00:00"}
    )
    _import(page, base, closed, "closed.json")
    page.goto(base + "/")
    expect(page.get_by_label("Run", exact=True)).to_have_value("replan")
    expect(page.locator("#fresh-warning")).to_be_hidden()
    page.get_by_label("Run", exact=True).select_option("allocate")
    expect(page.locator("#fresh-warning")).to_be_visible()  # a fresh run is named and warned
    page.get_by_label("Run", exact=True).select_option("replan")
    page.get_by_label("Time limit (s)").fill(TIME_LIMIT)
    page.get_by_role("button", name="Run allocation").click()
    expect(page.get_by_role("link", name="Review plan #2")).to_be_visible(timeout=JOB_TIMEOUT_MS)

    # The draft's page: what moves, by name, and what confirming would send.
    changes = page.request.get(base + "/api/plans/2/changes").json()
    disrupted = {c["case"]: c for c in changes["needs_acknowledgement"]}
    assert meeting["case"] in disrupted, changes["counts"]
    reference = disrupted[meeting["case"]]["reference"]
    page.get_by_role("link", name="Review plan #2").click()
    expect(page.locator(".warning")).to_contain_text(reference)
    expect(page.locator(".warning")).to_contain_text(venue["name"])
    check_page(page, "draft", WIDTHS)

    page.get_by_role("link", name="Whole-plan timeline").click()
    expect(page.locator(".tl-row").first).to_be_visible()
    expect(page.locator(".tl-name").first).not_to_contain_text(re.compile(r"^V\d+ "))
    check_page(page, "plan-timeline", WIDTHS)
    page.get_by_role("link", name="By facilitator").click()
    check_page(page, "plan-timeline-facilitators", WIDTHS)

    # Confirming needs the second acknowledgement, checked by the server.
    page.goto(base + "/plans/2/confirm")
    expect(page.locator("#disrupted")).to_contain_text(reference)
    expect(page.locator("#message-total")).to_contain_text(str(changes["messages"]["total"]))
    check_page(page, "confirm", WIDTHS)
    page.evaluate("document.getElementById('acknowledge').removeAttribute('required')")
    page.get_by_role("button", name=re.compile(r"^Confirm plan #2 and queue")).click()
    expect(page.get_by_role("heading", name="Not confirmed")).to_be_visible()
    expect(page.locator("#problems")).to_contain_text("needs an explicit acknowledgement")
    statuses = {p["id"]: p["status"] for p in page.request.get(base + "/api/plans").json()}
    assert statuses[2] == "draft"
    assert statuses[1] == "confirmed"
    page.get_by_label(re.compile("^I understand")).check()
    page.get_by_role("button", name=re.compile(r"^Confirm plan #2 and queue")).click()
    expect(page.get_by_text("Plan #2 is confirmed")).to_be_visible()
    entry = page.request.get(base + "/api/audit?action=confirm").json()[0]
    assert f"moved:{meeting['case']}" in entry["details"]["acknowledged"] or (
        f"dropped:{meeting['case']}" in entry["details"]["acknowledged"]
    )
    assert entry["details"]["queued"] == changes["messages"]["total"]

    # Send: the people of the moved meeting get their updates.
    page.goto(base + "/")
    page.get_by_role("button", name="Send invites").click()
    expect(page.get_by_text("0 invite message(s) waiting to be sent.")).to_be_visible()
    assert _outbox(tmp) - sent_first == changes["messages"]["total"]

    # A fresh allocation (named, warned) can be cancelled from the dashboard after a reload.
    held_solve.clear()
    page.get_by_label("Run", exact=True).select_option("allocate")
    expect(page.locator("#fresh-warning")).to_be_visible()
    page.get_by_role("button", name="Run allocation").click()
    expect(page.locator("#progress-label")).to_contain_text("running: 10%", timeout=60_000)
    page.reload()
    expect(page.locator("#job-list li[data-job]")).to_contain_text("Fresh allocation job #3")
    page.get_by_role("button", name="Cancel job #3").click()
    expect(page.locator("#jobs")).to_be_hidden()
    assert page.request.get(base + "/api/jobs/3").json()["status"] == "cancelled"
    held_solve.set()  # the part then runs; `allocation.finish` drops its result (tests/review)
