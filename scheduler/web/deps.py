"""Request plumbing shared by the routers: database unit of work, clock, the signed-in user, CSRF.

Every state-changing route depends on `csrf`: the session's token must come back in the
``X-CSRF-Token`` header (API clients, the page scripts) or a ``csrf_token`` form field
(plain HTML forms). A per-session token cannot be read by another site, so a forged
cross-site request cannot carry it.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from scheduler.settings import Settings
from scheduler.web_services import audit
from scheduler.web_services.accounts import LiveSession, live_session

SESSION_COOKIE = "rj_session"
LOGIN_CSRF_COOKIE = "rj_login_csrf"


class LoginRequired(Exception):
    """A page was asked for without a session: the handler redirects to the login page."""


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def now_of(request: Request) -> dt.datetime:
    """The current UTC time; tests may replace `app.state.clock`."""
    return request.app.state.clock()


def db(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed if the handler returns, rolled back on error.

    A handler may commit early (before work in other transactions) or roll back (to
    answer an error after partial writes); both leave the session usable.
    """
    session = request.app.state.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# Ends before the response is sent, so a client never reads ahead of the commit.
DB = Annotated[Session, Depends(db, scope="function")]


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _session(request: Request, session: Session) -> LiveSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    return live_session(session, token=token, now=now_of(request))


def api_user(request: Request, session: DB) -> LiveSession:
    user = _session(request, session)
    if user is None:
        raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Cookie"})
    request.state.user = user
    return user


def page_user(request: Request, session: DB) -> LiveSession:
    user = _session(request, session)
    if user is None:
        raise LoginRequired()
    request.state.user = user
    return user


async def csrf(request: Request, user: Annotated[LiveSession, Depends(api_user)]) -> LiveSession:
    sent = request.headers.get("x-csrf-token")
    if sent is None and _is_form(request):
        sent = str((await request.form()).get("csrf_token") or "")
    if not sent or not hmac.compare_digest(sent, user.csrf_token):
        raise HTTPException(403, "missing or wrong CSRF token (send X-CSRF-Token)")
    return user


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


@dataclass
class Ctx:
    """What a handler needs besides its arguments."""

    request: Request
    session: Session
    user: LiveSession
    now: dt.datetime

    @property
    def actor(self) -> str:
        return f"user:{self.user.user_id}"

    def audit(self, action: str, target: str | None = None, **details: Any) -> None:
        audit.record(
            self.session,
            actor=self.actor,
            action=action,
            now=self.now,
            target=target,
            details=details or None,
            client=client_of(self.request),
        )


def ctx_read(request: Request, session: DB, user: Annotated[LiveSession, Depends(api_user)]) -> Ctx:
    return Ctx(request, session, user, now_of(request))


def ctx_write(request: Request, session: DB, user: Annotated[LiveSession, Depends(csrf)]) -> Ctx:
    return Ctx(request, session, user, now_of(request))


def ctx_page(
    request: Request, session: DB, user: Annotated[LiveSession, Depends(page_user)]
) -> Ctx:
    return Ctx(request, session, user, now_of(request))


Read = Annotated[Ctx, Depends(ctx_read)]
Write = Annotated[Ctx, Depends(ctx_write)]
Page = Annotated[Ctx, Depends(ctx_page)]


async def after_form(request: Request, payload: Any) -> Any:
    """A plain HTML form gets a redirect (to its `next` field); API clients get `payload`."""
    if _is_form(request):
        target = str((await request.form()).get("next") or "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"  # never redirect off-site
        return RedirectResponse(target, status_code=303)
    return payload
