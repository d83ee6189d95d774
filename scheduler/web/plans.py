"""Plans: read, confirm (queues invites), pin and unpin meetings, send the queued invites."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import select

from scheduler.invites.confirm_check import audit_rejection
from scheduler.invites.content import Sender
from scheduler.invites.outbox import PlanRejected, confirm_plan, send_due
from scheduler.invites.transports import transport_from_settings
from scheduler.storage.models import PlanRow
from scheduler.storage.plans import PlanNotFoundError, plan_document
from scheduler.storage.problems import NoProblemError
from scheduler.web.deps import Read, ViewerRead, Write, after_form, client_of
from scheduler.web.params import Key, RowId
from scheduler.web.schemas import ConfirmResult, PinResult, PlanRejectedOut, PlanSummary, SendResult
from scheduler.web_services.plan_edits import EditError, set_pinned

router = APIRouter(tags=["plans"])


def summary(row: PlanRow) -> PlanSummary:
    return PlanSummary(
        id=row.id, status=row.status, kind=row.kind, created_at=row.created_at.isoformat(),
        scheduled=len(row.meetings), unscheduled=len(row.doc.get("unscheduled", [])),
        disruption=row.disruption, scheduled_priority=row.scheduled_priority, soft_cost=row.soft_cost,
    )  # fmt: skip


@router.get("/api/plans", response_model=list[PlanSummary])
def list_plans(
    ctx: ViewerRead, limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> list[PlanSummary]:
    rows = ctx.session.scalars(select(PlanRow).order_by(PlanRow.id.desc()).limit(limit))
    return [summary(r) for r in rows]


@router.get("/api/plans/{plan_id}", response_model=dict[str, Any])
def get_plan(plan_id: RowId, ctx: Read) -> Any:
    """The plan document (rj-plan/1)."""
    try:
        return plan_document(ctx.session, plan_id).to_doc()
    except PlanNotFoundError as exc:
        raise HTTPException(404, str(exc)) from None


@router.post(
    "/api/plans/{plan_id}/confirm",
    response_model=ConfirmResult,
    responses={409: {"model": PlanRejectedOut, "description": "the checker refused the plan"}},
)
async def confirm(plan_id: RowId, request: Request, ctx: Write) -> Any:
    """Confirm a plan (the one confirmed before is superseded) and queue its invites."""
    sender = Sender.from_settings(request.app.state.settings)
    try:
        queued = confirm_plan(ctx.session, plan_id=plan_id, now=ctx.now, sender=sender)
    except (PlanNotFoundError, NoProblemError) as exc:
        raise HTTPException(404, str(exc)) from None
    except PlanRejected as exc:  # nothing was written; the refusal itself is audited
        audit_rejection(
            ctx.session, exc, actor=ctx.actor, now=ctx.now, client=client_of(ctx.request)
        )
        ctx.session.commit()
        raise HTTPException(409, exc.to_json()) from None
    ctx.audit("confirm", f"plan:{plan_id}", queued=queued.queued)
    return await after_form(
        request, ConfirmResult(plan_id=plan_id, status="confirmed", queued=queued.queued)
    )


async def _pin(plan_id: int, case_id: str, request: Request, ctx: Any, pinned: bool) -> Any:
    try:
        row = set_pinned(ctx.session, plan_id=plan_id, case_id=case_id, pinned=pinned)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    except EditError as exc:
        raise HTTPException(409, str(exc)) from None
    ctx.audit("pin" if pinned else "unpin", f"case:{case_id}", plan_id=row.id)
    return await after_form(
        request, PinResult(plan_id=row.id, case=case_id, status="pinned" if pinned else "confirmed")
    )


@router.post("/api/plans/{plan_id}/meetings/{case_id}/pin", response_model=PinResult)
async def pin(plan_id: RowId, case_id: Key, request: Request, ctx: Write) -> Any:
    """Pin a confirmed meeting: the next re-plan must keep it exactly."""
    return await _pin(plan_id, case_id, request, ctx, True)


@router.post("/api/plans/{plan_id}/meetings/{case_id}/unpin", response_model=PinResult)
async def unpin(plan_id: RowId, case_id: Key, request: Request, ctx: Write) -> Any:
    return await _pin(plan_id, case_id, request, ctx, False)


@router.post("/api/send", response_model=SendResult)
async def send(request: Request, ctx: Write) -> Any:
    """Send every queued invite now (SMTP if configured, else the outbox folder)."""
    # The sends use their own short transactions; commit ours first so they see it.
    ctx.session.commit()
    transport = transport_from_settings(request.app.state.settings)
    result = send_due(request.app.state.sessions, transport, now=ctx.now)
    ctx.audit("send", "outbox", sent=result.sent, failed=result.failed)
    return await after_form(request, SendResult(sent=result.sent, failed=result.failed))
