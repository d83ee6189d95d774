"""The dashboard and the import page."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select
from starlette.responses import RedirectResponse, Response

from scheduler.storage.mail_models import OutboxMessage
from scheduler.storage.models import PlanRow
from scheduler.storage.plans import latest_plan
from scheduler.storage.problems import has_problem
from scheduler.web.common import shown_plan
from scheduler.web.deps import Page, SignedInPage
from scheduler.web.jobs import active_jobs, job_out
from scheduler.web.plans import summary
from scheduler.web.templating import render
from scheduler.web_services.views import case_states

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(ctx: SignedInPage) -> Response:
    """Staff get the dashboard, viewers the overview (no personal data), facilitators /me."""
    if ctx.user.role == "facilitator":
        return RedirectResponse("/me", status_code=303)
    if ctx.user.role == "viewer":
        return _overview(ctx)
    if not has_problem(ctx.session):
        return render(
            ctx.request, "dashboard.html", problem=None, groups={}, plans=[], plan_id=None, queued=0,
            jobs=[],
        )  # fmt: skip
    problem, plan, plan_id = shown_plan(ctx.session)
    states = case_states(problem, plan)
    groups: dict[str, list] = {"unscheduled": [], "scheduled": [], "open": []}
    for case in problem.cases:
        groups[states[case.id].state].append((case, states[case.id]))
    groups["scheduled"].sort(key=lambda cs: cs[1].start)  # type: ignore[arg-type,return-value]
    plans = [
        summary(r)
        for r in ctx.session.scalars(select(PlanRow).order_by(PlanRow.id.desc()).limit(5))
    ]
    queued = ctx.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None))
    )
    confirmed = latest_plan(ctx.session, "confirmed")
    return render(
        ctx.request, "dashboard.html", problem=problem, groups=groups, plans=plans, plan_id=plan_id, queued=queued or 0,
        default_limit=ctx.request.app.state.settings.solver_time_limit_seconds,
        confirmed_id=confirmed.id if confirmed else None, jobs=[job_out(r) for r in active_jobs(ctx.session)],
        drafts=[p for p in plans if p.status == "draft"],
    )  # fmt: skip


def _overview(ctx: Page) -> Response:
    """Counts, plan statuses, and when and where meetings are, by venue and facilitator name.

    No case reference, party, address or coordinate: a viewer sees how the service is
    doing, not whom it is working with.
    """
    if not has_problem(ctx.session):
        return render(ctx.request, "overview.html", problem=None, counts={}, plans=[], meetings=[])
    problem, plan, _ = shown_plan(ctx.session)
    states = case_states(problem, plan)
    counts = {"scheduled": 0, "unscheduled": 0, "open": 0}
    for s in states.values():
        counts[s.state] = counts.get(s.state, 0) + 1
    facilitator = problem.facilitator_by_id
    meetings = [
        {
            "start": m.start,
            "venue": problem.venue_by_id[m.venue].name if m.venue in problem.venue_by_id else "",
            "lead": facilitator[m.lead].name if m.lead in facilitator else "",
            "status": m.status,
        }
        for m in sorted(plan.meetings if plan else [], key=lambda m: m.start)
    ]
    plans = [
        summary(r)
        for r in ctx.session.scalars(select(PlanRow).order_by(PlanRow.id.desc()).limit(5))
    ]
    return render(
        ctx.request, "overview.html", problem=problem, counts=counts, plans=plans, meetings=meetings
    )


@router.get("/import")
def import_page(ctx: Page) -> Response:
    return render(ctx.request, "import.html")
