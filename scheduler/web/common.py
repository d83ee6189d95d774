"""Small helpers the routers share: the problem and plan in force, errors as HTTP answers."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from scheduler.domain import Plan, Problem
from scheduler.storage.models import PlanRow
from scheduler.storage.problems import NoProblemError
from scheduler.web.deps import Ctx
from scheduler.web_services.plan_edits import base_plan
from scheduler.web_services.views import as_shown


def problem_and_plan(ctx: Ctx) -> tuple[Problem, Plan | None, int | None]:
    """The problem and the plan in force, its meetings' statuses as people should read them."""
    try:
        return shown_plan(ctx.session)
    except NoProblemError as exc:
        raise HTTPException(404, str(exc)) from None


def shown_plan(session: Session) -> tuple[Problem, Plan | None, int | None]:
    problem, plan, plan_id = base_plan(session)
    row = session.get(PlanRow, plan_id) if plan_id is not None else None
    if plan is not None and row is not None:
        plan = as_shown(plan, row.status)
    return problem, plan, plan_id


def not_found(what: str) -> HTTPException:
    return HTTPException(404, f"there is no {what}")


async def json_body(request: Request, what: str = "request body") -> Any:
    """The request's JSON body through the one untrusted-JSON loader (400 if it is bad)."""
    from scheduler.formats.errors import DocumentError
    from scheduler.formats.untrusted_json import parse_untrusted_json

    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return parse_untrusted_json(raw, what, max_bytes=64 * 1024)
    except DocumentError as exc:
        raise HTTPException(400, str(exc)) from None


def is_json(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("application/json")
