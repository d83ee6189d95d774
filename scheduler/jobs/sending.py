"""Sending one outbox message from a task, and sweeping up what is due and unsent.

Exactly-once design (the invites outbox does the claiming): a sender claims the row
with a conditional UPDATE (``claimed_until``), hands the message to SMTP, and marks it
sent in the very next statement. A second sender (the sweeper's copy, a redelivered
message) finds it claimed or sent and skips. The one window left is between the SMTP
server's "250 OK" and that mark: a process killed there sends the message again once
its claim runs out (same Message-ID, so mail systems can recognise it). No design can
close that window without the server's help; it lasts one database round trip.

Backoff lives on the row: after a transient failure the row's ``due_at`` moves to the
next attempt, so the sweeper, a task retry and a redelivered message all wait for it,
and the delay grows with the row's ``attempts`` whichever of them tried last.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from scheduler.invites import outbox
from scheduler.invites.transports import TransientMailError, Transport
from scheduler.storage.db import session_factory, transaction
from scheduler.storage.mail_models import OutboxMessage


def retry_delay(
    attempt: int, *, base: float, cap: float, rand: Callable[[], float] = random.random
) -> float:
    """Seconds before try `attempt + 1`: exponential, capped, half of it random (jitter).

    Half fixed so a retry never comes straight back; half random so the messages of a
    whole plan, all failing at once, do not all come back at once either.
    """
    ceiling = min(cap, base * 2 ** max(0, min(attempt, 30)))
    return ceiling / 2 + rand() * ceiling / 2


class Deferred(Exception):
    """A transient failure: the message is due again in `delay` seconds."""

    def __init__(self, outbox_id: int, delay: float, error: str) -> None:
        self.outbox_id, self.delay, self.error = outbox_id, delay, error
        super().__init__(f"message {outbox_id}: {error}; next try in {delay:.0f}s")


def send(
    engine: Engine,
    transport: Transport,
    outbox_id: int,
    *,
    now: dt.datetime,
    base: float,
    cap: float,
    rand: Callable[[], float] = random.random,
) -> str:
    """'sent' or 'skipped'; raises `Deferred` on a transient failure (after deferring the row).

    A permanent refusal is recorded on the row by the outbox (failed, no longer due) and
    raised as `PermanentMailError`; an unknown id raises `LookupError`.
    """
    factory: Callable[[], Session] = session_factory(engine)
    try:
        return outbox.send_one(factory, transport, outbox_id, now)
    except TransientMailError as exc:
        with transaction(engine) as session:
            row = session.get(OutboxMessage, outbox_id)
            attempts = row.attempts if row is not None else 1
            delay = retry_delay(attempts - 1, base=base, cap=cap, rand=rand)
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == outbox_id, OutboxMessage.sent_at.is_(None))
                .values(due_at=now + dt.timedelta(seconds=delay))
            )
        raise Deferred(outbox_id, delay, str(exc)) from exc


def sweep(
    engine: Engine, *, now: dt.datetime, grace_seconds: float, limit: int = 1000
) -> list[int]:
    """Ids due (for longer than the grace) and unsent, oldest first: the ones to queue again."""
    with session_factory(engine)() as session:
        return outbox.due_ids(session, now - dt.timedelta(seconds=grace_seconds), limit)


def backlog(engine: Engine, *, now: dt.datetime) -> int:
    """How many messages are due and unsent now (for health checks)."""
    with session_factory(engine)() as session:
        return len(outbox.due_ids(session, now))
