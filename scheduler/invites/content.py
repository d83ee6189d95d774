"""Who is invited to a meeting, and what each invite may say (pure: no I/O, no clock).

Privacy is decided here and only here: a party's event is built from that party's own
attendance row, the venue and the facilitators' first names, so nothing about the other
side can leak into it; a facilitator's event names the case by its reference only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from scheduler.domain import Attendance, Case, Meeting, PlanSession, Problem, Venue
from scheduler.timeutil import Clock, Instant

RecipientKind = Literal["facilitator", "party"]
# (engagement, recipient kind, recipient id); the engagement is the case id for its
# conference and `session_key(case, session)` for one of its sessions.
Key = tuple[str, RecipientKind, str]
DEFAULT_VIDEO_JOIN = "The lead facilitator sends the link or phone number to join before the call."
SESSION_MARK = "\x1f"  # never in an id (ids hold no control characters)

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


@dataclass(frozen=True)
class Sender:
    """The service's side of every invite (from the settings, passed in).

    `base_url` is the address people open links on: the public address
    (``RJSCHED_PUBLIC_URL``) when one is configured, else the address the app serves on.
    """

    service_name: str
    mail_from: str
    base_url: str
    # How a video session is joined (RJSCHED_VIDEO_JOIN_TEXT): the same words for every
    # call, since the service books no meeting links of its own.
    video_join: str = DEFAULT_VIDEO_JOIN

    @classmethod
    def from_settings(cls, settings: Any) -> Sender:
        public = getattr(settings, "public_url", None) or settings.base_url
        join = getattr(settings, "video_join_text", None) or DEFAULT_VIDEO_JOIN
        return cls(settings.service_name, settings.mail_from, public, join)

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
    # What the recipient reads, fact by fact in their own terms (label → value), so an
    # update can say what changed; and the outbox file's name (date, case, kind), which
    # never leaves the service. Both absent from events stored by older versions.
    facts: dict[str, str] = field(default_factory=dict)
    file_label: str = ""
    session_id: str | None = None  # journeys: the session this event is for

    @property
    def engagement(self) -> str:
        """What `invite_state.case_id` holds: the case, or the case and the session."""
        if self.session_id is None:
            return self.case_id
        return session_key(self.case_id, self.session_id)

    @property
    def key(self) -> Key:
        return (self.engagement, self.recipient_kind, self.recipient_id)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventContent:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if not isinstance(values.get("facts", {}), dict):  # blanked by an erasure
            values["facts"] = {}
        if not isinstance(values.get("file_label", ""), str):
            values["file_label"] = ""
        if not isinstance(values.get("session_id"), str | None):
            values["session_id"] = None
        return cls(**values)


def session_key(case_id: str, session_id: str) -> str:
    """The engagement key of a session's invites, unlike any case id and at most 64
    characters (the column's width): "<case>␟<session>", or a digest when too long.

    No id holds the separator, so neither form can equal a case id or each other.
    """
    readable = f"{case_id}{SESSION_MARK}{session_id}"
    if len(readable) <= 64:
        return readable
    digest = hashlib.sha256(readable.encode()).hexdigest()[:48]
    return f"{SESSION_MARK}{digest}"


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
    facts = {
        "Your role": role,
        "Date": format_day(meeting.start),
        "On site": f"{format_time(window.start)} to {format_time(window.end)}",
        "Conference": f"{format_time(meeting.start)} to {format_time(meeting.end)}",
        "Venue": venue_location(venue),
        "Room": meeting.room,
        "With you": other_facilitators(problem, meeting, fid),
        **arrival_plan(case, meeting),
    }
    description = "\n".join(
        [
            f"Restorative justice meeting, case {case.reference}.",
            *(f"{label}: {value}." for label, value in facts.items()),
            f"Case details: {url}",
        ]
    )
    kind = "facilitator-lead" if fid == meeting.lead else "facilitator-co"
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
        facts=facts,
        file_label=file_label(window.start, case.reference, kind),
    )


def other_facilitators(problem: Problem, meeting: Meeting | PlanSession, fid: str) -> str:
    """The other facilitators of a meeting or session by name and role."""
    others = [
        f"{problem.facilitator_by_id[f].name} ({'lead' if f == meeting.lead else 'co-facilitator'})"
        for f in meeting.facilitators
        if f != fid and f in problem.facilitator_by_id
    ]
    return ", ".join(others) or "no other facilitator"


def arrival_plan(case: Case, meeting: Meeting) -> dict[str, str]:
    """Which side comes first, and each side's arrival and leaving, entrance, waiting
    room and head-count (label → text); never a party's name.

    The side that arrives first is listed first (the case's `first_to_arrive` on a tie).
    """
    sides: list[tuple[dt.datetime, int, str, str]] = []
    for side in ("victim", "offender"):
        rows = [a for a in meeting.attendance if a.side == side]
        if not rows:
            continue
        arrive, leave = min(a.arrive for a in rows), max(a.leave for a in rows)
        entrances = sorted({a.entrance for a in rows if a.entrance})
        rooms = sorted({a.waiting_room for a in rows})
        people = f"{len(rows)} {'person' if len(rows) == 1 else 'people'}"
        text = (
            f"{people}, arrive {format_time(arrive)}, leave {format_time(leave)}"
            + (f", entrance {' / '.join(entrances)}" if entrances else "")
            + f", waiting room {' / '.join(rooms)}"
        )
        sides.append((arrive, 0 if side == case.first_to_arrive else 1, side, text))
    sides.sort()
    if not sides:
        return {}
    return {
        "First to arrive": f"the {sides[0][2]} side",
        **{f"{side.capitalize()} side": text for _, _, side, text in sides},
    }


def file_label(day: dt.datetime, reference: str, kind: str) -> str:
    """The start of the outbox file's name: date, case reference, recipient kind."""
    safe = re.sub(r"[^A-Za-z0-9.-]+", "-", reference).strip("-.")[:40] or "case"
    return f"{day:%Y-%m-%d}_{safe}_{kind}"


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
    facts = {
        "Date": format_day(row.arrive),
        "Arrive": format_time(row.arrive),
        "Free to leave": format_time(row.leave),
        "Meeting": f"{format_time(meeting.start)} to {format_time(meeting.end)}",
        "Venue": venue_location(venue),
        "Entrance": row.entrance or "",
        "Waiting room": row.waiting_room,
        "Your facilitators": ", ".join(first_names),
    }
    kind = party.role
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
        facts={k: v for k, v in facts.items() if v},
        file_label=file_label(row.arrive, case.reference, kind),
    )


def plan_recipients(
    problem: Problem,
    meetings: list[Meeting],
    sender: Sender,
    sessions: Sequence[PlanSession] = (),
) -> dict[Key, EventContent]:
    """The invites for a whole plan (its conferences, then its sessions), by `Key`."""
    from scheduler.invites.session_content import session_recipients

    out: dict[Key, EventContent] = {}
    for meeting in meetings:
        for event in recipients(problem, meeting, sender):
            out[event.key] = event
    for row in sessions:
        for event in session_recipients(problem, row, sender):
            out[event.key] = event
    return out
