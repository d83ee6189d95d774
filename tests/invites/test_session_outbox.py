"""Session invites through the outbox on both databases: parsed by icalendar and ical.js,
updated and cancelled under iTIP, sent exactly once to a real SMTP server, and from the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from sqlalchemy import Engine, select

from scheduler.cli import cli
from scheduler.domain import Plan, Problem
from scheduler.invites.content import session_key
from scheduler.invites.outbox import QueueSummary, queue_invites, send_due
from scheduler.invites.transports import SmtpTransport
from scheduler.storage.db import session_factory, transaction
from scheduler.storage.mail_models import InviteState, OutboxMessage
from scheduler.storage.plans import save_plan
from tests.invites.helpers import (
    NOW,
    SENDER,
    calendar_of,
    calendar_parts,
    icaljs_parse,
    parse_message,
    the_event,
)
from tests.invites.journeys_helpers import (
    journeys_plan,
    journeys_plan_doc,
    journeys_problem,
    journeys_problem_doc,
    session_doc,
    shift_session,
)
from tests.invites.test_cli import outbox, outbox_events  # noqa: F401  (a fixture)
from tests.invites.test_sending import Recorder, smtp  # noqa: F401  (a fixture)


def queue(engine: Engine, problem: Problem, plan: Plan) -> QueueSummary:
    with transaction(engine) as session:
        return queue_invites(session, problem=problem, plan=plan, now=NOW, sender=SENDER)


def rows(engine: Engine) -> list[OutboxMessage]:
    with transaction(engine) as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def uid_of(engine: Engine, case: str, session_id: str, recipient: str) -> str:
    with transaction(engine) as session:
        state = session.scalars(
            select(InviteState).where(
                InviteState.case_id == session_key(case, session_id),
                InviteState.recipient_id == recipient,
            )
        ).one()
        return state.uid


def test_a_plan_with_sessions_queues_one_request_per_session_and_recipient(
    engine: Engine, tmp_path: Path
) -> None:
    problem, plan = journeys_problem(), journeys_plan()
    summary = queue(engine, problem, plan)
    queued = rows(engine)
    assert summary.requests == len(queued) == 98  # 35 for the conferences, 63 for sessions
    assert len({m.uid for m in queued}) == len(queued)
    assert {m.case_id for m in queued} <= {c.id for c in problem.cases}  # the real case
    files = []
    for i, m in enumerate(queued):
        msg = parse_message(m.message)
        assert [p.get_param("method") for p in calendar_parts(msg)] == ["REQUEST", None]
        ev = the_event(calendar_of(msg))
        assert (str(ev["UID"]), int(ev["SEQUENCE"])) == (m.uid, 0)
        path = tmp_path / f"{i}.ics"
        path.write_bytes(calendar_parts(msg)[0].get_payload(decode=True))
        files.append(path)
    parsed = icaljs_parse(files)
    assert len(parsed) == len(queued)
    assert all(len(p["attendees"]) == 1 and p["method"] == "REQUEST" for p in parsed)
    assert sum("home visit" in (p["description"] or "") for p in parsed) >= 9
    # The same plan again queues nothing.
    assert queue(engine, problem, plan).queued == 0


def test_a_moved_session_updates_its_recipients_only(engine: Engine) -> None:
    problem = journeys_problem()
    queue(engine, problem, journeys_plan())
    before = len(rows(engine))
    uid = uid_of(engine, "C6", "C6-P14-1", "F8")

    def move(doc: dict[str, Any]) -> None:
        shift_session(session_doc(doc, "C6-P14-1"), 1)  # the home visit to P14

    summary = queue(engine, problem, journeys_plan(move))
    assert (summary.updates, summary.requests, summary.cancels) == (3, 0, 0)
    new = rows(engine)[before:]
    assert {m.recipient_id for m in new} == {"F8", "P14", "P16"}  # P16 supports P14
    for m in new:
        assert (m.method, m.sequence) == ("REQUEST", 1)
        msg = parse_message(m.message)
        assert str(msg["Subject"]).startswith("Updated:")
        assert (
            "was Saturday 13 March 2027; now Sunday 14 March 2027"
            in msg.get_body(("plain",)).get_content()
        )
    assert next(m for m in new if m.recipient_id == "F8").uid == uid


def test_a_dropped_session_and_a_swapped_facilitator_are_cancelled(engine: Engine) -> None:
    problem = journeys_problem()
    queue(engine, problem, journeys_plan())
    before = len(rows(engine))

    def edit(doc: dict[str, Any]) -> None:
        doc["sessions"] = [s for s in doc["sessions"] if s["session"] != "C3-P6-1"]
        session_doc(doc, "C12-P33-1")["facilitators"] = ["F2"]

    summary = queue(engine, problem, journeys_plan(edit))
    new = rows(engine)[before:]
    cancels = {(m.recipient_id, m.sequence) for m in new if m.method == "CANCEL"}
    # C3-P6-1: its facilitator F8, P6 and P6's supporter P8; C12-P33-1: F7 taken off
    # (P33's event changes too: other facilitators).
    assert cancels == {("F8", 1), ("P6", 1), ("P8", 1), ("F7", 1)}
    requests = {(m.recipient_id, m.sequence) for m in new if m.method == "REQUEST"}
    assert requests == {("F2", 0), ("P33", 1)}
    assert summary.cancels == 4
    for m in new:
        if m.method == "CANCEL":
            ev = the_event(calendar_of(parse_message(m.message)))
            assert str(ev["STATUS"]) == "CANCELLED"
            assert int(ev["SEQUENCE"]) == m.sequence


def test_session_invites_reach_a_real_smtp_server_exactly_once(engine: Engine, smtp: Any) -> None:  # noqa: F811
    handler, port = smtp
    queue(engine, journeys_problem(), journeys_plan())
    transport = SmtpTransport("127.0.0.1", port, timeout=10)
    factory = session_factory(engine)
    first = send_due(factory, transport, now=NOW)
    assert (first.sent, first.failed) == (98, 0)
    assert send_due(factory, transport, now=NOW).sent == 0
    assert len(handler.received) == 98
    uids = [str(the_event(calendar_of(parse_message(data)))["UID"]) for _, data in handler.received]
    assert len(set(uids)) == 98
    for recipients, data in handler.received:
        assert len(recipients) == 1
        assert parse_message(data)["To"].addresses[0].addr_spec == recipients[0]


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_confirm_and_send_a_plan_with_sessions_then_a_case_dropped(
    engine: Engine,
    outbox: Path,  # noqa: F811
    migrated_db_url: str,
    tmp_path: Path,
) -> None:
    problem_path = tmp_path / "problem.json"
    problem_path.write_text(json.dumps(journeys_problem_doc()), encoding="utf-8")
    assert _run("import", str(problem_path)).exit_code == 0
    with transaction(engine) as session:
        save_plan(session, journeys_plan(), kind="import", created_at=NOW)
    confirmed = _run("confirm", "--all")
    assert confirmed.exit_code == 0, confirmed.output
    sent = _run("send")
    assert "sent 98, failed 0" in sent.output, sent.output
    first = outbox_events(outbox)
    assert len(first) == 98
    assert sum(1 for p in outbox.glob("*home-visit*.eml")) >= 9

    # Case C3 (sessions only) is closed: its people's session events are cancelled.
    doc = journeys_problem_doc()
    doc["cases"] = [c for c in doc["cases"] if c["id"] != "C3"]
    gone = {"P6", "P7", "P8"}
    doc["keep_apart"] = [pair for pair in doc.get("keep_apart", []) if not gone & set(pair)]
    problem_path.write_text(json.dumps(doc), encoding="utf-8")
    replaced = _run("import", "--replace", str(problem_path))
    assert replaced.exit_code == 0, replaced.output
    plan = journeys_plan_doc()
    plan["sessions"] = [s for s in plan["sessions"] if s["case"] != "C3"]
    with transaction(engine) as session:
        from scheduler.formats import load_plan

        save_plan(session, load_plan(plan), kind="import", created_at=NOW)
    # Dropping confirmed sessions needs the coordinator to accept it (they are named).
    refused = _run("confirm", "--all")
    assert refused.exit_code == 1, refused.output
    assert "Session C3-P6-1" in refused.output
    again = _run("confirm", "--all", "--accept-changes")
    assert again.exit_code == 0, again.output
    resent = _run("send")
    new = sorted(set(outbox_events(outbox)) - set(first))
    assert f"sent {len(new)}, failed 0" in resent.output
    assert {method for *_, method in new} == {"CANCEL"}
    # Three sessions: F8 and P6 and P6's supporter P8 twice, F8 and P7 once.
    assert len(new) == 8
    assert {to for to, *_ in new} == {
        "claire.clarke.f8@example.org",
        "ryan.clarke.p6@example.net",
        "lucy.wilson.p7@example.net",
        "david.campbell.p8@example.net",
    }


def test_erasing_a_visited_party_erases_their_address_from_every_invite(
    engine: Engine, tmp_path: Path
) -> None:
    from scheduler.invites.outbox import confirm_plan
    from scheduler.invites.transports import FolderTransport
    from scheduler.storage.problems import import_problem
    from scheduler.web_services.erasure import erase_party

    address = "27 Quillan Terrace, Birmingham B9 4ZZ"
    doc = journeys_problem_doc()
    next(p for c in doc["cases"] for p in c["parties"] if p["id"] == "P6")["address"] = address
    with transaction(engine) as session:
        from scheduler.formats import load_problem

        import_problem(session, load_problem(doc), replace=True, now=NOW)
        plan_id = save_plan(session, journeys_plan(), kind="import", created_at=NOW)
        confirm_plan(session, plan_id=plan_id, now=NOW, sender=SENDER)
    factory = session_factory(engine)
    assert send_due(factory, FolderTransport(tmp_path / "out"), now=NOW).failed == 0
    assert any(address in m.message for m in rows(engine))  # F8's home-visit invites
    with transaction(engine) as session:
        erase_party(session, party_id="P6", now=NOW, sender=SENDER)
    with transaction(engine) as session:
        states = list(session.scalars(select(InviteState)))
    held = [m for m in rows(engine) if address in m.message or address in (m.last_error or "")]
    assert held == []
    assert not any(address in json.dumps(s.event) for s in states)
    cancels = [m for m in rows(engine) if m.method == "CANCEL" and m.recipient_id == "F8"]
    assert len(cancels) >= 2  # both home visits to P6 are cancelled for F8
    for m in cancels:
        assert str(the_event(calendar_of(parse_message(m.message)))["STATUS"]) == "CANCELLED"


def test_an_odd_home_address_round_trips_through_icalendar_and_icaljs(
    engine: Engine, tmp_path: Path
) -> None:
    from scheduler.formats import load_problem

    address = 'Flat 2; "The Old Mill", 3 Rue d\'Été \\ Back Lane, Birmingham — B9 4ZZ'
    doc = journeys_problem_doc()
    next(p for c in doc["cases"] for p in c["parties"] if p["id"] == "P6")["address"] = address
    queue(engine, load_problem(doc), journeys_plan())
    files = []
    for i, m in enumerate(rows(engine)):
        if m.recipient_id != "F8":
            continue
        ev = the_event(calendar_of(parse_message(m.message)))
        if str(ev["LOCATION"]) == address:
            path = tmp_path / f"{i}.ics"
            part = calendar_parts(parse_message(m.message))[0]
            path.write_bytes(part.get_payload(decode=True))
            files.append(path)
    assert len(files) == 2  # C3-P6-1 and C3-P6-2, both home visits to P6
    parsed = icaljs_parse(files)
    assert all(address in (p["description"] or "") for p in parsed)
