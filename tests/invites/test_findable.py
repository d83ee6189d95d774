"""Emails people can find and understand: outbox file names, what an update changed,
the facilitator's arrival plan, and links on the public address (real parsers)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from scheduler.invites.content import Sender, recipients
from scheduler.invites.mime import OUTBOX_NAME_HEADER
from scheduler.invites.outbox import send_due
from scheduler.invites.transports import FolderTransport, SmtpTransport
from scheduler.settings import Settings
from scheduler.storage.db import session_factory
from tests.invites.helpers import (
    SENDER,
    calendar_of,
    example_plan,
    example_problem,
    icaljs_parse,
    meeting_doc,
    meeting_of,
    parse_message,
    readable_text,
    shift_days,
    the_event,
)
from tests.invites.test_outbox import queue
from tests.invites.test_sending import LATER, smtp  # noqa: F401  (smtp: the aiosmtpd fixture)

NAME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})_([A-Za-z0-9.-]+)_(facilitator-lead|facilitator-co|victim|offender|supporter)"
    r"_seq(\d+)_(REQUEST|CANCEL)_[0-9a-f]{10}\.eml$"
)


def _people(problem: Any) -> list[str]:
    names = [f.name for f in problem.facilitators] + [f.email for f in problem.facilitators]
    for case in problem.cases:
        for p in case.parties:
            names.append(p.name)
            if p.email:
                names.append(p.email)
    return names


def _sent(engine: Engine, folder: Path) -> list[Path]:
    send_due(session_factory(engine), FolderTransport(folder), now=LATER)
    return sorted(folder.glob("*.eml"))


def test_outbox_files_say_date_case_kind_sequence_and_method(
    engine: Engine, tmp_path: Path
) -> None:
    problem = example_problem()
    queued = queue(engine, problem, example_plan()).queued
    files = _sent(engine, tmp_path / "outbox")
    assert len(files) == queued  # one file each: no two messages share a name
    references = {c.reference for c in problem.cases}
    for path in files:
        match = NAME.match(path.name)
        assert match, path.name
        assert match.group(2) in references
        assert match.group(4) == "0"
        for who in _people(problem):
            for word in re.split(r"[\s@.]+", who):
                if len(word) > 3:
                    assert word.lower() not in path.name.lower(), (word, path.name)
        assert OUTBOX_NAME_HEADER not in path.read_text()  # the label never stays in a message
    kinds = {NAME.match(p.name).group(3) for p in files}  # type: ignore[union-attr]
    assert {"facilitator-lead", "facilitator-co", "victim", "offender"} <= kinds


def test_an_update_file_carries_the_next_sequence(engine: Engine, tmp_path: Path) -> None:
    queue(engine, example_problem(), example_plan())
    _sent(engine, tmp_path / "outbox")
    moved = example_plan(
        lambda d: d.update(
            meetings=[shift_days(m, 1) if m["case"] == "C7" else m for m in d["meetings"]]
        )
    )
    queue(engine, example_problem(), moved)
    files = [p.name for p in _sent(engine, tmp_path / "outbox")]
    updates = [n for n in files if "_seq1_REQUEST_" in n]
    assert updates
    assert all("RJ-2027-0007" in n for n in updates)


def test_the_name_header_never_reaches_a_mail_server(engine: Engine, smtp: Any) -> None:  # noqa: F811
    handler, port = smtp
    queue(engine, example_problem(), example_plan())
    send_due(session_factory(engine), SmtpTransport("127.0.0.1", port, timeout=10), now=LATER)
    assert handler.received
    for _, data in handler.received:
        assert OUTBOX_NAME_HEADER.lower().encode() not in data.lower()


def _update_text(engine: Engine, tmp_path: Path, edit: Any, recipient_email: str) -> str:
    queue(engine, example_problem(), example_plan())
    _sent(engine, tmp_path / "outbox")
    queue(engine, example_problem(), example_plan(edit))
    for path in _sent(engine, tmp_path / "outbox"):
        msg = parse_message(path.read_bytes())
        if "_seq1_" in path.name and msg["To"].addresses[0].addr_spec == recipient_email:
            return readable_text(msg)
    raise AssertionError(f"no update to {recipient_email}")


def test_update_email_says_what_changed_old_and_new(engine: Engine, tmp_path: Path) -> None:
    problem = example_problem()
    victim = problem.party_by_id["P17"]
    assert victim.email is not None

    def next_day(doc: dict[str, Any]) -> None:
        c7 = meeting_doc(doc, "C7")
        doc["meetings"] = [shift_days(c7, 1) if m is c7 else m for m in doc["meetings"]]

    old = meeting_of(example_plan(), "C7")
    text = _update_text(engine, tmp_path, next_day, victim.email)
    assert "This appointment has changed. What is different:" in text
    day = lambda d: f"{d:%A} {d.day} {d:%B %Y}"  # noqa: E731
    new_day = old.start.replace(day=old.start.day + 1)
    assert f"- Date: was {day(old.start)}; now {day(new_day)}." in text
    assert "Arrive: was" not in text  # same time of day: only the date changed


def test_facilitator_update_names_the_new_room(engine: Engine, tmp_path: Path) -> None:
    problem = example_problem()
    meeting = meeting_of(example_plan(), "C7")
    venue = problem.venue_by_id[meeting.venue]
    other = next(r.id for r in venue.rooms if r.id != meeting.room)

    def other_room(doc: dict[str, Any]) -> None:
        meeting_doc(doc, "C7")["room"] = other

    lead = problem.facilitator_by_id[meeting.lead]
    text = _update_text(engine, tmp_path, other_room, lead.email)
    assert f"- Room: was {meeting.room}; now {other}." in text


def test_facilitator_invite_has_colleagues_and_arrival_plan_by_side_but_no_party() -> None:
    problem, plan = example_problem(), example_plan()
    meeting = meeting_of(plan, "C6")
    case = problem.case_by_id["C6"]
    lead = next(e for e in recipients(problem, meeting, SENDER) if e.recipient_id == meeting.lead)
    text = lead.description
    for co in meeting.co_facilitators:
        assert f"{problem.facilitator_by_id[co].name} (co-facilitator)" in text
    assert "First to arrive: the offender side." in text
    assert (
        "Offender side: 2 people, arrive 09:45, leave 13:00, entrance Side door (Green Row), "
        "waiting room W2." in text
    )
    assert (
        "Victim side: 2 people, arrive 10:00, leave 12:45, entrance Front counter, waiting room W1."
        in text
    )
    assert text.index("Offender side") < text.index("Victim side")
    for party in case.parties:
        assert party.name not in text
        assert party.name.split()[0] not in text
        if party.email:
            assert party.email not in text


def test_links_use_the_public_address(monkeypatch: Any) -> None:
    monkeypatch.setenv("RJSCHED_PUBLIC_URL", "https://rj.example.gov.uk/")
    sender = Sender.from_settings(Settings())
    assert sender.base_url == "https://rj.example.gov.uk/"
    problem, plan = example_problem(), example_plan()
    event = recipients(problem, meeting_of(plan, "C6"), sender)[0]
    assert event.url == "https://rj.example.gov.uk/cases/C6"
    assert "127.0.0.1" not in event.description
    monkeypatch.delenv("RJSCHED_PUBLIC_URL")
    assert Sender.from_settings(Settings()).base_url == Settings().base_url  # the fallback


def test_facilitator_invite_parses_in_icalendar_and_icaljs(engine: Engine, tmp_path: Path) -> None:
    queue(engine, example_problem(), example_plan())
    files = [p for p in _sent(engine, tmp_path / "outbox") if "_facilitator-lead_" in p.name]
    assert files
    ics = []
    for i, path in enumerate(files):
        event = the_event(calendar_of(parse_message(path.read_bytes())))
        assert "First to arrive" in str(event["DESCRIPTION"])
        out = tmp_path / f"{i}.ics"
        part = next(
            p
            for p in parse_message(path.read_bytes()).walk()
            if p.get_content_type() == "text/calendar"
        )
        out.write_bytes(part.get_payload(decode=True))
        ics.append(out)
    for parsed in icaljs_parse(ics):
        assert "First to arrive: the " in parsed["description"]
        assert parsed["url"].startswith("https://rj.example.org/cases/")
