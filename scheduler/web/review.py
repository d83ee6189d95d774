"""A plan's own pages: the draft page, confirming knowingly, the whole-plan timeline.

The work is `scheduler.plan_review` (what a plan changes and sends, and the confirm
that needs an acknowledgement of moved or dropped confirmed meetings) and
`scheduler.plan_timeline` (the picture); these handlers only read the request and
render. The API's confirm (`web.plans`) goes through `confirm_knowingly` too.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from scheduler.domain import Meeting, PlanSession
from scheduler.invites.confirm_check import PlanRejected, audit_rejection
from scheduler.invites.content import Sender
from scheduler.plan_review import (
    ACTION_WORDS,
    ACTIONS,
    CHANGE_KINDS,
    CHANGE_WORDS,
    ChangesNotAcknowledged,
    Confirmed,
    Review,
    confirm_reviewed,
    review,
    shown_status,
)
from scheduler.plan_timeline import By, build_timeline, render_timeline
from scheduler.storage.plans import (
    PlanNotFoundError,
    confirmed_meetings,
    confirmed_sessions,
    plan_document,
)
from scheduler.storage.problems import NoProblemError
from scheduler.web.deps import Ctx, Page, Read, Write, client_of
from scheduler.web.params import RowId
from scheduler.web.templating import render

router = APIRouter()


def _review(ctx: Ctx, plan_id: int) -> Review:
    try:
        return review(ctx.session, plan_id, Sender.from_settings(ctx.request.app.state.settings))
    except (PlanNotFoundError, NoProblemError) as exc:
        raise HTTPException(404, str(exc)) from None


def confirm_knowingly(ctx: Ctx, plan_id: int, acknowledged: str | None) -> Confirmed:
    """Confirm through `plan_review.confirm_reviewed`, audited; a refusal is audited too.

    Raises `PlanRejected` (its audit row committed) or `ChangesNotAcknowledged` (nothing
    written), or a 404 for an unknown plan or no problem.
    """
    sender = Sender.from_settings(ctx.request.app.state.settings)
    try:
        done = confirm_reviewed(
            ctx.session, plan_id, now=ctx.now, sender=sender, acknowledged=acknowledged or None
        )
    except (PlanNotFoundError, NoProblemError) as exc:
        raise HTTPException(404, str(exc)) from None
    except PlanRejected as exc:  # nothing was written; the refusal itself is audited
        audit_rejection(
            ctx.session, exc, actor=ctx.actor, now=ctx.now, client=client_of(ctx.request)
        )
        ctx.session.commit()
        raise
    ctx.audit("confirm", f"plan:{plan_id}", **done.audit_details())
    return done


@router.get("/api/plans/{plan_id}/changes", response_model=dict[str, Any], tags=["plans"])
def plan_changes(plan_id: RowId, ctx: Read) -> Any:
    """What the plan changes against the confirmed plan and what confirming it would send.

    `needs_acknowledgement` lists the confirmed meetings it moves or drops; to confirm
    such a plan, send `{"acknowledge": <acknowledgement>}` to `POST /api/plans/{id}/confirm`.
    """
    return _review(ctx, plan_id).to_json()


def _context(r: Review) -> dict[str, Any]:
    return {
        "r": r, "change_kinds": CHANGE_KINDS, "change_words": CHANGE_WORDS,
        "actions": ACTIONS, "action_words": ACTION_WORDS,
    }  # fmt: skip


@router.get("/plans/{plan_id}", include_in_schema=False)
def plan_page(plan_id: RowId, ctx: Page) -> Response:
    r = _review(ctx, plan_id)
    return render(ctx.request, "plan.html", **_context(r))


@router.get("/plans/{plan_id}/confirm", include_in_schema=False)
def confirm_page(plan_id: RowId, ctx: Page) -> Response:
    r = _review(ctx, plan_id)
    return render(ctx.request, "plan_confirm.html", **_context(r), error=None, violations=[])


@router.post("/plans/{plan_id}/confirm", include_in_schema=False)
async def confirm_form(plan_id: RowId, request: Request, ctx: Write) -> Response:
    """The confirm page's form: the acknowledgement is a field the server checks."""
    form = await request.form()
    acknowledged = str(form.get("acknowledge") or "")
    try:
        confirm_knowingly(ctx, plan_id, acknowledged)
    except PlanRejected as exc:
        r = _review(ctx, plan_id)
        return render(
            request, "plan_confirm.html", status_code=409, **_context(r), error=str(exc),
            violations=[str(v) for v in exc.violations],
        )  # fmt: skip
    except ChangesNotAcknowledged as exc:
        ctx.session.rollback()
        r = _review(ctx, plan_id)
        return render(
            request, "plan_confirm.html", status_code=409, **_context(r), error=str(exc),
            violations=[],
        )  # fmt: skip
    return RedirectResponse(f"/plans/{plan_id}?confirmed=1", status_code=303)


@router.get("/plans/{plan_id}/timeline", include_in_schema=False)
def timeline_page(plan_id: RowId, ctx: Page, by: str = "venue") -> Response:
    rows: By = "facilitator" if by == "facilitator" else "venue"
    r = _review(ctx, plan_id)
    plan = plan_document(ctx.session, plan_id)
    statuses = {m.case: shown_status(r.status, m.status) for m in plan.meetings}
    s_statuses = {s.session: shown_status(r.status, s.status) for s in plan.sessions}
    changes: dict[str, str] = {}
    s_changes: dict[str, str] = {}
    was: list[Meeting] = []
    was_sessions: list[PlanSession] = []
    if r.status != "confirmed" and r.confirmed_plan_id is not None:
        kinds = ("new", "moved", "restaffed", "adjusted")
        changes = {c.case_id: c.kind for k in kinds for c in r.changes[k]}
        s_changes = {c.session_id: c.kind for k in kinds for c in r.session_changes[k]}
        gone = {c.case_id for k in ("moved", "dropped") for c in r.changes[k]}
        was = [m for m in confirmed_meetings(ctx.session) if m.case in gone]
        gone_s = {c.session_id for k in ("moved", "dropped") for c in r.session_changes[k]}
        was_sessions = [s for s in confirmed_sessions(ctx.session) if s.session in gone_s]
    timeline = build_timeline(
        r.problem, plan, by=rows, statuses=statuses, changes=changes, was=was,
        session_statuses=s_statuses, session_changes=s_changes, was_sessions=was_sessions,
    )  # fmt: skip
    return render(
        ctx.request, "plan_timeline.html", r=r, by=rows, timeline_html=render_timeline(timeline),
    )  # fmt: skip
