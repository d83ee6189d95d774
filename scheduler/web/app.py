"""The app factory: one FastAPI app per settings object (no engine at import time)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from scheduler import __version__
from scheduler.settings import Settings, get_settings
from scheduler.storage.db import make_engine, session_factory
from scheduler.web.deps import Forbidden, LoginRequired
from scheduler.web.security import SecurityHeaders

HERE = Path(__file__).parent


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, migrate: bool = True
) -> FastAPI:
    """Build the app; migrates the database to the newest schema unless told not to."""
    from scheduler.web import (
        accounts,
        audit,
        auth,
        cases,
        feeds,
        imports,
        jobs,
        mine,
        pages,
        people,
        plans,
        review,
    )

    settings = settings or get_settings()
    engine = engine or make_engine(settings=settings)
    if migrate:
        from scheduler.storage.migrate import upgrade

        upgrade(engine)
    app = FastAPI(
        title="rj-scheduler",
        version=__version__,
        description="Scheduling and facilitator allocation for restorative-justice meetings.",
        docs_url=None,  # off by default; see `_api_docs`
        redoc_url=None,
    )
    app.add_middleware(SecurityHeaders, max_body_bytes=settings.max_body_bytes)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.clock = utc_now
    app.state.jobs = {}
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (
        auth,
        imports,
        people,
        cases,
        plans,
        review,
        jobs,
        feeds,
        audit,
        mine,
        accounts,
        pages,
    ):
        app.include_router(module.router)
    if settings.api_docs:
        _api_docs(app)

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, _exc: LoginRequired) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, _exc: Forbidden) -> HTMLResponse:
        from scheduler.web.templating import render

        return render(request, "forbidden.html", status_code=403)  # type: ignore[return-value]

    return app


def _api_docs(app: FastAPI) -> None:
    """The API described on one local page (no CDN script): every operation, from the schema."""
    from scheduler.web.templating import render

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return render(request, "api_docs.html", schema=app.openapi())  # type: ignore[return-value]
