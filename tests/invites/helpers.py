"""Test helpers for invites: example data, meeting builders, message parsing, ical.js."""

from __future__ import annotations

import copy
import datetime as dt
import fcntl
import json
import os
import shutil
import subprocess
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from scheduler.domain import Meeting, Plan, Problem
from scheduler.formats import load_plan, load_problem
from scheduler.invites.content import Sender
from tests.paths import DATA

JS = Path(__file__).parent / "js"
LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
SENDER = Sender(
    service_name="the Restorative Justice Service",
    mail_from="invites@rj.example.org",
    base_url="https://rj.example.org",
)


def problem_doc() -> dict[str, Any]:
    return json.loads((DATA / "small.problem.json").read_text(encoding="utf-8"))


def plan_doc() -> dict[str, Any]:
    return json.loads((DATA / "small.plan.json").read_text(encoding="utf-8"))


def example_problem(edit: Any = None) -> Problem:
    """The spec's small problem, optionally edited in place by `edit(doc)` first."""
    doc = problem_doc()
    if edit is not None:
        edit(doc)
    return load_problem(doc)


def example_plan(edit: Any = None) -> Plan:
    doc = plan_doc()
    if edit is not None:
        edit(doc)
    return load_plan(doc)


def party_doc(doc: dict[str, Any], party_id: str) -> dict[str, Any]:
    return next(p for c in doc["cases"] for p in c["parties"] if p["id"] == party_id)


def meeting_doc(doc: dict[str, Any], case_id: str) -> dict[str, Any]:
    return next(m for m in doc["meetings"] if m["case"] == case_id)


def shift_days(meeting: dict[str, Any], days: int) -> dict[str, Any]:
    """A copy of a meeting document with every date-time moved by `days` (same wall clock)."""
    out = copy.deepcopy(meeting)

    def move(text: str) -> str:
        when = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M") + dt.timedelta(days=days)
        return when.strftime("%Y-%m-%dT%H:%M")

    out["start"], out["end"] = move(out["start"]), move(out["end"])
    window = out["facilitators_on_site"]
    window["start"], window["end"] = move(window["start"]), move(window["end"])
    for row in out["attendance"]:
        row["arrive"], row["leave"] = move(row["arrive"]), move(row["leave"])
    return out


def utc_of_local(text: str) -> dt.datetime:
    """The UTC instant of a local Europe/London time, computed with zoneinfo directly."""
    local = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M").replace(tzinfo=LONDON)
    return local.astimezone(dt.UTC)


def meeting_of(plan: Plan, case_id: str) -> Meeting:
    return next(m for m in plan.meetings if m.case == case_id)


# --------------------------------------------------------------------------- messages


def parse_message(data: bytes | str) -> EmailMessage:
    raw = data.encode() if isinstance(data, str) else data
    msg = message_from_bytes(raw, _class=EmailMessage, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def calendar_parts(msg: EmailMessage) -> list[EmailMessage]:
    return [p for p in msg.walk() if p.get_content_type() in ("text/calendar", "application/ics")]


def calendar_of(msg: EmailMessage) -> Calendar:
    """The text/calendar alternative of an email, parsed and checked for parse errors."""
    part = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    return parse_calendar(part.get_payload(decode=True))


def parse_calendar(data: bytes) -> Calendar:
    cal = Calendar.from_ical(data)
    assert isinstance(cal, Calendar)
    for component in cal.walk():
        assert not component.errors, f"{component.name}: {component.errors}"
    return cal


def readable_text(msg: EmailMessage) -> str:
    """Everything a person or a program could read from the message, decoded."""
    chunks = [f"{k}: {v}" for k, v in msg.items()]
    for part in msg.walk():
        chunks.extend(f"{k}: {v}" for k, v in part.items())
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            chunks.append(payload.decode("utf-8") if isinstance(payload, bytes) else str(payload))
    text = "\n".join(chunks)
    # Unfold iCalendar lines so a value split over two lines is still found.
    return text.replace("\r\n ", "").replace("\n ", "")


def the_event(cal: Calendar) -> Any:
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


# --------------------------------------------------------------------------- ical.js


def _missing(what: str) -> None:
    message = f"the ical.js cross-check needs {what}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so this is a failure, not a skip)")
    pytest.skip(message)


def icaljs_parse(paths: list[Path]) -> list[dict[str, Any]]:
    """Parse .ics files with ical.js under node; skips (fails under CI) without node/npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        _missing("node (Node.js 18+ on PATH)")
    if not (JS / "node_modules" / "ical.js").exists():
        if npm is None:
            _missing(f"npm on PATH to install ical.js into {JS / 'node_modules'}")
        # One install at a time when tests run in parallel (pytest-xdist).
        with open(JS / ".install.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (JS / "node_modules" / "ical.js").exists():
                done = subprocess.run(
                    [npm, "install", "--no-audit", "--no-fund"],  # type: ignore[list-item]
                    cwd=JS,
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                if done.returncode != 0:
                    _missing(f"`npm install` in {JS} to succeed: {done.stderr.strip()[-500:]}")
    done = subprocess.run(
        [node, str(JS / "parse_ics.mjs"), *map(str, paths)],  # type: ignore[list-item]
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
