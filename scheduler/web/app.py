"""The app factory: one FastAPI app per settings object (no engine at import time)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from scheduler import __version__
from scheduler.settings import Settings, get_settings
from scheduler.storage.db import make_engine, session_factory
from scheduler.web.deps import LoginRequired

HERE = Path(__file__).parent


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None, migrate: bool = True
) -> FastAPI:
    """Build the app; migrates the database to the newest schema unless told not to."""
    from scheduler.web import (
        audit,
        auth,
        cases,
        feeds,
        imports,
        jobs,
        pages,
        people,
        plans,
        review,
    )  # fmt: skip

    settings = settings or get_settings()
    engine = engine or make_engine(settings=settings)
    if migrate:
        from scheduler.storage.migrate import upgrade

        upgrade(engine)
    app = FastAPI(
        title="rj-scheduler",
        version=__version__,
        description="Scheduling and facilitator allocation for restorative-justice meetings.",
        docs_url="/api/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.clock = utc_now
    app.state.jobs = {}
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (auth, imports, people, cases, plans, review, jobs, feeds, audit, pages):
        app.include_router(module.router)

    @app.exception_handler(LoginRequired)
    async def _to_login(request: Request, _exc: LoginRequired) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    return app
