"""Sending: a real SMTP server on loopback and the outbox folder, each message exactly once."""

from __future__ import annotations

import datetime as dt
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select

from scheduler.invites.outbox import due_ids, send_due, send_one
from scheduler.invites.transports import (
    FolderTransport,
    PermanentMailError,
    SmtpTransport,
    TransientMailError,
    transport_from_settings,
)
from scheduler.settings import Settings
from scheduler.storage.db import session_factory, transaction
from scheduler.storage.mail_models import OutboxMessage
from tests.invites.helpers import (
    NOW,
    calendar_of,
    example_plan,
    example_problem,
    parse_message,
    the_event,
)
from tests.invites.test_outbox import messages, queue

LATER = NOW + dt.timedelta(minutes=5)


class Recorder:
    """An aiosmtpd handler that keeps what it receives and can refuse chosen recipients."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []
        self.refuse: dict[str, str] = {}  # address → SMTP reply
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Recorder, int]]:
    handler = Recorder()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_smtp_receives_each_due_message_exactly_once(engine: Engine, smtp: Any) -> None:
    handler, port = smtp
    queued = queue(engine, example_problem(), example_plan()).queued
    transport = SmtpTransport("127.0.0.1", port, timeout=10)
    factory = session_factory(engine)
    first = send_due(factory, transport, now=LATER)
    assert (first.sent, first.failed) == (queued, 0)
    assert len(handler.received) == queued
    second = send_due(factory, transport, now=LATER)
    assert (second.sent, second.failed) == (0, 0)
    assert len(handler.received) == queued
    # Each received message went to its one recipient and carries its own calendar.
    expected = sorted((m.recipient_email, m.uid) for m in messages(engine))
    got = []
    for rcpts, data in handler.received:
        assert len(rcpts) == 1
        msg = parse_message(data)
        assert msg["To"].addresses[0].addr_spec == rcpts[0]
        got.append((rcpts[0], str(the_event(calendar_of(msg))["UID"])))
    assert sorted(got) == expected
    assert all(m.sent_at is not None and m.attempts == 1 for m in messages(engine))


def test_transient_smtp_refusal_stays_due_permanent_is_marked_failed(
    engine: Engine, smtp: Any
) -> None:
    handler, port = smtp
    queued = queue(engine, example_problem(), example_plan()).queued
    handler.refuse["amina.osman.p17@example.net"] = "451 4.3.0 Try again later"
    handler.refuse["hassan.farah.p18@example.net"] = "550 5.1.1 No such user"
    factory = session_factory(engine)
    transport = SmtpTransport("127.0.0.1", port, timeout=10)
    summary = send_due(factory, transport, now=LATER)
    assert (summary.sent, summary.failed) == (queued - 2, 2)
    by_email = {m.recipient_email: m for m in messages(engine)}
    transient = by_email["amina.osman.p17@example.net"]
    permanent = by_email["hassan.farah.p18@example.net"]
    assert (transient.sent_at, transient.failed_at, transient.attempts) == (None, None, 1)
    assert "451" in (transient.last_error or "")
    assert permanent.sent_at is None
    assert permanent.failed_at is not None
    assert "550" in (permanent.last_error or "")
    with transaction(engine) as session:
        assert due_ids(session, LATER) == [transient.id]
    # The server recovers: the transient one goes now, exactly once; the permanent never.
    handler.refuse.clear()
    again = send_due(factory, transport, now=LATER)
    assert (again.sent, again.failed) == (1, 0)
    assert len(handler.received) == queued - 1
    assert [r[0] for r in handler.received].count(["amina.osman.p17@example.net"]) == 1


def test_smtp_errors_are_classified() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(TransientMailError):
        SmtpTransport("127.0.0.1", port, timeout=2).send(
            parse_message(b"To: a@b\r\n\r\nx"), key="k"
        )
    assert issubclass(PermanentMailError, Exception)


def test_send_one_is_idempotent(engine: Engine, smtp: Any) -> None:
    handler, port = smtp
    queue(engine, example_problem(), example_plan())
    first_id = messages(engine)[0].id
    factory = session_factory(engine)
    transport = SmtpTransport("127.0.0.1", port, timeout=10)
    assert send_one(factory, transport, first_id, LATER) == "sent"
    assert send_one(factory, transport, first_id, LATER) == "skipped"
    assert len(handler.received) == 1
    with pytest.raises(LookupError):
        send_one(factory, transport, 999_999, LATER)


def test_not_yet_due_is_not_sent(engine: Engine, tmp_path: Path) -> None:
    queue(engine, example_problem(), example_plan())
    summary = send_due(
        session_factory(engine), FolderTransport(tmp_path), now=NOW - dt.timedelta(minutes=1)
    )
    assert summary.sent == 0
    assert not list(tmp_path.glob("*.eml"))


def test_folder_transport_writes_one_eml_per_message_and_accumulates(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "outbox"
    factory = session_factory(engine)
    transport = FolderTransport(folder)
    queued = queue(engine, example_problem(), example_plan()).queued
    assert send_due(factory, transport, now=LATER).sent == queued
    files = sorted(folder.glob("*.eml"))
    assert len(files) == queued
    assert not [p for p in folder.iterdir() if not p.name.endswith(".eml")]  # no temp files
    for path in files:
        msg = parse_message(path.read_bytes())
        calendar_of(msg)  # parses without errors
    assert send_due(factory, transport, now=LATER).sent == 0
    assert len(list(folder.glob("*.eml"))) == queued
    # A re-plan dropping C7 adds four cancellations; the earlier files stay.
    from tests.invites.test_outbox import without

    queue(engine, example_problem(), example_plan(without("C7")))
    assert send_due(factory, transport, now=LATER).sent == 4
    assert len(list(folder.glob("*.eml"))) == queued + 4


def test_folder_resend_of_the_same_message_overwrites(engine: Engine, tmp_path: Path) -> None:
    queue(engine, example_problem(), example_plan())
    with transaction(engine) as session:
        row = session.scalars(select(OutboxMessage).limit(1)).one()
        text, key = row.message, row.message_key
    transport = FolderTransport(tmp_path / "outbox")
    transport.send(parse_message(text), key=key)
    transport.send(parse_message(text), key=key)
    names = [p.name for p in (tmp_path / "outbox").iterdir()]
    assert len(names) == 1
    assert names[0].endswith(f"_{key[:10]}.eml")


def test_transport_from_settings(tmp_path: Path) -> None:
    folder = transport_from_settings(Settings(data_dir=tmp_path))
    assert isinstance(folder, FolderTransport)
    assert folder.folder == tmp_path / "outbox"
    smtp = transport_from_settings(
        Settings(smtp_host="mail.example.org", smtp_port=587, smtp_starttls=True)
    )
    assert isinstance(smtp, SmtpTransport)
    assert (smtp.host, smtp.port, smtp.starttls) == ("mail.example.org", 587, True)
