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


# --------------------------------------------------------------------------- journeys

ADDRESS_ERASED = "a home visit (the address was erased)"


def forget_home_visits(session: Session, engagements: Collection[str]) -> None:
    """Erase a party's home address from the facilitators' invites of visits to them.

    Only a home visit's facilitator event holds a party's address. Before the erasure's
    CANCEL is rendered from the stored event, the event loses the address (a calendar
    drops the appointment by its UID, not its place); messages already sent or refused
    lose their text; unsent ones are deleted (the CANCEL supersedes them).
    `engagements` are the `invite_state.case_id` keys of the erased party's sessions.
    """
    if not engagements:
        return
    states = session.scalars(
        select(InviteState).where(
            InviteState.recipient_kind == "facilitator",
            InviteState.case_id.in_(list(engagements)),
        )
    ).all()
    uids = []
    for state in states:
        event = dict(state.event)
        if not event.get("session_id") or "Visit address" not in (event.get("facts") or {}):
            continue
        uids.append(state.uid)
        event["location"] = ADDRESS_ERASED
        event["facts"] = {k: v for k, v in event["facts"].items() if k != "Visit address"}
        event["description"] = "\n".join(
            line for line in str(event.get("description", "")).splitlines()
            if not line.startswith("Visit address:")
        )  # fmt: skip
        state.event = event
    if not uids:
        return
    for msg in session.scalars(select(OutboxMessage).where(OutboxMessage.uid.in_(uids))):
        if msg.sent_at is None and msg.failed_at is None:
            session.delete(msg)
        else:
            msg.message = ""
            msg.last_error = None
    session.flush()
