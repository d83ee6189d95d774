"""The exactly-once outbox: queue what each recipient must be told, then send it.

Queuing happens in the caller's transaction (with the confirmation that caused it), so
a plan is never confirmed without its invites, nor invites queued for a plan that was
not confirmed. Sending happens later, one message per short transaction.

Exactly-once per (UID, SEQUENCE, METHOD, recipient): a message is queued once (the
diff against ``invite_state`` plus the outbox's unique key), and it is sent at most
once at a time (a sender claims it with a conditional UPDATE before sending). It is
marked sent, in its own committed transaction, the moment the transport has it: for
SMTP at the server's "250" after DATA, before QUIT, so nothing the server or the
network does after that (a 421 or 554 to QUIT, a dropped connection, the sender being
killed) can send it again or mark it failed. Only a process killed in the one database
round trip between the "250" and that commit sends it again, once its claim runs out,
with the same Message-ID and file name, so mail systems see the same message.

Choices where the spec is silent:

- A recipient whose email address changed gets a CANCEL at the old address and a new
  event (new UID, SEQUENCE 0) at the new one: the old calendar must not keep it.
- A recipient who is no longer invited for any reason (meeting dropped, facilitator
  swapped out, consent withdrawn, now in custody, email removed) gets a CANCEL at
  the address that received the event; the cancellation reuses the stored event, so it
  works even after the case left the problem.
- A recipient invited again after a cancellation gets a new UID (a new meeting).
- A message refused permanently (5xx) is marked failed and no longer due; a person
  must look (``last_error`` says why). Transient failures stay due.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from scheduler.domain import Plan, Problem
from scheduler.invites.confirm_check import PlanRejected as PlanRejected  # raised here
from scheduler.invites.confirm_check import check_before_confirm
from scheduler.invites.content import EventContent, Key, Sender, plan_recipients
from scheduler.invites.ical import Method, build_calendar, calendar_bytes
from scheduler.invites.mime import build_message, from_text, message_key, to_text
from scheduler.invites.redact import redact_addresses
from scheduler.invites.scrub import scrub_delivered
from scheduler.invites.transports import MailError, TransientMailError, Transport, hand_over
from scheduler.storage.mail_models import InviteState, OutboxMessage

# How long a sender holds a message. Longer than a whole SMTP conversation (the
# transport cuts one off after RJSCHED_SMTP_TIMEOUT_SECONDS, 30 s), so a live sender
# never loses its claim; a killed sender's message is due again after it. The workers
# set it from RJSCHED_MAIL_CLAIM_SECONDS.
CLAIM_SECONDS = 120


@dataclass
class QueueSummary:
    requests: int = 0
    updates: int = 0
    cancels: int = 0
    unchanged: int = 0
    rows: list[OutboxMessage] = field(default_factory=list, repr=False)

    @property
    def queued(self) -> int:
        return self.requests + self.updates + self.cancels

    @property
    def outbox_ids(self) -> list[int]:
        """Ids of the queued messages (after the session flushed), e.g. for one task each."""
        return [row.id for row in self.rows]


@dataclass
class SendSummary:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # already sent or being sent by another sender
    where: str = ""
    errors: list[str] = field(default_factory=list)


def _utc(now: dt.datetime) -> dt.datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(dt.UTC)


def _sender(sender: Sender | None) -> Sender:
    if sender is not None:
        return sender
    from scheduler.settings import get_settings

    return Sender.from_settings(get_settings())


def new_uid(sender: Sender) -> str:
    return f"{uuid.uuid4()}@{sender.domain}"


# --------------------------------------------------------------------------- queue


InviteAction = Literal["request", "update", "cancel", "unchanged"]


@dataclass(frozen=True)
class InviteStep:
    """One thing the outbox would do for one recipient (see `diff_invites`).

    ``state`` is the recipient's stored invite (None for a first invite); ``event`` what
    they are to be told now (None for a cancellation of a recipient no longer invited).
    ``recipient_kind`` and ``recipient_id`` name who receives it either way.
    """

    action: InviteAction
    key: Key
    state: InviteState | None
    event: EventContent | None

    @property
    def recipient_kind(self) -> str:
        return self.key[1]

    @property
    def recipient_id(self) -> str:
        return self.key[2]


def diff_invites(
    states: dict[Key, InviteState], wanted: dict[Key, EventContent]
) -> list[InviteStep]:
    """What confirming a plan whose invites are `wanted` would queue, in queuing order.

    Pure (reads `states`, changes nothing): `queue_invites` carries the steps out, and a
    review counts them beforehand (`scheduler.plan_review`), so the two never disagree.
    Cancellations come first, so that a recipient's old event is gone before any new
    one; an address change is a cancellation followed by a new request.
    """
    steps: list[InviteStep] = []
    for key, old in states.items():
        if old.active and key not in wanted:
            steps.append(InviteStep("cancel", key, old, None))
    for key, event in wanted.items():
        state = states.get(key)
        if state is None or not state.active:
            steps.append(InviteStep("request", key, state, event))
        elif state.email.strip().lower() != event.email.strip().lower():
            steps.append(InviteStep("cancel", key, state, None))
            steps.append(InviteStep("request", key, state, event))
        elif state.fingerprint != event.fingerprint:
            steps.append(InviteStep("update", key, state, event))
        else:
            steps.append(InviteStep("unchanged", key, state, event))
    return steps


def invite_states(session: Session) -> dict[Key, InviteState]:
    return {
        (s.case_id, s.recipient_kind, s.recipient_id): s  # type: ignore[misc]
        for s in session.scalars(select(InviteState).order_by(InviteState.id))
    }


def preview_invites(
    session: Session, *, problem: Problem, plan: Plan, sender: Sender | None = None
) -> list[InviteStep]:
    """The steps `queue_invites` would take for `plan` now, without writing anything."""
    wanted = plan_recipients(problem, plan.meetings, _sender(sender), plan.sessions)
    return diff_invites(invite_states(session), wanted)


def queue_invites(
    session: Session,
    *,
    problem: Problem,
    plan: Plan,
    now: dt.datetime,
    sender: Sender | None = None,
    make_uid: Callable[[Sender], str] = new_uid,
) -> QueueSummary:
    """Queue a REQUEST for every new or changed recipient of `plan`, a CANCEL for every gone one."""
    now = _utc(now)
    sender = _sender(sender)
    wanted = plan_recipients(problem, plan.meetings, sender, plan.sessions)
    summary = QueueSummary()
    for step in diff_invites(invite_states(session), wanted):
        state, event = step.state, step.event
        if step.action == "cancel":
            assert state is not None
            _cancel(session, state, now, sender, summary)
        elif step.action == "request":
            assert event is not None
            if state is None:
                state = InviteState(
                    case_id=event.engagement,
                    recipient_kind=event.recipient_kind,
                    recipient_id=event.recipient_id,
                    created_at=now,
                )
                session.add(state)
            _request(session, summary, state, event, make_uid(sender), 0, now, sender)
            summary.requests += 1
        elif step.action == "update":
            assert state is not None
            assert event is not None
            previous = EventContent.from_dict(state.event)
            _request(
                session, summary, state, event, state.uid, state.sequence + 1, now, sender,
                previous=previous,
            )  # fmt: skip
            summary.updates += 1
        else:
            summary.unchanged += 1
    session.flush()
    return summary


def _request(
    session: Session,
    summary: QueueSummary,
    state: InviteState,
    event: EventContent,
    uid: str,
    sequence: int,
    now: dt.datetime,
    sender: Sender,
    previous: EventContent | None = None,
) -> None:
    state.uid = uid
    state.sequence = sequence
    state.method = "REQUEST"
    state.fingerprint = event.fingerprint
    state.active = True
    state.email = event.email
    state.event = event.to_dict()
    state.updated_at = now
    _enqueue(session, summary, event, uid, sequence, "REQUEST", now, sender, previous)


def _cancel(
    session: Session, state: InviteState, now: dt.datetime, sender: Sender, summary: QueueSummary
) -> None:
    event = EventContent.from_dict(state.event)
    state.sequence += 1
    state.method = "CANCEL"
    state.active = False
    state.updated_at = now
    _enqueue(session, summary, event, state.uid, state.sequence, "CANCEL", now, sender)
    summary.cancels += 1


def _enqueue(
    session: Session,
    summary: QueueSummary,
    event: EventContent,
    uid: str,
    sequence: int,
    method: Method,
    now: dt.datetime,
    sender: Sender,
    previous: EventContent | None = None,
) -> None:
    cal = build_calendar(
        event, uid=uid, sequence=sequence, method=method, dtstamp=now, sender=sender
    )
    ics = calendar_bytes(cal)
    msg = build_message(
        event, ics, uid=uid, sequence=sequence, method=method, dtstamp=now, sender=sender,
        previous=previous,
    )  # fmt: skip
    row = OutboxMessage(
        uid=uid,
        sequence=sequence,
        method=method,
        recipient_email=event.email,
        recipient_kind=event.recipient_kind,
        recipient_id=event.recipient_id,
        case_id=event.case_id,
        message_key=message_key(uid, sequence, method, event.email),
        message=to_text(msg),
        created_at=now,
        due_at=now,
        attempts=0,
    )
    session.add(row)
    summary.rows.append(row)


def confirm_plan(
    session: Session,
    *,
    plan_id: int,
    now: dt.datetime,
    sender: Sender | None = None,
    verify_first: bool = True,
) -> QueueSummary:
    """Confirm a stored plan (superseding the one before) and queue its invites.

    Runs in the caller's transaction: the confirmation and its messages commit together,
    and after that commit one send per message is queued for the mail workers (when a
    broker is configured; see ``scheduler.jobs.sending.send_after_commit``).
    First of all the independent checker runs on the stored problem and the plan: a plan
    it refuses raises ``PlanRejected`` (with every violation) before anything is written.
    Only erasure passes ``verify_first=False`` (see `web_services.erasure`).
    The meetings of a confirmed plan count as confirmed (pinned ones stay pinned) through
    ``scheduler.storage.plans.confirmed_meetings``; the stored plan document is kept as
    it was saved. Raises ``PlanNotFoundError`` for an unknown id and ``NoProblemError``
    when no problem has been imported.
    """
    from scheduler.storage import plans, problems

    now = _utc(now)
    plan = plans.plan_document(session, plan_id)
    problem = problems.export_problem(session)
    # Step 1, before any write: verify before confirm.
    if verify_first:
        check_before_confirm(problem, plan, plan_id=plan_id)
    plans.confirm_plan(session, plan_id, at=now)
    summary = queue_invites(session, problem=problem, plan=plan, now=now, sender=sender)
    # Once this transaction commits (never before, never after a rollback), the mail
    # workers are asked to send; with no broker configured nothing is queued.
    from scheduler.jobs.sending import send_after_commit

    send_after_commit(session, summary.outbox_ids)
    return summary


# --------------------------------------------------------------------------- send


def _due_clause(now: dt.datetime):  # type: ignore[no-untyped-def]
    return (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.due_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
    )


def due_ids(session: Session, now: dt.datetime, limit: int | None = None) -> list[int]:
    """Ids of the messages due now and not being sent, oldest first."""
    query = select(OutboxMessage.id).where(*_due_clause(_utc(now))).order_by(OutboxMessage.id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def send_one(
    session_factory: Callable[[], Session], transport: Transport, outbox_id: int, now: dt.datetime
) -> str:
    """Send one queued message unless it was sent already; returns what happened.

    'sent', or 'skipped' (already sent, failed for good, not yet due, or held by another
    sender). Idempotent, so a task can be retried freely. The row is marked sent (and
    committed) as soon as the transport has the message, before the SMTP session ends;
    what fails after that is logged by the transport, not raised. A failure before it
    is recorded on the row (addresses redacted), then raised again:
    ``TransientMailError`` (worth retrying: the message stays due) or
    ``PermanentMailError`` (the message is marked failed). If the mark itself fails
    (the database is lost at that moment) its error is raised and the claim is kept,
    so the message is not sent again before the claim runs out.
    """
    now = _utc(now)
    with session_factory() as session, session.begin():
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id, *_due_clause(now))
            .values(
                claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS),
                attempts=OutboxMessage.attempts + 1,
            )
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            if session.get(OutboxMessage, outbox_id) is None:
                raise LookupError(f"there is no outbox message {outbox_id}")
            return "skipped"
        row = session.get(OutboxMessage, outbox_id)
        assert row is not None
        text, key = row.message, row.message_key
    accepted = False

    def mark_sent() -> None:
        nonlocal accepted
        accepted = True
        _mark_sent(session_factory, outbox_id, now)

    try:
        hand_over(transport, from_text(text), key=key, on_accepted=mark_sent)
    except Exception as exc:
        if accepted:  # the transport has it; only the mark failed: keep the claim
            raise
        permanent = isinstance(exc, MailError) and not isinstance(exc, TransientMailError)
        _record_failure(session_factory, outbox_id, now, exc, permanent=permanent)
        raise
    return "sent"


def _mark_sent(session_factory: Callable[[], Session], outbox_id: int, now: dt.datetime) -> None:
    with session_factory() as session, session.begin():
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(sent_at=now, claimed_until=None, last_error=None)
        )
        # An erased person's CANCEL kept its address only until it went (see `scrub`).
        scrub_delivered(session, [outbox_id])


def _record_failure(
    session_factory: Callable[[], Session],
    outbox_id: int,
    now: dt.datetime,
    exc: Exception,
    *,
    permanent: bool,
) -> None:
    with session_factory() as session, session.begin():
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == outbox_id)
            .values(
                claimed_until=None,
                last_error=redact_addresses(f"{type(exc).__name__}: {exc}")[:2000],
                failed_at=now if permanent else None,
            )
        )
        if permanent:
            scrub_delivered(session, [outbox_id])


def send_due(
    session_factory: Callable[[], Session],
    transport: Transport,
    *,
    now: dt.datetime,
    limit: int | None = None,
) -> SendSummary:
    """Send every due message, each on its own; one failure does not stop the others.

    Errors that are not mail errors (a bug, a lost database) are counted as failures
    too and left due, so the next run tries again.
    """
    now = _utc(now)
    with session_factory() as session:
        ids = due_ids(session, now, limit)
    summary = SendSummary(where=transport.describe())
    for outbox_id in ids:
        try:
            outcome = send_one(session_factory, transport, outbox_id, now)
        except Exception as exc:
            summary.failed += 1
            error = redact_addresses(f"{type(exc).__name__}: {exc}")
            summary.errors.append(f"message {outbox_id}: {error}")
            continue
        if outcome == "sent":
            summary.sent += 1
        else:
            summary.skipped += 1
    return summary
