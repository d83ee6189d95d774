"""The audit trail, for coordinators (read only: there is no way to change it here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import Response

from scheduler.web.deps import Page, Read
from scheduler.web.params import OptionalRowId
from scheduler.web.schemas import AuditEntry
from scheduler.web.templating import render
from scheduler.web_services import audit

router = APIRouter()
Action = Annotated[str | None, Query(max_length=40)]


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
    ctx: Read,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    before_id: OptionalRowId = None,
    action: Action = None,
) -> list[AuditEntry]:
    """Newest first; page with `before_id`."""
    rows = audit.entries(ctx.session, limit=limit, before_id=before_id, action=action)
    return [_out(r) for r in rows]


@router.get("/audit", include_in_schema=False)
def audit_page(ctx: Page, before_id: OptionalRowId = None, action: Action = None) -> Response:
    entries = [
        _out(r) for r in audit.entries(ctx.session, limit=100, before_id=before_id, action=action)
    ]
    return render(
        ctx.request, "audit.html", entries=entries, action=action, actions=sorted(audit.ACTIONS)
    )
