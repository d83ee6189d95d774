"""Small helpers the routers share: the problem and plan in force, errors as HTTP answers."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from pydantic import ValidationError
from sqlalchemy.orm import Session

from scheduler.domain import Plan, Problem
from scheduler.formats import DocumentError, parse_untrusted_json
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


def json_body(raw: bytes) -> Any:
    """A request's JSON body read as untrusted (depth, size, duplicates); else a 422."""
    try:
        return parse_untrusted_json(raw)
    except DocumentError as exc:
        raise HTTPException(
            422, [{"path": i.path, "reason": i.reason} for i in exc.issues]
        ) from None


async def request_json(request: Request) -> Any:
    """The request's JSON body through `json_body`; an empty body is `{}`."""
    raw = await request.body()
    return json_body(raw) if raw.strip() else {}


def is_json(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith("application/json")


def validation_detail(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors as the API's problems: where, and what is wrong (the value cut short)."""
    return [
        {"path": ".".join(str(p) for p in e["loc"]) or "body", "reason": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False, include_context=False)
    ]
