"""Who is invited to a meeting, and what each invite may say (pure: no I/O, no clock).

Privacy is decided here and only here: a party's event is built from that party's own
attendance row, the venue and the facilitators' first names, so nothing about the other
side can leak into it; a facilitator's event names the case by its reference only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any, Literal

from scheduler.domain import Attendance, Case, Meeting, Problem, Venue
from scheduler.timeutil import Clock, Instant

RecipientKind = Literal["facilitator", "party"]
Key = tuple[str, RecipientKind, str]  # (case id, recipient kind, recipient id)

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Sender:
    """The service's side of every invite (from the settings, passed in)."""

    service_name: str
    mail_from: str
    base_url: str

    @classmethod
    def from_settings(cls, settings: Any) -> Sender:
        return cls(settings.service_name, settings.mail_from, settings.base_url)

    @property
    def domain(self) -> str:
        return self.mail_from.rpartition("@")[2] or "localhost"


@dataclass(frozen=True)
class EventContent:
    """One recipient's event: everything the calendar and the email may show them."""

    case_id: str
    recipient_kind: RecipientKind
    recipient_id: str
    name: str
    email: str
    start: Instant
    end: Instant
    summary: str
    subject: str
    location: str
    description: str
    url: str | None
    fingerprint: str

    @property
    def key(self) -> Key:
        return (self.case_id, self.recipient_kind, self.recipient_id)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventContent:
        return cls(**data)


def fingerprint(fields: dict[str, Any]) -> str:
    """A stable digest of exactly the fields whose change must reach the recipient."""
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def format_day(local: dt.datetime) -> str:
    """'Monday 29 March 2027', independent of the process locale."""
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local.year}"


def format_time(local: dt.datetime) -> str:
    return local.strftime("%H:%M")


def venue_location(venue: Venue) -> str:
    return f"{venue.name}, {venue.address}" if venue.address else venue.name


def recipients(problem: Problem, meeting: Meeting, sender: Sender) -> list[EventContent]:
    """Every invite for one meeting: its facilitators, then each attending party with an email.

    Parties in custody, parties without an email, supporters who have not consented and
    attendance rows naming nobody in the problem get nothing. A facilitator unknown to
    the problem is skipped too (the plan verifier reports such a plan; mail is not the
    place to fail it).
    """
    case = problem.case_by_id.get(meeting.case)
    venue = problem.venue_by_id.get(meeting.venue)
    if case is None or venue is None:
        return []
    clock = Clock(problem.timezone)
    out = [
        _facilitator_event(problem, case, meeting, venue, fid, clock, sender)
        for fid in meeting.facilitators
        if fid in problem.facilitator_by_id
    ]
    attending = {p.id for p in case.attendees}
    for row in meeting.attendance:
        party = case.party(row.party)
        if party is None or party.id not in attending or party.in_custody or not party.email:
            continue
        out.append(_party_event(problem, case, meeting, venue, row, clock, sender))
    return out


def _facilitator_event(
    problem: Problem,
    case: Case,
    meeting: Meeting,
    venue: Venue,
    fid: str,
    clock: Clock,
    sender: Sender,
) -> EventContent:
    person = problem.facilitator_by_id[fid]
    role = "lead facilitator" if fid == meeting.lead else "co-facilitator"
    window = meeting.facilitators_on_site
    start = clock.instant(window.start, "start")
    end = clock.instant(window.end, "end")
    url = f"{sender.base_url.rstrip('/')}/cases/{case.id}"
    description = "\n".join(
        [
            f"Restorative justice meeting, case {case.reference}.",
            f"Your role: {role}.",
            f"Date: {format_day(meeting.start)}.",
            f"On site: {format_time(window.start)} to {format_time(window.end)}"
            f" (conference {format_time(meeting.start)} to {format_time(meeting.end)}).",
            f"Venue: {venue_location(venue)}.",
            f"Room: {meeting.room}.",
            f"Case details: {url}",
        ]
    )
    return EventContent(
        case_id=case.id,
        recipient_kind="facilitator",
        recipient_id=fid,
        name=person.name,
        email=person.email,
        start=start,
        end=end,
        summary=f"RJ meeting {case.reference} ({role})",
        subject=f"RJ meeting {case.reference}, {format_day(meeting.start)}",
        location=venue_location(venue),
        description=description,
        url=url,
        fingerprint=fingerprint(
            {
                "on_site": [start, end],
                "venue": meeting.venue,
                "room": meeting.room,
                "role": "lead" if fid == meeting.lead else "co",
            }
        ),
    )


def _party_event(
    problem: Problem,
    case: Case,
    meeting: Meeting,
    venue: Venue,
    row: Attendance,
    clock: Clock,
    sender: Sender,
) -> EventContent:
    party = case.party(row.party)
    assert party is not None
    assert party.email
    # Sorted by id, so that swapping lead and co roles is no change for a party.
    facilitator_ids = sorted(meeting.facilitators)
    first_names = [
        problem.facilitator_by_id[f].first_name
        for f in facilitator_ids
        if f in problem.facilitator_by_id
    ]
    start = clock.instant(row.arrive, "start")
    end = clock.instant(row.leave, "end")
    title = f"Appointment with {sender.service_name}"
    lines = [
        f"{title}.",
        f"Date: {format_day(row.arrive)}.",
        f"Please arrive at {format_time(row.arrive)}; you will be free to leave at"
        f" {format_time(row.leave)}.",
        f"The meeting itself runs from {format_time(meeting.start)} to {format_time(meeting.end)}.",
        f"Venue: {venue_location(venue)}.",
    ]
    if row.entrance:
        lines.append(f"Entrance to use: {row.entrance}.")
    lines.append(f"Please wait in waiting room {row.waiting_room}.")
    if first_names:
        lines.append(f"Your facilitators: {', '.join(first_names)}.")
    return EventContent(
        case_id=case.id,
        recipient_kind="party",
        recipient_id=party.id,
        name=party.name,
        email=party.email,
        start=start,
        end=end,
        summary=title,
        subject=title,
        location=venue_location(venue),
        description="\n".join(lines),
        url=None,
        fingerprint=fingerprint(
            {
                "arrive": start,
                "leave": end,
                "venue": meeting.venue,
                "entrance": row.entrance,
                "waiting_room": row.waiting_room,
                "facilitators": facilitator_ids,
            }
        ),
    )


def plan_recipients(
    problem: Problem, meetings: list[Meeting], sender: Sender
) -> dict[Key, EventContent]:
    """The invites for a whole plan, keyed by (case, recipient kind, recipient id)."""
    out: dict[Key, EventContent] = {}
    for meeting in meetings:
        for event in recipients(problem, meeting, sender):
            out[event.key] = event
    return out
