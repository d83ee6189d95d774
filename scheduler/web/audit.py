"""The audit trail, for coordinators (read only: there is no way to change it here)."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from scheduler.web.deps import Page, Read
from scheduler.web.schemas import AuditEntry
from scheduler.web.templating import render
from scheduler.web_services import audit

router = APIRouter()


def _out(row) -> AuditEntry:  # type: ignore[no-untyped-def]
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=__import__("datetime").UTC)
    return AuditEntry(
        id=row.id,
        at=at.isoformat(),
        actor=row.actor,
        action=row.action,
        target=row.target,
        details=row.details,
    )


@router.get("/api/audit", response_model=list[AuditEntry], tags=["audit"])
def list_audit(
    ctx: Read, limit: int = 200, before_id: int | None = None, action: str | None = None
) -> list[AuditEntry]:
    """Newest first; page with `before_id`."""
    rows = audit.entries(
        ctx.session, limit=max(1, min(limit, 1000)), before_id=before_id, action=action
    )
    return [_out(r) for r in rows]


@router.get("/audit", include_in_schema=False)
def audit_page(ctx: Page, before_id: int | None = None, action: str | None = None) -> Response:
    entries = [
        _out(r) for r in audit.entries(ctx.session, limit=100, before_id=before_id, action=action)
    ]
    return render(
        ctx.request, "audit.html", entries=entries, action=action, actions=sorted(audit.ACTIONS)
    )
