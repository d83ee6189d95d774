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


def body_for(event: EventContent, method: Method) -> str:
    greeting = f"Dear {event.name},"
    text = f"{CANCELLED_NOTE}\n\n{event.summary}" if method == "CANCEL" else event.description
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
) -> EmailMessage:
    """multipart/mixed[ multipart/alternative[text/plain, text/calendar], invite.ics ]."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = formataddr((sender.service_name, sender.mail_from))
    msg["To"] = formataddr((event.name, event.email))
    msg["Subject"] = subject_for(event, method, sequence)
    msg["Date"] = format_datetime(dtstamp.astimezone(dt.UTC))
    msg["Message-ID"] = message_id(message_key(uid, sequence, method, event.email), sender)
    msg["MIME-Version"] = "1.0"

    alternative = MIMEPart(policy=policy.SMTP)
    alternative.set_content(body_for(event, method), subtype="plain", charset="utf-8")
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


def from_text(text: str) -> EmailMessage:
    parsed = message_from_string(text, _class=EmailMessage, policy=policy.SMTP)
    assert isinstance(parsed, EmailMessage)
    return parsed
