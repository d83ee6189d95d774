"""The audit trail: who did what to which record, and when (UTC).

Append-only by construction: this module is the only writer and has no update or
delete path. Details hold ids and counts, never names, emails or addresses.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.storage.web_models import AuditRow

ACTIONS = frozenset(
    {
        "login", "login_failed", "logout", "view_case", "import", "confirm", "pin", "unpin",
        "send", "place", "erase_case", "erase_party", "feed_token_created", "feed_token_revoked",
        "job_started", "export", "user_added", "password_reset",
        "confirm_rejected", "job_cancelled", "user_disabled", "user_enabled",
    }
)  # fmt: skip


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    now: dt.datetime,
    target: str | None = None,
    details: dict[str, Any] | None = None,
    client: str | None = None,
) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditRow(at=now, actor=actor, action=action, target=target, details=details, client=client)
    )


def entries(
    session: Session, *, limit: int = 200, before_id: int | None = None, action: str | None = None
) -> list[AuditRow]:
    """Newest first; page with `before_id`."""
    query = select(AuditRow).order_by(AuditRow.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(AuditRow.id < before_id)
    if action:
        query = query.where(AuditRow.action == action)
    return list(session.scalars(query))
