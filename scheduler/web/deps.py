"""Request plumbing shared by the routers: database unit of work, clock, the signed-in user, CSRF.

Every route names what it needs by one of the dependency types at the bottom, and each
checks the role (`scheduler.web_services.accounts.ROLES`):

- `Read`, `Write`, `Page`: staff doing coordinator work (coordinator, admin) - cases with
  their parties, plans, imports, exports, sends, the audit trail.
- `ViewerRead`, `ViewerPage`: also viewers - counts, statuses, names of venues and
  facilitators, never a party's personal data.
- `FacilitatorRead`, `FacilitatorWrite`, `FacilitatorPage`: a facilitator's own meetings and feed.
- `AdminRead`, `AdminWrite`, `AdminPage`: accounts.
- `SignedIn`, `SignedInWrite`, `SignedInPage`: any role (who am I, sign out).

A signed-in user without the role gets 403 (API) or a 403 page; nobody signed in gets
401 (API) or the login page.

Every state-changing route depends on `csrf`: the session's token must come back in the
``X-CSRF-Token`` header (API clients, the page scripts) or a ``csrf_token`` form field
(plain HTML forms). A per-session token cannot be read by another site, so a forged
cross-site request cannot carry it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
from collections.abc import Callable, Iterator
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


class Forbidden(Exception):
    """A signed-in user asked for a page their role does not see: a 403 page."""


STAFF = frozenset({"admin", "coordinator"})
VIEWERS = STAFF | {"viewer"}
FACILITATORS = frozenset({"facilitator"})
ADMINS = frozenset({"admin"})
EVERYONE = VIEWERS | FACILITATORS


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


def _trusted(settings: Settings) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network | str]:
    out: list[ipaddress.IPv4Network | ipaddress.IPv6Network | str] = []
    for item in settings.trusted_proxies.split(","):
        item = item.strip()
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            out.append(item)  # a name, as a test client or a unix socket peer has
    return out


def _is_trusted(host: str, trusted: list[Any]) -> bool:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host in trusted
    return any(not isinstance(t, str) and address in t for t in trusted)


def peer_is_trusted_proxy(request: Request) -> bool:
    """Whether the direct peer is one of `RJSCHED_TRUSTED_PROXIES` (default: none is)."""
    peer = request.client.host if request.client else ""
    return bool(peer) and _is_trusted(peer, _trusted(settings_of(request)))


def client_of(request: Request) -> str:
    """The client's address: the peer's, or from `X-Forwarded-For` only if the peer is trusted.

    Behind trusted proxies the client is the right-most address that is not itself a
    trusted proxy (each proxy appends the address it saw, so entries to its left may be
    made up by the client).
    """
    peer = request.client.host if request.client else "unknown"
    trusted = _trusted(settings_of(request))
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop[:64]
    return peer


def _session(request: Request, session: Session) -> LiveSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    return live_session(session, token=token, now=now_of(request))


def _signed_in(request: Request, session: Session, *, page: bool) -> LiveSession:
    user = _session(request, session)
    if user is None:
        if page:
            raise LoginRequired()
        raise HTTPException(401, "sign in first", headers={"WWW-Authenticate": "Cookie"})
    request.state.user = user
    return user


def _allow(user: LiveSession, roles: frozenset[str], *, page: bool) -> LiveSession:
    if user.role not in roles:
        if page:
            raise Forbidden()
        raise HTTPException(403, f"a {user.role} account may not do this")
    return user


def api_user(request: Request, session: DB) -> LiveSession:
    """Any signed-in user (any role)."""
    return _signed_in(request, session, page=False)


def page_user(request: Request, session: DB) -> LiveSession:
    return _signed_in(request, session, page=True)


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


def _ctx(roles: frozenset[str], kind: str) -> Any:
    """A dependency giving a `Ctx` for a user with one of `roles` ("read", "write", "page")."""
    page = kind == "page"
    bases: dict[str, Callable[..., Any]] = {"read": api_user, "write": csrf, "page": page_user}
    base = bases[kind]

    # A default, not an annotation: annotations are strings here, read in module globals.
    def dependency(request: Request, session: DB, user: LiveSession = Depends(base)) -> Ctx:
        return Ctx(request, session, _allow(user, roles, page=page), now_of(request))

    dependency.__name__ = f"ctx_{kind}_{'_'.join(sorted(roles))}"
    return dependency


# Coordinator work (the names every router used before roles; they keep that meaning).
ctx_read = _ctx(STAFF, "read")
ctx_write = _ctx(STAFF, "write")
ctx_page = _ctx(STAFF, "page")
Read = Annotated[Ctx, Depends(ctx_read)]
Write = Annotated[Ctx, Depends(ctx_write)]
Page = Annotated[Ctx, Depends(ctx_page)]
# Counts and statuses, no personal data: viewers too.
ViewerRead = Annotated[Ctx, Depends(_ctx(VIEWERS, "read"))]
ViewerPage = Annotated[Ctx, Depends(_ctx(VIEWERS, "page"))]
# A facilitator's own meetings and feed.
FacilitatorRead = Annotated[Ctx, Depends(_ctx(FACILITATORS, "read"))]
FacilitatorWrite = Annotated[Ctx, Depends(_ctx(FACILITATORS, "write"))]
FacilitatorPage = Annotated[Ctx, Depends(_ctx(FACILITATORS, "page"))]
# Accounts.
AdminRead = Annotated[Ctx, Depends(_ctx(ADMINS, "read"))]
AdminWrite = Annotated[Ctx, Depends(_ctx(ADMINS, "write"))]
AdminPage = Annotated[Ctx, Depends(_ctx(ADMINS, "page"))]
# Anyone signed in.
SignedIn = Annotated[Ctx, Depends(_ctx(EVERYONE, "read"))]
SignedInWrite = Annotated[Ctx, Depends(_ctx(EVERYONE, "write"))]
SignedInPage = Annotated[Ctx, Depends(_ctx(EVERYONE, "page"))]


async def after_form(request: Request, payload: Any) -> Any:
    """A plain HTML form gets a redirect (to its `next` field); API clients get `payload`."""
    if _is_form(request):
        target = str((await request.form()).get("next") or "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"  # never redirect off-site
        return RedirectResponse(target, status_code=303)
    return payload
