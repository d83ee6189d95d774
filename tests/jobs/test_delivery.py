"""Delivery faults after the "250": QUIT refused, the sender killed in the session's tail.

Real Redis, real Celery workers, an aiosmtpd sink that records every accepted message
and never deduplicates. Counted by the sink per (UID, SEQUENCE, METHOD, recipient):
0 duplicates, 0 lost, 0 marked failed although the server accepted them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scheduler.storage.db import transaction
from scheduler.storage.mail_models import OutboxMessage
from tests.jobs.conftest import (
    NOW,
    assert_exactly_once,
    confirm_example_plan,
    example_docs,
    load_example,
    send,
    unsent,
)
from tests.jobs.services import wait_for


def queue_all(client, ids: list[int]) -> None:  # type: ignore[no-untyped-def]
    for outbox_id in ids:
        send(client, "send_message", outbox_id, queue="mail")


def count(db, *where) -> int:  # type: ignore[no-untyped-def]
    with transaction(db) as session:
        query = select(func.count()).select_from(OutboxMessage).where(*where)
        return int(session.scalar(query) or 0)


def failed(db) -> int:  # type: ignore[no-untyped-def]
    return count(db, OutboxMessage.failed_at.is_not(None))


def sent(db) -> int:  # type: ignore[no-untyped-def]
    return count(db, OutboxMessage.sent_at.is_not(None))


@pytest.mark.parametrize("reply", ["421 4.3.2 Service shutting down", "554 5.3.0 QUIT refused"])
def test_quit_refused_after_250_counts_as_sent(
    db, recorder, smtp, worker, beat, client, reply
) -> None:  # type: ignore[no-untyped-def]
    recorder.quit_reply = reply
    load_example(db)
    ids = confirm_example_plan(db)
    queue_all(client, ids)
    wait_for(lambda: unsent(db) == 0, timeout=60, what="every message marked sent")
    wait_for(lambda: recorder.quits >= len(ids), timeout=30, what="every session's QUIT")
    assert failed(db) == 0, "a message the server accepted was marked failed"
    assert_exactly_once(db, recorder)
    assert f"answered {reply.split()[0]}" in worker.log_text()
    with transaction(db) as session:
        assert set(session.scalars(select(OutboxMessage.attempts))) == {1}, "sent again"


def test_worker_killed_between_250_and_quit(db, recorder, smtp, start_worker, beat, client) -> None:  # type: ignore[no-untyped-def]
    load_example(db)
    ids = confirm_example_plan(db)
    recorder.quit_delay = 60.0  # the session's tail hangs: the kill lands after the "250"
    w = start_worker(concurrency=1)
    queue_all(client, ids)
    assert recorder.quitting.wait(timeout=30), "no QUIT arrived"
    w.kill()
    accepted = recorder.count()
    assert accepted == 1
    # The one message the server accepted was recorded as sent before QUIT went out.
    assert sent(db) == accepted
    recorder.quit_delay = 0.0
    start_worker()  # claims run out (8 s in tests), the sweeper queues what was unacked
    wait_for(lambda: unsent(db) == 0, timeout=90, what="the outbox to empty after the kill")
    assert failed(db) == 0
    assert_exactly_once(db, recorder)


def test_confirm_without_beat_is_delivered(
    db, recorder, smtp, worker, job_env, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """`rjsched confirm` queues the sends itself once it commits: no beat, no sweeper."""
    from scheduler.formats import load_plan
    from scheduler.storage.plans import save_plan

    load_example(db)
    with transaction(db) as session:
        plan_id = save_plan(session, load_plan(example_docs()[1]), kind="import", created_at=NOW)
    rjsched = Path(sys.executable).parent / "rjsched"
    done = subprocess.run(
        [str(rjsched), "confirm", "--plan", str(plan_id)],
        env=job_env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "The mail workers send them now" in done.stdout
    wait_for(lambda: unsent(db) == 0, timeout=60, what="the workers to send the confirmed invites")
    assert unsent(db) == 0
    assert count(db) > 10
    assert_exactly_once(db, recorder)


def test_no_address_in_worker_logs_or_stored_errors(
    db, recorder, smtp, worker, beat, client, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """Servers quote the recipient in refusals; neither the log nor `last_error` may keep it."""
    load_example(db)
    ids = confirm_example_plan(db)
    with transaction(db) as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        addresses = sorted({r.recipient_email for r in rows})
        refused, busy = rows[0].recipient_email, rows[-1].recipient_email
    assert refused != busy
    recorder.refuse[refused] = f"550 5.1.1 <{refused}>: no such user here"
    recorder.busy[busy] = 2  # "451 <address> ..." twice, then accepted
    recorder.quit_reply = f"421 4.3.2 closing; last recipient was <{busy}>"
    queue_all(client, ids)
    wait_for(lambda: unsent(db) == failed(db) > 0, timeout=90, what="all sent but the refused one")
    with transaction(db) as session:
        errors = [
            (r.id, r.recipient_id, r.last_error)
            for r in session.scalars(select(OutboxMessage).where(OutboxMessage.attempts > 1))
        ] + [
            (r.id, r.recipient_id, r.last_error)
            for r in session.scalars(
                select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
            )
        ]
    assert any("550" in (e or "") for _, _, e in errors)
    assert set(recorder.by_key().values()) == {1}  # the busy one too went once
    logs = worker.log_text() + beat.log_text()
    assert "451" in logs
    assert "550" in logs
    assert "<address>" in logs
    stored = "\n".join(e or "" for _, _, e in errors)
    for address in addresses:
        assert address not in logs, "an address in the worker log"
        assert address.lower() not in logs.lower()
        assert address not in stored, "an address in outbox.last_error"
    # What is kept to find the person: the row's id and the recipient's id.
    assert all(rid for _, rid, _ in errors)
