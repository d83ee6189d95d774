"""The SMTP session's tail: a message is sent at the "250", whatever QUIT does after.

A loopback aiosmtpd server whose QUIT reply, DATA delay and RCPT refusals the test
chooses; the database row is looked at from inside the server, while it answers QUIT.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select

from scheduler.invites.outbox import send_due, send_one
from scheduler.invites.redact import RedactingFilter, redact_addresses
from scheduler.invites.transports import SmtpTransport, TransientMailError
from scheduler.storage.db import session_factory, transaction
from scheduler.storage.mail_models import OutboxMessage
from tests.invites.helpers import NOW, example_plan, example_problem, parse_message
from tests.invites.test_outbox import messages, queue

LATER = NOW + dt.timedelta(minutes=5)


class Sink:
    def __init__(self) -> None:
        self.quit_reply = "221 Bye"
        self.data_delay = 0.0
        self.refuse: dict[str, str] = {}
        self.accepted: list[list[str]] = []
        self.sent_at_quit: list[bool] = []
        self.engine: Engine | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        self.accepted.append(list(envelope.rcpt_tos))
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.engine is not None:  # is the message recorded as sent already?
            with transaction(self.engine) as s:
                rows = s.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_not(None)))
                self.sent_at_quit.append(len(rows.all()) == len(self.accepted))
        return self.quit_reply


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    handler, port = Sink(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.mark.parametrize("reply", ["221 Bye", "421 4.3.2 Shutting down", "554 5.3.0 No thanks"])
def test_sent_is_committed_before_quit_and_quit_errors_are_ignored(
    engine: Engine, sink: Any, reply: str, caplog: pytest.LogCaptureFixture
) -> None:
    handler, port = sink
    handler.quit_reply, handler.engine = reply, engine
    queued = queue(engine, example_problem(), example_plan()).queued
    factory = session_factory(engine)
    summary = send_due(factory, SmtpTransport("127.0.0.1", port, timeout=10), now=LATER)
    assert (summary.sent, summary.failed) == (queued, 0)
    assert len(handler.accepted) == queued
    assert handler.sent_at_quit == [True] * queued  # committed before QUIT went out
    rows = messages(engine)
    assert all(m.sent_at is not None and m.failed_at is None for m in rows)
    assert all(m.attempts == 1 and m.last_error is None for m in rows)
    # Nothing is due, so nothing goes again.
    assert send_due(factory, SmtpTransport("127.0.0.1", port, timeout=10), now=LATER).sent == 0
    if not reply.startswith("221"):
        assert f"answered {reply.split()[0]} " in caplog.text


def test_a_server_that_never_answers_data_is_cut_off(engine: Engine, sink: Any) -> None:
    handler, port = sink
    handler.data_delay = 5.0
    queue(engine, example_problem(), example_plan())
    first = messages(engine)[0].id
    factory = session_factory(engine)
    with pytest.raises(TransientMailError, match="no reply within 0.5s"):
        send_one(factory, SmtpTransport("127.0.0.1", port, timeout=0.5), first, LATER)
    row = next(m for m in messages(engine) if m.id == first)
    assert (row.sent_at, row.failed_at, row.claimed_until) == (None, None, None)


def test_refusals_are_stored_without_the_address(engine: Engine, sink: Any) -> None:
    handler, port = sink
    queue(engine, example_problem(), example_plan())
    rows = messages(engine)
    permanent, transient = rows[0].recipient_email, rows[1].recipient_email
    handler.refuse[permanent] = f"550 5.1.1 <{permanent}>: no such user"
    handler.refuse[transient] = f"452 4.2.2 <{transient}>: mailbox full"
    summary = send_due(
        session_factory(engine), SmtpTransport("127.0.0.1", port, timeout=10), now=LATER
    )
    to = {m.id: m.recipient_email for m in rows}
    hit = {i for i, email in to.items() if email in (permanent, transient)}
    assert summary.failed == len(hit)
    stored = {m.id: m.last_error or "" for m in messages(engine) if m.last_error}
    assert set(stored) == hit
    assert all(("550" if to[i] == permanent else "452") in stored[i] for i in hit)
    for text in [*stored.values(), *summary.errors]:
        assert permanent not in text
        assert transient not in text
        assert "<address>" in text


def test_redaction_keeps_ids_and_hides_addresses_in_log_records() -> None:
    assert redact_addresses("550 <ann.lee@example.org> P17 id 42") == "550 <<address>> P17 id 42"
    try:
        raise ValueError("refused: bob+x@mail.example.net")
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "to %s (party %s)", ("a@b.example", "P3"), True
        )
        import sys

        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record)
    line = logging.Formatter().format(record)
    assert "P3" in line
    assert "@" not in line.replace("<address>", "")


def test_message_parse_helper_is_used() -> None:
    assert parse_message(b"To: a@b\r\n\r\nx")["To"]
