"""Plans: read, confirm (queues invites), pin and unpin meetings, send the queued invites."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy import select

from scheduler.invites.outbox import PlanRejected, send_due
from scheduler.invites.transports import transport_from_settings
from scheduler.plan_review import ChangesNotAcknowledged
from scheduler.storage.models import PlanRow
from scheduler.storage.plans import PlanNotFoundError, plan_document
from scheduler.web.common import is_json, request_json
from scheduler.web.deps import Read, ViewerRead, Write, after_form
from scheduler.web.params import Key, RowId
from scheduler.web.review import confirm_knowingly
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
    responses={
        409: {
            "model": PlanRejectedOut,
            "description": "the checker refused the plan, or it moves or drops confirmed "
            "meetings and the acknowledgement is missing or out of date",
        }
    },
)
async def confirm(plan_id: RowId, request: Request, ctx: Write) -> Any:
    """Confirm a plan (the one confirmed before is superseded) and queue its invites.

    A plan that moves or drops confirmed meetings needs `{"acknowledge": token}` (the
    `acknowledgement` of `GET /api/plans/{id}/changes`); without it nothing is written.
    """
    acknowledged: Any = None
    if is_json(request):
        body = await request_json(request)
        acknowledged = body.get("acknowledge") if isinstance(body, dict) else None
    elif request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        acknowledged = (await request.form()).get("acknowledge")
    if acknowledged is not None and not isinstance(acknowledged, str):
        raise HTTPException(
            422, "acknowledge must be the acknowledgement text of the plan's changes"
        )
    try:
        done = confirm_knowingly(ctx, plan_id, acknowledged)
    except PlanRejected as exc:  # audited by confirm_knowingly
        raise HTTPException(409, exc.to_json()) from None
    except ChangesNotAcknowledged as exc:
        raise HTTPException(409, exc.to_json()) from None
    return await after_form(
        request,
        ConfirmResult(
            plan_id=plan_id, status="confirmed", queued=done.queued.queued,
            acknowledged=done.acknowledged,
        ),
    )  # fmt: skip


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
