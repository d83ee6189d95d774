"""Small helpers the routers share: the problem and plan in force, errors as HTTP answers."""

from __future__ import annotations

from fastapi import HTTPException

from scheduler.domain import Plan, Problem
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
