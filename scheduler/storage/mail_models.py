"""Tables of the invites feature: what each recipient was last told, and the outbox.

``invite_state`` is the memory that makes updates and cancellations possible: one row
per (case, recipient kind, recipient id) with the stored UID, the last SEQUENCE and a
fingerprint of what the recipient's calendar holds. ``event`` keeps the recipient-safe
content last sent, so a cancellation can name the right event even after the case or
the person has left the problem.

``outbox`` holds every message ever queued, as the full RFC 5322 text. The unique
(uid, sequence, method, recipient_email) is what makes queuing exactly-once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from scheduler.storage.base import Base

ID = String(64)


class InviteState(Base):
    __tablename__ = "invite_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ID, index=True)
    recipient_kind: Mapped[str] = mapped_column(String(20))
    recipient_id: Mapped[str] = mapped_column(ID)
    uid: Mapped[str] = mapped_column(String(200), unique=True)
    sequence: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(10))
    fingerprint: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean)
    email: Mapped[str] = mapped_column(String(320))
    event: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("case_id", "recipient_kind", "recipient_id"),
        CheckConstraint("recipient_kind IN ('facilitator', 'party')", name="recipient_kind"),
        CheckConstraint("method IN ('REQUEST', 'CANCEL')", name="method"),
        CheckConstraint("sequence >= 0", name="sequence"),
    )


class OutboxMessage(Base):
    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    uid: Mapped[str] = mapped_column(String(200), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    method: Mapped[str] = mapped_column(String(10))
    recipient_email: Mapped[str] = mapped_column(String(320))
    recipient_kind: Mapped[str] = mapped_column(String(20))
    recipient_id: Mapped[str] = mapped_column(ID)
    case_id: Mapped[str] = mapped_column(ID, index=True)
    message_key: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # A sender holds a message until this time, so two senders never send it together.
    claimed_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Set on a permanent (5xx) refusal: the message is no longer due, a person must look.
    failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("uid", "sequence", "method", "recipient_email"),
        CheckConstraint("method IN ('REQUEST', 'CANCEL')", name="method"),
        Index("ix_outbox_unsent_due", "sent_at", "due_at"),
    )


MAIL_TABLES = ("invite_state", "outbox")
