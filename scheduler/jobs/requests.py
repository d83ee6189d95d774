"""Plan requests: a queued allocation's row, its progress and its outcome.

A web page or the CLI creates a request, the `allocate` task works on it, and the page
polls its ``status`` and ``progress``. Every update is its own short transaction so the
page sees progress while a solve runs; progress only moves forward.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, func, update
from sqlalchemy.orm import Session

from scheduler.storage.db import transaction
from scheduler.storage.models import PlanRequest

KINDS = ("allocate", "replan")
ACTIVE = ("queued", "running")  # a job still under way (the dashboard lists these)


class RequestNotFoundError(LookupError):
    def __init__(self, request_id: int) -> None:
        self.request_id = request_id
        super().__init__(f"there is no plan request {request_id}")


def create_request(
    engine: Engine,
    *,
    kind: str = "allocate",
    params: dict[str, Any] | None = None,
    now: dt.datetime,
) -> int:
    """A new 'queued' request; returns its id (queue the task after this has committed)."""
    if kind not in KINDS:
        raise ValueError(f"plan request kind must be one of {', '.join(KINDS)}, not {kind!r}")
    with transaction(engine) as session:
        row = PlanRequest(
            kind=kind, status="queued", progress=0, params=params or {}, created_at=now
        )
        session.add(row)
        session.flush()
        return row.id


def get_request(engine: Engine, request_id: int) -> PlanRequest:
    with transaction(engine) as session:
        row = session.get(PlanRequest, request_id)
        if row is None:
            raise RequestNotFoundError(request_id)
        session.expunge(row)
        return row


def mark_running(engine: Engine, request_id: int, *, now: dt.datetime, message: str) -> PlanRequest:
    """Start (or, after a lost worker, restart) a request; returns the row as it now is."""
    with transaction(engine) as session:
        row = session.get(PlanRequest, request_id)
        if row is None:
            raise RequestNotFoundError(request_id)
        if row.status in ("queued", "running", "failed"):
            row.status = "running"
            row.started_at = row.started_at or now
            row.message = message
            row.error = None
        session.flush()
        session.expunge(row)
        return row


def set_progress(
    engine: Engine, request_id: int, progress: int, message: str | None = None
) -> None:
    """Raise the progress to `progress` (never lower it: part tasks report in any order)."""
    progress = max(0, min(100, progress))
    values: dict[str, Any] = {"progress": func.max(PlanRequest.progress, progress)}
    if engine.dialect.name != "sqlite":
        values["progress"] = func.greatest(PlanRequest.progress, progress)
    if message is not None:
        values["message"] = message
    with transaction(engine) as session:
        session.execute(
            update(PlanRequest)
            .where(PlanRequest.id == request_id, PlanRequest.status == "running")
            .values(**values)
        )


def add_progress(engine: Engine, request_id: int, step: int, ceiling: int) -> None:
    """Add `step` to the progress in one statement (parallel parts race), up to `ceiling`."""
    raised = PlanRequest.progress + step
    capped = (
        func.min(raised, ceiling)
        if engine.dialect.name == "sqlite"
        else func.least(raised, ceiling)
    )
    with transaction(engine) as session:
        session.execute(
            update(PlanRequest)
            .where(PlanRequest.id == request_id, PlanRequest.status == "running")
            .values(progress=capped)
        )


def save_floor(engine: Engine, request_id: int, floor: list[dict[str, Any]] | None) -> None:
    """Keep the greedy plan's meetings (ids and times) with the request, for its merge.

    Stored under `params["floor"]`: the merge may run in another worker process, and the
    greedy plan takes ~20 s to rebuild on national size.
    """
    with transaction(engine) as session:
        row = session.get(PlanRequest, request_id)
        if row is None:
            raise RequestNotFoundError(request_id)
        row.params = {**(row.params or {}), "floor": floor}


def floor(row: PlanRequest) -> list[dict[str, Any]] | None:
    return (row.params or {}).get("floor")


def finish(
    engine: Engine, request_id: int, *, plan_id: int, now: dt.datetime, message: str
) -> None:
    """Close the request with its plan (unless it was cancelled meanwhile: it stays so)."""
    with transaction(engine) as session:
        row = session.get(PlanRequest, request_id)
        if row is None:
            raise RequestNotFoundError(request_id)
        if row.status == "cancelled":
            return
        row.status, row.progress, row.plan_id = "done", 100, plan_id
        row.message, row.error, row.finished_at = message, None, now


def fail(engine: Engine, request_id: int, *, error: str, now: dt.datetime) -> None:
    """Record a failure, unless the request already finished (a late duplicate failing)."""
    with transaction(engine) as session:
        row = session.get(PlanRequest, request_id)
        if row is None or row.status in ("done", "cancelled"):
            return
        row.status, row.error, row.finished_at = "failed", error[:2000], now


class NotCancellable(ValueError):
    """The job has finished already (done, failed or cancelled)."""


def cancel(session: Session, request_id: int, *, now: dt.datetime, by: str) -> PlanRequest:
    """Cancel a queued or running job in `session` (the caller commits).

    The job stops at its next step (between parts, before saving) and saves no draft;
    a solver part already running finishes its share of the time limit first, and its
    result is thrown away. A job whose process is gone (a restarted web server) is
    simply closed, which is how a coordinator clears one that will never finish.
    """
    row = session.get(PlanRequest, request_id)
    if row is None:
        raise RequestNotFoundError(request_id)
    if row.status not in ACTIVE:
        raise NotCancellable(f"job {request_id} is {row.status} already: nothing to cancel")
    row.status, row.finished_at = "cancelled", now
    row.message = f"cancelled by {by} at {row.progress}%"
    session.flush()
    return row


def is_cancelled(engine: Engine, request_id: int) -> bool:
    with transaction(engine) as session:
        row = session.get(PlanRequest, request_id)
        return row is not None and row.status == "cancelled"
