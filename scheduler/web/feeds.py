"""`GET /feeds/<token>.ics`: a facilitator's calendar subscription (no session; the token is the key)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from scheduler.invites.content import Sender
from scheduler.web.deps import DB, now_of
from scheduler.web_services import feeds

router = APIRouter(tags=["feeds"])


@router.get(
    "/feeds/{token}.ics",
    response_class=Response,
    responses={
        200: {"content": {"text/calendar": {}}},
        404: {"description": "unknown or revoked token"},
    },
)
def feed(token: str, request: Request, session: DB) -> Response:
    """The facilitator's confirmed meetings as iCalendar; unknown or revoked tokens get a bare 404."""
    facilitator_id = feeds.facilitator_for(session, token=token)
    if facilitator_id is None:
        return Response(status_code=404)
    body = feeds.feed_calendar(
        session,
        facilitator_id=facilitator_id,
        sender=Sender.from_settings(request.app.state.settings),
        now=now_of(request),
    )
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "Referrer-Policy": "no-referrer"},
    )
