"""Allocation and re-plan jobs: start one, follow its progress.

With ``jobs_backend = "thread"`` (the default, no broker needed) a job runs in a
background thread of the web process and records its progress in ``plan_requests``;
with ``"celery"`` it is queued for the workers (``workers.tasks.allocate``, or
``workers.tasks.replan_draft`` for a re-plan). A re-plan runs the same re-plan service
as ``rjsched replan`` and the nightly job, but leaves a draft for the coordinator to
review and confirm (`scheduler.jobs.replan_draft`).
"""

from __future__ import annotations

import threading
from typing import Any, Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.responses import Response

from scheduler.storage.models import PlanRequest
from scheduler.storage.problems import has_problem
from scheduler.web.common import json_body, validation_detail
from scheduler.web.deps import Page, ViewerRead, Write, after_form
from scheduler.web.params import RowId
from scheduler.web.schemas import JobOut
from scheduler.web.templating import render

router = APIRouter()


class JobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["allocate", "replan"] = "allocate"
    time_limit: float | None = Field(
        None, gt=0, le=3600, allow_inf_nan=False, description="seconds; default from the settings"
    )


def job_out(row: PlanRequest) -> JobOut:
    return JobOut(
        id=row.id, kind=row.kind, status=row.status, progress=row.progress, message=row.message,
        plan_id=row.plan_id, error=row.error,
    )  # fmt: skip


@router.post("/api/jobs", response_model=JobOut, tags=["jobs"])
async def start_job(request: Request, ctx: Write) -> Any:
    """Start an allocation (or a re-plan that keeps the confirmed meetings) as a job."""
    try:
        if request.headers.get("content-type", "").startswith("application/json"):
            body = JobIn.model_validate(json_body(await request.body()))
        else:
            form = await request.form()
            body = JobIn.model_validate(
                {
                    "kind": str(form.get("kind") or "allocate"),
                    "time_limit": str(form.get("time_limit") or "") or None,
                }
            )
    except ValidationError as exc:
        raise HTTPException(422, validation_detail(exc)) from None
    if not has_problem(ctx.session):
        raise HTTPException(409, "import a problem first")
    settings = request.app.state.settings
    params = {
        "time_limit": body.time_limit or settings.solver_time_limit_seconds,
        "workers": settings.solver_workers,
    }
    row = PlanRequest(
        kind=body.kind, status="queued", progress=0, params=params, created_at=ctx.now
    )
    ctx.session.add(row)
    ctx.session.flush()
    ctx.audit("job_started", f"job:{row.id}", kind=body.kind)
    ctx.session.commit()  # the worker must see the request
    _launch(request, row.id, body.kind)
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
    from scheduler.jobs import requests
    from scheduler.jobs.allocation import SolveOptions, run_in_process
    from scheduler.jobs.replan_draft import run_replan_request

    try:
        row = requests.get_request(engine, request_id)
        options = SolveOptions.from_params(row.params, time_limit=60.0, workers=2)
        run = run_replan_request if kind == "replan" else run_in_process
        run(engine, request_id, options=options, now=clock())
    except Exception as exc:  # the page must learn that the job failed, whatever the cause
        requests.fail(engine, request_id, error=f"{type(exc).__name__}: {exc}", now=clock())


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
