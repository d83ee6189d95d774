"""A coordinator's journeys review end to end in real headless Chromium, real server.

Import the journeys problem (every party with a home given an address), run the
allocation, review the draft (its sessions by name, counted), confirm and send; the
written messages' session invites parse in icalendar and ical.js, a home visit's
facilitator event carries the address and nothing else about the person, a video
call's says the configured join text (RJSCHED_VIDEO_JOIN_TEXT). Then the venue of a
confirmed session closes for that day, the default run re-plans, and the draft page
shows the session moved or cancelled, by name; confirming needs the acknowledgement.
The draft page, the confirm page and the whole-plan timeline (sessions drawn apart by
kind) are screenshotted at 1280 and 390 pixels wide (tests/artifacts/screenshots).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scheduler.settings import Settings
from scheduler.storage.db import make_engine, transaction
from scheduler.web import create_app
from scheduler.web_services.accounts import create_user
from tests.invites.helpers import calendar_of, icaljs_parse, parse_message, readable_text
from tests.web.helpers import EMAIL, PASSWORD
from tests.web.test_browser import (
    ARGS,
    CHROMIUM,
    JOB_TIMEOUT_MS,
    _need_chromium,
    check_page,
    served,
)

DATA = Path(__file__).parents[1] / "data"
pytestmark = pytest.mark.browser
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
JOIN = "Join at https://video.example.org/rj with the code your facilitator gives you"


def journeys_doc() -> dict[str, Any]:
    doc = json.loads((DATA / "journeys.problem.json").read_text(encoding="utf-8"))
    # One session can only be a call, so the plan has a video call whatever the solver finds.
    c1 = next(c for c in doc["cases"] if c["id"] == "C1")
    next(s for s in c1["sessions"] if s["id"] == "C1-P2-1")["modes"] = ["video"]
    for case in doc["cases"]:
        for i, party in enumerate(case["parties"]):
            if party.get("home"):
                party["address"] = f"{10 + i} {party['id']} Lane, Birmingham B{i + 1} 9ZZ"
    return doc


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:

    tmp = tmp_path_factory.mktemp("session-review")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RJSCHED_VIDEO_JOIN_TEXT", JOIN)
        settings = Settings(
            data_dir=tmp, outbox_dir=tmp / "outbox", solver_time_limit_seconds=5, solver_workers=2
        )  # type: ignore[call-arg]
    assert settings.video_join_text == JOIN
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
        pg.on("dialog", lambda d: d.accept())  # "Send all queued invites now?"
        yield pg
        browser.close()


def _import(pg: Any, base: str, doc: dict[str, Any], name: str) -> None:
    pg.goto(base + "/import")
    pg.set_input_files(
        "#file",
        files=[{"name": name, "mimeType": "application/json", "buffer": json.dumps(doc).encode()}],
    )
    pg.get_by_role("button", name="Import document").click()
    pg.get_by_role("heading", name="Allocation").wait_for()


def _run(pg: Any, base: str, tmp: Path, plan_id: int) -> None:
    """Run the allocation from the dashboard, as a coordinator does (the first run
    allocates; after a confirmed plan the default run re-plans), and wait for its draft."""
    from playwright.sync_api import expect

    pg.goto(base + "/")
    pg.get_by_role("button", name="Run allocation").click()
    expect(pg.get_by_role("link", name=f"Review plan #{plan_id}")).to_be_visible(
        timeout=JOB_TIMEOUT_MS
    )


def _send(pg: Any, base: str) -> None:
    from playwright.sync_api import expect

    pg.goto(base + "/")
    pg.get_by_role("button", name="Send invites").click()
    expect(pg.get_by_text("0 invite message(s) waiting to be sent.")).to_be_visible(timeout=120_000)


def test_journeys_review_confirm_and_session_invites(
    server: tuple[str, Path], page: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    base, tmp = server
    doc = journeys_doc()
    parties = {p["id"]: p for c in doc["cases"] for p in c["parties"]}
    page.goto(base + "/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    _import(page, base, doc, "journeys.json")
    _run(page, base, tmp, 1)

    # The first draft: its sessions by name, counted in the summary, all new.
    plan = page.request.get(base + "/api/plans/1").json()
    assert plan["sessions"], "the allocation placed no session"
    changes = page.request.get(base + "/api/plans/1/changes").json()
    assert changes["session_counts"]["new"] == len(plan["sessions"])
    page.get_by_role("link", name="Review plan #1").click()
    expect(page.locator("#session-counts")).to_contain_text(f"New: {len(plan['sessions'])}")
    table = page.locator("table.sessions")
    expect(table.locator("tbody tr")).to_have_count(len(plan["sessions"]))
    text = table.inner_text()
    facs = {f["id"]: f["name"] for f in doc["facilitators"]}
    for row in plan["sessions"]:
        assert facs[row["facilitators"][0]] in text
    for mode in {r["mode"] for r in plan["sessions"]}:
        words = {"venue": "Session at a venue", "home": "Home visit", "video": "Video call"}[mode]
        assert words in text
    main = page.locator("main").inner_text()
    for p in parties.values():  # no party's name or address on the review page
        assert p["name"] not in main
        assert p.get("address", "@none@") not in main
    check_page(page, "journeys-draft-first", WIDTHS)

    # Confirm (nothing confirmed moves), then send: the count shown is what goes.
    page.goto(base + "/plans/1/confirm")
    expect(page.locator("#acknowledge")).to_have_count(0)
    expect(page.locator("#session-summary")).to_contain_text(f"{len(plan['sessions'])} new")
    page.get_by_role("button", name=re.compile(r"^Confirm plan #1 and queue")).click()
    expect(page.get_by_text("Plan #1 is confirmed")).to_be_visible()
    _send(page, base)
    files = sorted((tmp / "outbox").glob("*.eml"))
    assert len(files) == changes["messages"]["total"]
    _check_session_invites(files, plan, doc, parties, tmp_path)

    # The venue of a confirmed venue session closes on its day; the default run re-plans.
    target = next(r for r in plan["sessions"] if r["mode"] == "venue")
    day = dt.date.fromisoformat(target["start"][:10])
    closed = copy.deepcopy(doc)
    venue = next(v for v in closed["venues"] if v["id"] == target["venue"])
    venue.setdefault("availability", {}).setdefault("unavailable", []).append(
        {"start": f"{day}T00:00", "end": f"{day + dt.timedelta(days=1)}T00:00"}
    )
    _import(page, base, closed, "closed.json")
    _run(page, base, tmp, 2)
    changes = page.request.get(base + "/api/plans/2/changes").json()
    disrupted = [c for c in changes["needs_acknowledgement"] if c.get("session")]
    assert target["session"] in {c["session"] for c in disrupted}, changes["session_counts"]
    page.goto(base + "/plans/2")
    warning = page.locator(".warning")
    expect(warning).to_contain_text(f"Session {target['session']}")
    expect(warning).to_contain_text(venue["name"])
    kind = next(c["kind"] for c in disrupted if c["session"] == target["session"])
    section = page.locator(f"#s-{kind}").locator("xpath=..")
    expect(section).to_contain_text(target["session"])
    check_page(page, "journeys-draft-changes", WIDTHS)

    # The whole-plan timeline draws sessions, each kind apart, by name.
    page.goto(base + "/plans/2/timeline")
    legend = page.locator(".tl-legend").inner_text()
    for words in ("session at a venue", "home visit"):
        assert words in legend
    styles = {
        k: page.locator(f".tl-b.k-{k}").first.evaluate("e => getComputedStyle(e).borderLeftStyle")
        for k in ("conference", "venue", "home")
    }
    assert len(set(styles.values())) == 3, styles
    expect(page.locator(".tl-name", has_text="Home visits")).to_have_count(1)
    assert page.locator("a.tl-b.was.k-venue").count() >= 1 or kind == "dropped"
    tl = page.locator(".tl").inner_text()
    for p in parties.values():
        assert p["name"] not in tl
    check_page(page, "journeys-plan-timeline", WIDTHS)
    page.goto(base + "/plans/2/timeline?by=facilitator")
    check_page(page, "journeys-plan-timeline-facilitators", WIDTHS)

    # Confirming needs the acknowledgement of the moved or cancelled session.
    page.goto(base + "/plans/2/confirm")
    expect(page.locator("#disrupted")).to_contain_text(f"Session {target['session']}")
    expect(page.locator("#message-total")).to_contain_text(str(changes["messages"]["total"]))
    check_page(page, "journeys-confirm", WIDTHS)
    page.get_by_label(re.compile("^I understand")).check()
    page.get_by_role("button", name=re.compile(r"^Confirm plan #2 and queue")).click()
    expect(page.get_by_text("Plan #2 is confirmed")).to_be_visible()
    entry = page.request.get(base + "/api/audit?action=confirm").json()[0]
    assert any(target["session"] in a for a in entry["details"]["acknowledged"])
    before = len(files)
    _send(page, base)
    assert len(list((tmp / "outbox").glob("*.eml"))) - before == changes["messages"]["total"]


def _check_session_invites(
    files: list[Path],
    plan: dict[str, Any],
    doc: dict[str, Any],
    parties: dict[str, dict[str, Any]],
    tmp_path: Path,
) -> None:
    """Each session's invites parse; a home visit's facilitator event has the address and
    nothing else about the person; a video call's event has the configured join text."""
    emails = {f["email"]: f["id"] for f in doc["facilitators"]}
    cases = {c["id"]: c for c in doc["cases"]}
    ics: list[Path] = []
    seen = {"home": 0, "video": 0}
    by_location: dict[str, list[str]] = {}
    for i, path in enumerate(files):
        msg = parse_message(path.read_bytes())
        cal = calendar_of(msg)
        out = tmp_path / f"{i}.ics"
        out.write_bytes(cal.to_ical())
        ics.append(out)
        event = next(iter(cal.walk("VEVENT")))
        by_location.setdefault(str(event.get("LOCATION", "")), []).append(readable_text(msg))
        to = str(msg["To"]).split("<")[-1].rstrip(">")
        if to not in emails:
            continue
        text = readable_text(msg)
        for row in plan["sessions"]:
            spec = next(s for s in cases[row["case"]]["sessions"] if s["id"] == row["session"])
            party = parties[spec["party"]]
            if row["mode"] == "home" and str(event.get("LOCATION")) == party["address"]:
                seen["home"] += 1
                for p in cases[row["case"]]["parties"]:
                    assert p["name"] not in text
                    assert p["email"] not in text
            if row["mode"] == "video" and JOIN in text:
                seen["video"] += 1
    homes = sum(len(r["facilitators"]) for r in plan["sessions"] if r["mode"] == "home")
    videos = sum(len(r["facilitators"]) for r in plan["sessions"] if r["mode"] == "video")
    assert seen["home"] >= homes > 0
    assert seen["video"] >= videos > 0
    # An address is the place of its home visits' facilitator events only.
    for p in parties.values():
        if p.get("address"):
            for location, texts in by_location.items():
                if location != p["address"]:
                    assert not any(p["address"] in t for t in texts)
    parsed = icaljs_parse(ics)
    assert len(parsed) == len(ics)
