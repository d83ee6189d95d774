"""Facilitators and venues (API and timeline pages), and facilitators' feed tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from scheduler.domain import Meeting
from scheduler.journey_view import session_blocks
from scheduler.web.common import not_found, problem_and_plan
from scheduler.web.deps import Page, Read, ViewerPage, ViewerRead, Write, after_form
from scheduler.web.params import Key, RowId, Week, week_date
from scheduler.web.schemas import FeedTokenOut, PersonSummary
from scheduler.web.templating import render
from scheduler.web_services import feeds
from scheduler.web_services.views import week_blocks, week_of

router = APIRouter()


@router.get("/api/facilitators", response_model=list[PersonSummary], tags=["people"])
def list_facilitators(ctx: ViewerRead) -> list[PersonSummary]:
    problem, _, _ = problem_and_plan(ctx)
    return [
        PersonSummary(
            id=f.id, name=f.name, detail=f"{f.level}; {', '.join(f.skills) or 'no extra skills'}"
        )
        for f in problem.facilitators
    ]


@router.get("/api/facilitators/{facilitator_id}", response_model=dict[str, Any], tags=["people"])
def get_facilitator(facilitator_id: Key, ctx: Read) -> Any:
    problem, _, _ = problem_and_plan(ctx)
    f = problem.facilitator_by_id.get(facilitator_id)
    if f is None:
        raise not_found(f"facilitator {facilitator_id}")
    return f.to_doc()


@router.get("/api/venues", response_model=list[PersonSummary], tags=["people"])
def list_venues(ctx: ViewerRead) -> list[PersonSummary]:
    problem, _, _ = problem_and_plan(ctx)
    return [PersonSummary(id=v.id, name=v.name, detail=v.kind) for v in problem.venues]


@router.get("/api/venues/{venue_id}", response_model=dict[str, Any], tags=["people"])
def get_venue(venue_id: Key, ctx: Read) -> Any:
    problem, _, _ = problem_and_plan(ctx)
    v = problem.venue_by_id.get(venue_id)
    if v is None:
        raise not_found(f"venue {venue_id}")
    return v.to_doc()


# --------------------------------------------------------------------------- feed tokens


def _token_out(row: Any, url: str | None = None) -> FeedTokenOut:
    return FeedTokenOut(
        id=row.id,
        facilitator=row.facilitator_id,
        created_at=row.created_at.isoformat(),
        revoked_at=row.revoked_at.isoformat() if row.revoked_at else None,
        url=url,
    )


@router.get(
    "/api/facilitators/{facilitator_id}/feed-tokens",
    response_model=list[FeedTokenOut],
    tags=["feeds"],
)
def list_tokens(facilitator_id: Key, ctx: Read) -> list[FeedTokenOut]:
    return [_token_out(r) for r in feeds.tokens_of(ctx.session, facilitator_id=facilitator_id)]


@router.post(
    "/api/facilitators/{facilitator_id}/feed-tokens", response_model=FeedTokenOut, tags=["feeds"]
)
async def create_token(facilitator_id: Key, request: Request, ctx: Write) -> Any:
    """A new calendar feed address for the facilitator; the address is shown only this once."""
    problem, _, _ = problem_and_plan(ctx)
    if facilitator_id not in problem.facilitator_by_id:
        raise not_found(f"facilitator {facilitator_id}")
    row, token = feeds.create_token(
        ctx.session, facilitator_id=facilitator_id, now=ctx.now, by=ctx.user.user_id
    )
    ctx.audit("feed_token_created", f"facilitator:{facilitator_id}", token_id=row.id)
    url = f"{str(request.base_url).rstrip('/')}/feeds/{token}.ics"
    if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        # The page shows the address once, right away; it cannot be shown again later.
        request.state.new_feed_url = url
        return facilitator_page(facilitator_id, ctx, None)
    return _token_out(row, url)


@router.post("/api/feed-tokens/{token_id}/revoke", response_model=FeedTokenOut, tags=["feeds"])
async def revoke_token(token_id: RowId, request: Request, ctx: Write) -> Any:
    row = feeds.revoke(ctx.session, token_id=token_id, now=ctx.now)
    if row is None:
        raise not_found(f"feed token {token_id}")
    ctx.audit("feed_token_revoked", f"facilitator:{row.facilitator_id}", token_id=row.id)
    return await after_form(request, _token_out(row))


# --------------------------------------------------------------------------- pages


def _monday(week: str | None, starts: list[dt.datetime], fallback: dt.date) -> dt.date:
    """The asked week, else the week of the first engagement (else of `fallback`)."""
    day = week_date(week)
    if day is not None:
        return week_of(day)
    first = min((s.date() for s in starts), default=fallback)
    return week_of(first)


def _timeline(
    ctx: Page, kind: str, who: Any, meetings: list[Meeting], week: str | None, **extra: Any
) -> Response:
    problem, plan, _ = problem_and_plan(ctx)
    own = [
        s
        for s in (plan.sessions if plan else [])
        if (who.id in s.facilitators if kind == "facilitator" else s.venue == who.id)
    ]
    starts = [m.start for m in meetings] + [s.start for s in own]
    monday = _monday(week, starts, problem.horizon.start)
    days: dict[dt.date, list[Any]] = dict(week_blocks(problem, meetings, monday, staff=True))
    sessions = session_blocks(problem, own, monday)
    for day, blocks in sessions.items():
        days[day] = sorted([*days[day], *blocks], key=lambda b: b.start)
    return render(
        ctx.request,
        "timeline.html",
        kind=kind,
        who=who,
        days=days,
        monday=monday,
        prev_week=(monday - dt.timedelta(days=7)).isoformat(),
        next_week=(monday + dt.timedelta(days=7)).isoformat(),
        hours=list(range(7, 22, 2)),
        has_sessions=bool(own),
        **extra,
    )


@router.get("/facilitators", include_in_schema=False)
def facilitators_page(ctx: ViewerPage) -> Response:
    problem, _, _ = problem_and_plan(ctx)
    return render(ctx.request, "people.html", kind="facilitators", items=problem.facilitators)


@router.get("/venues", include_in_schema=False)
def venues_page(ctx: ViewerPage) -> Response:
    problem, _, _ = problem_and_plan(ctx)
    return render(ctx.request, "people.html", kind="venues", items=problem.venues)


@router.get("/facilitators/{facilitator_id}", include_in_schema=False)
def facilitator_page(facilitator_id: Key, ctx: Page, week: Week = None) -> Response:
    problem, plan, _ = problem_and_plan(ctx)
    f = problem.facilitator_by_id.get(facilitator_id)
    if f is None:
        raise not_found(f"facilitator {facilitator_id}")
    meetings = [m for m in (plan.meetings if plan else []) if facilitator_id in m.facilitators]
    return _timeline(
        ctx,
        "facilitator",
        f,
        meetings,
        week,
        tokens=feeds.tokens_of(ctx.session, facilitator_id=facilitator_id),
        new_feed_url=getattr(ctx.request.state, "new_feed_url", None),
    )


@router.get("/venues/{venue_id}", include_in_schema=False)
def venue_page(venue_id: Key, ctx: Page, week: Week = None) -> Response:
    problem, plan, _ = problem_and_plan(ctx)
    v = problem.venue_by_id.get(venue_id)
    if v is None:
        raise not_found(f"venue {venue_id}")
    meetings = [m for m in (plan.meetings if plan else []) if m.venue == venue_id]
    return _timeline(ctx, "venue", v, meetings, week)
