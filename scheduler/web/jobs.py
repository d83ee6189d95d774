"""Allocation and re-plan jobs: start one, follow its progress, list and cancel them.

Once a plan is confirmed the default run is a re-plan (the confirmed and pinned
meetings are the problem's ``existing``, so the draft changes as little as it can); a
fresh allocation that ignores them is asked for by name (``kind: "allocate"``) and the
dashboard warns before it. Jobs are rows (``plan_requests``), so they outlive the page:
the dashboard lists the running ones after a reload (`GET /api/jobs`), and one can be
cancelled (`POST /api/jobs/{id}/cancel`; see `jobs.requests.cancel`).

With ``jobs_backend = "thread"`` (the default, no broker needed) a job runs in a
background thread of the web process and records its progress in ``plan_requests``;
with ``"celery"`` it is queued for the workers (``workers.tasks.allocate``, or
``workers.tasks.replan_draft`` for a re-plan). A re-plan runs the same re-plan service
as ``rjsched replan`` and the nightly job, but leaves a draft for the coordinator to
review and confirm (`scheduler.jobs.replan_draft`).
"""

from __future__ import annotations

import threading
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from starlette.responses import Response

from scheduler.jobs import requests
from scheduler.storage.models import PlanRequest
from scheduler.storage.plans import latest_plan
from scheduler.storage.problems import has_problem
from scheduler.web.common import is_json, json_body, validation_detail
from scheduler.web.deps import Page, Read, ViewerRead, Write, after_form
from scheduler.web.params import RowId
from scheduler.web.schemas import JobOut
from scheduler.web.templating import render

router = APIRouter()


class JobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["allocate", "replan"] | None = Field(
        None,
        description="replan (keep the confirmed meetings) is the default once a plan is "
        "confirmed; allocate starts afresh, ignoring them",
    )
    time_limit: float | None = Field(
        None, gt=0, le=3600, allow_inf_nan=False, description="seconds; default from the settings"
    )


def job_out(row: PlanRequest) -> JobOut:
    return JobOut(
        id=row.id, kind=row.kind, status=row.status, progress=row.progress, message=row.message,
        plan_id=row.plan_id, error=row.error, fresh=bool((row.params or {}).get("fresh")),
        created_at=row.created_at.isoformat() if row.created_at else None,
    )  # fmt: skip


def default_kind(session: Any) -> str:
    """A re-plan once something is confirmed, else an allocation."""
    return "replan" if latest_plan(session, "confirmed") is not None else "allocate"


def active_jobs(session: Any) -> list[PlanRequest]:
    query = select(PlanRequest).where(PlanRequest.status.in_(requests.ACTIVE))
    return list(session.scalars(query.order_by(PlanRequest.id)))


@router.post("/api/jobs", response_model=JobOut, tags=["jobs"])
async def start_job(request: Request, ctx: Write) -> Any:
    """Start an allocation (or a re-plan that keeps the confirmed meetings) as a job."""
    try:
        if is_json(request):
            body = JobIn.model_validate(json_body(await request.body()))
        else:
            form = await request.form()
            body = JobIn.model_validate(
                {
                    "kind": str(form.get("kind") or "") or None,
                    "time_limit": str(form.get("time_limit") or "") or None,
                }
            )
    except ValidationError as exc:
        raise HTTPException(422, validation_detail(exc)) from None
    if not has_problem(ctx.session):
        raise HTTPException(409, "import a problem first")
    kind = body.kind or default_kind(ctx.session)
    confirmed = latest_plan(ctx.session, "confirmed")
    fresh = kind == "allocate" and confirmed is not None
    settings = request.app.state.settings
    params: dict[str, Any] = {
        "time_limit": body.time_limit or settings.solver_time_limit_seconds,
        "workers": settings.solver_workers,
    }
    if fresh:
        params["fresh"] = True  # ignores the confirmed plan: said on the job and the draft
    row = PlanRequest(kind=kind, status="queued", progress=0, params=params, created_at=ctx.now)
    if fresh:
        row.message = (
            f"fresh allocation: ignores confirmed plan {confirmed.id}; confirming its draft "  # type: ignore[union-attr]
            "may move or cancel meetings people already have"
        )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("job_started", f"job:{row.id}", kind=kind, fresh=fresh)
    ctx.session.commit()  # the worker must see the request
    _launch(request, row.id, kind)
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        from fastapi.responses import RedirectResponse

        return RedirectResponse(f"/jobs/{row.id}", status_code=303)
    return await after_form(request, job_out(row))


