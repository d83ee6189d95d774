"""Facilitator calendar feeds: long random tokens (stored as sha256) and the feed itself.

A feed shows one facilitator's meetings in the confirmed plan, with exactly what their
emailed invite says (the invites' own content builder decides that, so the privacy rules
live in one place): reference, role, venue, room; never party names.
"""

from __future__ import annotations

import datetime as dt
import secrets

from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler import __version__
from scheduler.domain import Plan, Problem
from scheduler.invites.content import EventContent, Sender, recipients
from scheduler.invites.ical import build_calendar
from scheduler.invites.session_content import session_recipients
from scheduler.storage.plans import latest_plan, plan_document
from scheduler.storage.problems import export_problem, has_problem
from scheduler.storage.web_models import FeedTokenRow
from scheduler.web_services.accounts import sha256


def create_token(
    session: Session, *, facilitator_id: str, now: dt.datetime, by: int | None
) -> tuple[FeedTokenRow, str]:
    """A new feed token; the plain token is returned once and never stored."""
    token = secrets.token_urlsafe(32)
    row = FeedTokenRow(
        token_hash=sha256(token), facilitator_id=facilitator_id, created_at=now, created_by=by
    )
    session.add(row)
    session.flush()
    return row, token


def tokens_of(session: Session, *, facilitator_id: str) -> list[FeedTokenRow]:
    return list(
        session.scalars(
            select(FeedTokenRow)
            .where(FeedTokenRow.facilitator_id == facilitator_id)
            .order_by(FeedTokenRow.id)
        )
    )


def revoke(session: Session, *, token_id: int, now: dt.datetime) -> FeedTokenRow | None:
    row = session.get(FeedTokenRow, token_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
    return row


def facilitator_for(session: Session, *, token: str) -> str | None:
    """The facilitator a live token belongs to; None for unknown or revoked tokens."""
    row = session.scalar(select(FeedTokenRow).where(FeedTokenRow.token_hash == sha256(token)))
    if row is None or row.revoked_at is not None:
        return None
    return row.facilitator_id


def facilitator_events(
    session: Session, *, facilitator_id: str, sender: Sender
) -> list[EventContent]:
    """One facilitator's meetings and sessions in the confirmed plan, each exactly as
    their invite says."""
    problem = export_problem(session) if has_problem(session) else None
    row = latest_plan(session, "confirmed")
    if problem is None or row is None:
        return []
    plan = plan_document(session, row.id)
    return sorted(
        _events(problem, plan, facilitator_id, sender),
        key=lambda e: (e.start, e.case_id, e.session_id or ""),
    )


def feed_calendar(
    session: Session, *, facilitator_id: str, sender: Sender, now: dt.datetime
) -> bytes:
    """The .ics subscription feed for one facilitator (confirmed plan only)."""
    cal = Calendar()
    cal.add("prodid", f"-//rj-scheduler//{__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # A subscription feed carries no METHOD at all (RFC 5545 §3.7.2: a calendar without
    # METHOD is not an iTIP message). Emails always carry REQUEST or CANCEL, never PUBLISH.
    cal.add("x-wr-calname", f"{sender.service_name}: my RJ meetings")
    for event in facilitator_events(session, facilitator_id=facilitator_id, sender=sender):
        what = event.case_id if event.session_id is None else f"session-{event.session_id}"
        one = build_calendar(
            event,
            uid=f"feed-{what}-{facilitator_id}@{sender.domain}",
            sequence=0,
            method="REQUEST",
            dtstamp=now,
            sender=sender,
        )
        for component in one.walk("VEVENT"):
            cal.add_component(component)
    return cal.to_ical()


def _events(problem: Problem, plan: Plan, facilitator_id: str, sender: Sender):  # type: ignore[no-untyped-def]
    """The facilitator's own events: conferences, then sessions (journeys)."""
    events = [
        e
        for m in plan.meetings
        if facilitator_id in m.facilitators
        for e in recipients(problem, m, sender)
    ] + [
        e
        for row in plan.sessions
        if facilitator_id in row.facilitators
        for e in session_recipients(problem, row, sender)
    ]
    yield from (
        e for e in events if e.recipient_kind == "facilitator" and e.recipient_id == facilitator_id
    )
