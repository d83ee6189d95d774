"""Sign in and out. The login form is protected by a double-submit CSRF cookie (no session yet)."""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel
from starlette.responses import Response

from scheduler.web.deps import (
    DB,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SignedIn,
    SignedInWrite,
    client_of,
    now_of,
    peer_is_trusted_proxy,
    settings_of,
)
from scheduler.web.templating import render
from scheduler.web_services import accounts, audit

router = APIRouter()


class SessionInfo(BaseModel):
    user_id: int
    email: str
    role: str
    facilitator_id: str | None = None
    csrf_token: str


def _secure(request: Request) -> bool:
    """Secure cookies over HTTPS (or behind a trusted proxy that says so), or when settings insist."""
    proto = request.url.scheme
    if peer_is_trusted_proxy(request):
        proto = request.headers.get("x-forwarded-proto", proto)
    return settings_of(request).cookie_secure or proto == "https"


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/") and not value.startswith("//") else "/"


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str = "/") -> Response:
    return _login_form(request, next)


def _login_form(
    request: Request, next: str, error: str | None = None, status_code: int = 200
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status_code=status_code,
        login_csrf=token,
        next=_safe_next(next),
        error=error,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/login",
    )
    return response


@router.post("/login", include_in_schema=False)
def login(
    request: Request,
    session: DB,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        return _login_form(request, next, "Your form expired. Please sign in again.", 403)
    settings = settings_of(request)
    now = now_of(request)
    client = client_of(request)
    try:
        user = accounts.authenticate(
            session,
            email=email,
            password=password,
            client=client,
            now=now,
            max_failures=settings.login_max_failures,
            window=dt.timedelta(minutes=settings.login_window_minutes),
        )
    except accounts.TooManyAttempts:
        audit.record(
            session,
            actor="anonymous",
            action="login_failed",
            now=now,
            details={"why": "rate_limited"},
            client=client,
        )
        message = f"Too many failed attempts. Try again in {settings.login_window_minutes} minutes."
        return _login_form(request, next, message, 429)
    except accounts.BadCredentials:
        # The typed email is not recorded: it may be someone's mistyped password.
        audit.record(
            session,
            actor="anonymous",
            action="login_failed",
            now=now,
            details={"why": "bad_credentials"},
            client=client,
        )
        return _login_form(request, next, "Wrong email or password.", 401)
    token = accounts.start_session(session, user=user, now=now, hours=settings.session_hours)
    audit.record(session, actor=f"user:{user.id}", action="login", now=now, client=client)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        max_age=int(settings.session_hours * 3600),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout", include_in_schema=False)
async def logout(request: Request, ctx: SignedInWrite) -> Response:
    accounts.end_session(ctx.session, token=request.cookies.get(SESSION_COOKIE))
    ctx.audit("logout")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/api/session", response_model=SessionInfo, tags=["auth"])
def whoami(ctx: SignedIn) -> SessionInfo:
    """The signed-in user, their role, and the CSRF token to send as `X-CSRF-Token` on every change."""
    return SessionInfo(
        user_id=ctx.user.user_id, email=ctx.user.email, role=ctx.user.role,
        facilitator_id=ctx.user.facilitator_id, csrf_token=ctx.user.csrf_token,
    )  # fmt: skip