def _launch(request: Request, request_id: int, kind: str) -> None:
    app = request.app
    if app.state.settings.jobs_backend == "celery":
        from workers import tasks  # type: ignore[attr-defined]

        task = tasks.replan_draft if kind == "replan" else tasks.allocate
        task.delay(request_id)
        return
    thread = threading.Thread(
        target=_run,
        args=(app.state.engine, request_id, kind, app.state.clock),
        name=f"job-{request_id}",
        daemon=True,
    )
    app.state.jobs[request_id] = thread
    thread.start()


def _run(engine: Any, request_id: int, kind: str, clock: Any) -> None:
    """The job body in the thread backend: the jobs package does the work and the bookkeeping."""
    from scheduler.jobs.allocation import SolveOptions, run_in_process
    from scheduler.jobs.replan_draft import run_replan_request

    try:
        row = requests.get_request(engine, request_id)
        options = SolveOptions.from_params(row.params, time_limit=60.0, workers=2)
        run = run_replan_request if kind == "replan" else run_in_process
        run(engine, request_id, options=options, now=clock())
    except Exception as exc:  # the page must learn that the job failed, whatever the cause
        requests.fail(engine, request_id, error=f"{type(exc).__name__}: {exc}", now=clock())


@router.get("/api/jobs", response_model=list[JobOut], tags=["jobs"])
def list_jobs(ctx: Read, recent: Annotated[int, Query(ge=0, le=50)] = 0) -> list[JobOut]:
    """The jobs still queued or running, oldest first, then the `recent` last finished ones."""
    out = [job_out(r) for r in active_jobs(ctx.session)]
    if recent > 0:
        done = select(PlanRequest).where(PlanRequest.status.not_in(requests.ACTIVE))
        rows = ctx.session.scalars(done.order_by(PlanRequest.id.desc()).limit(min(recent, 50)))
        out += [job_out(r) for r in rows]
    return out


@router.post(
    "/api/jobs/{job_id}/cancel",
    response_model=JobOut,
    responses={409: {"description": "the job has finished already"}},
    tags=["jobs"],
)
async def cancel_job(job_id: RowId, request: Request, ctx: Write) -> Any:
    """Cancel a queued or running job: it stops at its next step and saves no draft."""
    try:
        row = requests.cancel(ctx.session, job_id, now=ctx.now, by="a coordinator")
    except requests.RequestNotFoundError:
        raise HTTPException(404, f"there is no job {job_id}") from None
    except requests.NotCancellable as exc:
        raise HTTPException(409, str(exc)) from None
    ctx.audit("job_cancelled", f"job:{job_id}", kind=row.kind, progress=row.progress)
    return await after_form(request, job_out(row))


@router.get("/api/jobs/{job_id}", response_model=JobOut, tags=["jobs"])
def get_job(job_id: RowId, ctx: ViewerRead) -> JobOut:
    row = ctx.session.get(PlanRequest, job_id)
    if row is None:
        raise HTTPException(404, f"there is no job {job_id}")
    return job_out(row)


@router.get("/jobs/{job_id}", include_in_schema=False)
def job_page(job_id: RowId, ctx: Page) -> Response:
    row = ctx.session.get(PlanRequest, job_id)
    if row is None:
        raise HTTPException(404, f"there is no job {job_id}")
    return render(ctx.request, "job.html", job=job_out(row))
