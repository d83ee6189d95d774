"""Small helpers the routers share: the problem and plan in force, errors as HTTP answers."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException
from pydantic import ValidationError

from scheduler.domain import Plan, Problem
from scheduler.formats import DocumentError, parse_untrusted_json
from scheduler.storage.problems import NoProblemError
from scheduler.web.deps import Ctx
from scheduler.web_services.plan_edits import base_plan


def problem_and_plan(ctx: Ctx) -> tuple[Problem, Plan | None, int | None]:
    try:
        return base_plan(ctx.session)
    except NoProblemError as exc:
        raise HTTPException(404, str(exc)) from None


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


def validation_detail(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic's errors as the API's problems: where, and what is wrong (the value cut short)."""
    return [
        {"path": ".".join(str(p) for p in e["loc"]) or "body", "reason": e["msg"]}
        for e in exc.errors(include_url=False, include_input=False, include_context=False)
    ]
