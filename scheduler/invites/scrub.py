"""After a send: blank what an erased person was sent, now that it has gone.

An erasure keeps one message with an address in it: the CANCEL that makes the erased
person's calendar drop the appointment (see `scheduler.web_services.erasure`). Once
that message is sent, or refused for good, nothing needs its address or text any more.
`scheduler.invites.outbox` calls `scrub_delivered` in the same transaction that marks a
message sent or failed, so every sender (the web app, `rjsched send`, the Celery mail
queue and its sweeper) blanks it at once, and no caller has to remember to.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.storage.mail_models import InviteState, OutboxMessage

ERASED_NAME = "[erased]"


def _erased_ids():  # type: ignore[no-untyped-def]
    return select(InviteState.recipient_id).where(
        InviteState.recipient_kind == "party", InviteState.email == ERASED_NAME
    )


def erased_recipients(session: Session) -> set[str]:
    """Ids of erased parties the invites tables know (their invite state is blanked)."""
    return set(session.scalars(_erased_ids()))


def scrub_delivered(session: Session, outbox_ids: Collection[int] | None = None) -> int:
    """Blank messages to erased people that are no longer waiting to go (sent, or failed for good).

    Only the messages `outbox_ids` when given (a sender passes the one it just sent);
    every such message otherwise. Returns how many messages it blanked.
    """
    query = select(OutboxMessage).where(
        OutboxMessage.recipient_kind == "party",
        OutboxMessage.recipient_id.in_(_erased_ids()),
        OutboxMessage.sent_at.is_not(None) | OutboxMessage.failed_at.is_not(None),
        OutboxMessage.message != "",
    )
    if outbox_ids is not None:
        query = query.where(OutboxMessage.id.in_(list(outbox_ids)))
    rows = session.scalars(query).all()
    for msg in rows:
        msg.recipient_email = ERASED_NAME
        msg.message = ""
        msg.last_error = None
    return len(rows)
