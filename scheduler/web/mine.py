"""A facilitator's own view: their meetings in the confirmed plan and their calendar feed.

What a meeting shows here is exactly what the facilitator's invite carries (the
invites' content builder makes both), so a facilitator sees no more than their email.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from starlette.responses import Response

from scheduler.invites.content import EventContent, Sender
from scheduler.web.common import not_found
from scheduler.web.deps import Ctx, FacilitatorPage, FacilitatorRead, FacilitatorWrite, after_form
from scheduler.web.params import RowId
from scheduler.web.people import _token_out
from scheduler.web.schemas import FeedTokenOut
from scheduler.web.templating import render
from scheduler.web_services import feeds

router = APIRouter(tags=["mine"])


class MyMeeting(BaseModel):
    case_id: str
    summary: str
    location: str
    description: str
    facts: dict[str, str]


def _own_id(ctx: Ctx) -> str:
    return ctx.user.facilitator_id or ""


def _events(ctx: Ctx) -> list[EventContent]:
    sender = Sender.from_settings(ctx.request.app.state.settings)
    return feeds.facilitator_events(ctx.session, facilitator_id=_own_id(ctx), sender=sender)


@router.get("/api/me/meetings", response_model=list[MyMeeting])
def my_meetings(ctx: FacilitatorRead) -> list[MyMeeting]:
    """My confirmed meetings, each with what my invite says."""
    return [
        MyMeeting(
            case_id=e.case_id, summary=e.summary, location=e.location,
            description=e.description, facts=e.facts,
        )
        for e in _events(ctx)
    ]  # fmt: skip


@router.get("/api/me/feed-tokens", response_model=list[FeedTokenOut])
def my_tokens(ctx: FacilitatorRead) -> list[FeedTokenOut]:
    return [_token_out(r) for r in feeds.tokens_of(ctx.session, facilitator_id=_own_id(ctx))]


@router.post("/api/me/feed-tokens", response_model=FeedTokenOut)
async def create_my_token(request: Request, ctx: FacilitatorWrite) -> Any:
    """A new feed address for me; it is shown only this once."""
    row, token = feeds.create_token(
        ctx.session, facilitator_id=_own_id(ctx), now=ctx.now, by=ctx.user.user_id
    )
    ctx.audit("feed_token_created", f"facilitator:{_own_id(ctx)}", token_id=row.id)
    url = f"{str(request.base_url).rstrip('/')}/feeds/{token}.ics"
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return _page(ctx, new_feed_url=url)
    return _token_out(row, url)


@router.post("/api/me/feed-tokens/{token_id}/revoke", response_model=FeedTokenOut)
async def revoke_my_token(token_id: RowId, request: Request, ctx: FacilitatorWrite) -> Any:
    mine = {r.id for r in feeds.tokens_of(ctx.session, facilitator_id=_own_id(ctx))}
    if token_id not in mine:  # another facilitator's token is not mine to see or revoke
        raise not_found(f"feed token {token_id} of yours")
    row = feeds.revoke(ctx.session, token_id=token_id, now=ctx.now)
    assert row is not None
    ctx.audit("feed_token_revoked", f"facilitator:{row.facilitator_id}", token_id=row.id)
    return await after_form(request, _token_out(row))


def _page(ctx: Ctx, new_feed_url: str | None = None) -> Response:
    return render(
        ctx.request,
        "mine.html",
        events=_events(ctx),
        tokens=feeds.tokens_of(ctx.session, facilitator_id=_own_id(ctx)),
        new_feed_url=new_feed_url,
    )


@router.get("/me", include_in_schema=False)
def my_page(ctx: FacilitatorPage) -> Response:
    return _page(ctx)
