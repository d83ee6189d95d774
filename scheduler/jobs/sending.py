"""Sending one outbox message from a task, queuing sends after a confirmation, sweeping.

Exactly-once design (the invites outbox does the claiming): a sender claims the row
with a conditional UPDATE (``claimed_until``), hands the message to SMTP, and commits
the row as sent at the server's "250" after DATA, before QUIT. A second sender (the
sweeper's copy, a redelivered message) finds it claimed or sent and skips. The one
window left is the database round trip between that "250" and the commit: a process
killed exactly there sends the message again once its claim runs out (same
Message-ID, so mail systems can recognise it). Errors after the commit (QUIT answered
with 421 or 554, a dropped connection) are logged and never retried.

Confirming a plan queues one ``send_message`` per message after its transaction
commits (`send_after_commit`, registered by ``invites.outbox.confirm_plan``, which the
CLI, the web app and the nightly re-plan all call). The sweeper stays the safety net
for a send that was lost (Redis restarted, the broker down at that moment).

Backoff lives on the row: after a transient failure the row's ``due_at`` moves to the
next attempt, so the sweeper, a task retry and a redelivered message all wait for it,
and the delay grows with the row's ``attempts`` whichever of them tried last.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections.abc import Callable, Sequence

from sqlalchemy import Engine, event, update
from sqlalchemy.orm import Session

from scheduler.invites import outbox
from scheduler.invites.transports import TransientMailError, Transport
from scheduler.storage.db import session_factory, transaction
from scheduler.storage.mail_models import OutboxMessage

log = logging.getLogger(__name__)

# True in a Celery worker process (set by `workers.tasks`): a broker is there for sure.
IN_WORKER = False
# Publishing a send gives up quickly when the broker is down: the sweeper sends it later.
_PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}


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


# --------------------------------------------------------------------------- after confirm


def sends_are_queued() -> bool:
    """Whether a confirmation queues its sends (``RJSCHED_QUEUE_SENDS``; auto: a broker is set)."""
    from scheduler.settings import get_settings

    settings = get_settings()
    if settings.queue_sends == "auto" and IN_WORKER:
        return True
    return settings.sends_are_queued


def send_after_commit(session: Session, outbox_ids: Sequence[int]) -> None:
    """Queue one ``send_message`` per id once `session` commits; nothing if it rolls back.

    Nothing at all without a broker (the embedded default): `rjsched send` sends then.
    """
    if not outbox_ids or not sends_are_queued():
        return
    ids, settled = list(outbox_ids), [False]

    def committed(_: Session) -> None:
        if not settled[0]:
            settled[0] = True
            queue_sends(ids)

    def rolled_back(_: Session) -> None:
        settled[0] = True

    event.listen(session, "after_commit", committed, once=True)
    event.listen(session, "after_rollback", rolled_back, once=True)


def queue_sends(outbox_ids: Sequence[int]) -> int:
    """Ask the mail workers to send each message; how many were queued (never raises).

    The rows are committed already, so a broker that is down loses nothing: the sweeper
    finds the rows due and unsent and queues them itself.
    """
    queued = 0
    try:
        from workers.app import app

        for outbox_id in outbox_ids:
            app.send_task(
                "workers.tasks.send_message",
                args=[outbox_id],
                queue="mail",
                ignore_result=True,  # never touch the result backend (it may be down too)
                add_to_parent=False,
                retry=True,
                retry_policy=_PUBLISH_RETRY,
            )
            queued += 1
    except Exception as exc:  # the broker is down or unreachable
        log.warning(
            "queued %d of %d send(s); the rest wait for the sweeper (%s: %s)",
            queued,
            len(outbox_ids),
            type(exc).__name__,
            exc,
        )
    return queued
