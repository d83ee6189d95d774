"""An erased person's CANCEL is blanked by whichever sender sends it (one place: the outbox)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from scheduler.domain import Plan
from scheduler.invites.content import Sender
from scheduler.invites.outbox import confirm_plan, due_ids, send_due
from scheduler.invites.scrub import ERASED_NAME
from scheduler.invites.transports import FolderTransport, Transport
from scheduler.jobs import sending
from scheduler.storage.db import make_engine, session_factory, transaction
from scheduler.storage.mail_models import OutboxMessage
from scheduler.storage.migrate import upgrade
from scheduler.storage.plans import save_plan
from scheduler.storage.problems import import_problem
from scheduler.web_services.erasure import erase_party
from tests.invites.helpers import NOW, example_plan, example_problem

SENDER = Sender("RJ test service", "rj@example.org", "https://rj.example.org")
LATER = NOW + dt.timedelta(minutes=5)


def send_like_the_cli(engine: Engine, transport: Transport, now: dt.datetime) -> int:
    return send_due(session_factory(engine), transport, now=now).sent


def send_like_celery(engine: Engine, transport: Transport, now: dt.datetime) -> int:
    """The mail task's path: one `sending.send` per id the sweeper finds due."""
    ids = sending.sweep(engine, now=now, grace_seconds=0)
    return sum(sending.send(engine, transport, i, now=now, base=1, cap=1) == "sent" for i in ids)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'scrub.db'}")
    upgrade(engine)
    with transaction(engine) as session:
        import_problem(session, example_problem(), now=NOW)
        plan_id = save_plan(session, example_plan(), kind="import", created_at=NOW)
        confirm_plan(session, plan_id=plan_id, now=NOW, sender=SENDER)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("send", [send_like_the_cli, send_like_celery])
def test_sent_cancel_to_an_erased_party_is_blanked(
    engine: Engine, tmp_path: Path, send: Callable[[Engine, Transport, dt.datetime], int]
) -> None:
    transport = FolderTransport(tmp_path / "outbox")
    assert send(engine, transport, NOW) > 0  # the invitations
    plan: Plan = example_plan()
    case_id = plan.meetings[0].case
    victim = next(p for p in example_problem().case_by_id[case_id].victims if p.email)
    with transaction(engine) as session:
        erase_party(session, party_id=victim.id, now=LATER, sender=SENDER)

    def theirs() -> list[OutboxMessage]:
        with session_factory(engine)() as session:
            query = select(OutboxMessage).where(OutboxMessage.recipient_id == victim.id)
            return list(session.scalars(query))

    pending = [m for m in theirs() if m.sent_at is None]
    assert [m.method for m in pending] == ["CANCEL"]
    assert pending[0].recipient_email == victim.email  # it must still reach them

    assert send(engine, transport, LATER) > 0
    with session_factory(engine)() as session:
        assert due_ids(session, LATER) == []
    for m in theirs():
        assert (m.recipient_email, m.message) == (ERASED_NAME, ""), m.method
