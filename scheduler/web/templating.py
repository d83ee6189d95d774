"""Jinja2 templates, with what every page needs (user, CSRF token) filled in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from scheduler.wording import humanise, reason_words

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
templates.env.globals["reason_words"] = reason_words
templates.env.globals["humanise"] = humanise
# How each plan came about, in words (plans.kind).
templates.env.globals["made_by"] = {
    "allocate": "an allocation",
    "replan": "a re-plan (keeping the confirmed meetings)",
    "place": "placing one case by hand",
    "import": "an import",
    "solve": "rjsched solve",
    "erasure": "an erasure",
}


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    user = getattr(request.state, "user", None)
    context.setdefault("user", user)
    context.setdefault("csrf_token", user.csrf_token if user else "")
    context.setdefault("service_name", request.app.state.settings.service_name)
    return templates.TemplateResponse(request, name, context, status_code=status_code)
