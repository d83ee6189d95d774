"""The iMIP email (RFC 6047) around one calendar: one recipient, one method."""

from __future__ import annotations

import datetime as dt
import hashlib
from email import message_from_string, policy
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, formataddr

from scheduler.invites.content import EventContent, Sender
from scheduler.invites.ical import CANCELLED_NOTE, Method


def message_key(uid: str, sequence: int, method: str, recipient_email: str) -> str:
    """The identity of one message: equal keys are the same message (used for dedup)."""
    text = f"{uid}\n{sequence}\n{method}\n{recipient_email.strip().lower()}"
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def message_id(key: str, sender: Sender) -> str:
    return f"<{key}@{sender.domain}>"


def subject_for(event: EventContent, method: Method, sequence: int) -> str:
    """Neutral subjects: for a party only the service's name, never anything about the case."""
    if method == "CANCEL":
        return f"Cancelled: {event.subject}"
    return f"Updated: {event.subject}" if sequence > 0 else event.subject


# The outbox file's name travels with the stored message in this header; `from_text`
# takes it off again, so it never reaches a mail server (it names the case, which a
# party's message must not). Only the outbox folder uses it.
OUTBOX_NAME_HEADER = "X-RJ-Outbox-Name"


def outbox_name(event: EventContent, sequence: int, method: Method) -> str | None:
    """'2027-03-04_RJ-2026-0025_facilitator-lead_seq1_REQUEST' (no name, no address)."""
    if not event.file_label:
        return None
    return f"{event.file_label}_seq{sequence}_{method}"


def what_changed(before: EventContent, after: EventContent) -> list[str]:
    """The facts that differ, old and new, in the recipient's own terms."""
    if not before.facts or not after.facts:
        return []
    out = []
    for label in dict.fromkeys([*after.facts, *before.facts]):
        old, new = before.facts.get(label, ""), after.facts.get(label, "")
        if old == new:
            continue
        if not old:
            out.append(f"- {label}: now {new} (new).")
        elif not new:
            out.append(f"- {label}: no longer {old}.")
        else:
            out.append(f"- {label}: was {old}; now {new}.")
    return out


def body_for(event: EventContent, method: Method, previous: EventContent | None = None) -> str:
    greeting = f"Dear {event.name},"
    if method == "CANCEL":
        text = f"{CANCELLED_NOTE}\n\n{event.summary}"
    elif previous is not None:
        changes = what_changed(previous, event)
        head = (
            "\n".join(["This appointment has changed. What is different:", *changes])
            if changes
            else "This appointment has changed. Here it is as it stands now."
        )
        text = f"{head}\n\n{event.description}"
    else:
        text = event.description
    return f"{greeting}\n\n{text}\n\nThe calendar invitation is attached.\n"


def build_message(
    event: EventContent,
    ics: bytes,
    *,
    uid: str,
    sequence: int,
    method: Method,
    dtstamp: dt.datetime,
    sender: Sender,
    previous: EventContent | None = None,
) -> EmailMessage:
    """multipart/mixed[ multipart/alternative[text/plain, text/calendar], invite.ics ].

    `previous` is the event this one updates: the text then says what changed.
    """
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = formataddr((sender.service_name, sender.mail_from))
    msg["To"] = formataddr((event.name, event.email))
    msg["Subject"] = subject_for(event, method, sequence)
    msg["Date"] = format_datetime(dtstamp.astimezone(dt.UTC))
    msg["Message-ID"] = message_id(message_key(uid, sequence, method, event.email), sender)
    msg["MIME-Version"] = "1.0"
    name = outbox_name(event, sequence, method)
    if name:
        msg[OUTBOX_NAME_HEADER] = name

    alternative = MIMEPart(policy=policy.SMTP)
    alternative.set_content(body_for(event, method, previous), subtype="plain", charset="utf-8")
    # base64 keeps the calendar's CRLF line endings and folding byte-exact in transit.
    alternative.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        cte="base64",
        params={"method": method, "charset": "UTF-8"},
    )
    msg.make_mixed()
    msg.attach(alternative)  # type: ignore[arg-type]  # a MIMEPart is what belongs here
    msg.add_attachment(
        ics,
        maintype="application",
        subtype="ics",
        filename="invite.ics",
        params={"name": "invite.ics"},
    )
    return msg


def to_text(msg: EmailMessage) -> str:
    return msg.as_string(policy=policy.SMTP)


class OutgoingMessage(EmailMessage):
    """A stored message as it is handed over; `outbox_name` is for the outbox folder only."""

    outbox_name: str | None = None


def from_text(text: str) -> EmailMessage:
    """The stored message as it goes out: the outbox-name header moved off the message."""
    parsed = message_from_string(text, _class=OutgoingMessage, policy=policy.SMTP)
    assert isinstance(parsed, OutgoingMessage)
    parsed.outbox_name = take_outbox_name(parsed)
    return parsed


def take_outbox_name(message: EmailMessage) -> str | None:
    """Remove the outbox-name header from `message`; its value (None if there was none)."""
    value = message.get(OUTBOX_NAME_HEADER)
    del message[OUTBOX_NAME_HEADER]
    return str(value) if value else None
