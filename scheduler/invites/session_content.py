"""Who is invited to a session of a case journey, and what each invite may say (pure).

Spec journeys.md, "Invites": each session is its own event for each of its
facilitators and for its party and that party's consenting supporters (with an email,
never in custody). Privacy is decided here as in `content`:

- a facilitator's event names the case by its reference, says how the session is held
  and where: a venue (name, address, room), the visited home (the party's `address`,
  else the home's coordinates, and nothing else about the person), or a call (the
  configured join text); never the party's name, role or anything about the other side;
- a party's event is built from the session alone: its time, the venue (or "the
  facilitators will come to you", or the call's join text) and the facilitators'
  first names. Sessions meet one side only, so there is no other side's time to leak,
  and nothing says which side the person is on.
"""

from __future__ import annotations

from scheduler.domain import Case, Party, PlanSession, Problem, Venue
from scheduler.invites.content import (
    EventContent,
    Sender,
    file_label,
    fingerprint,
    format_day,
    format_time,
    other_facilitators,
    venue_location,
)
from scheduler.timeutil import Clock

# What each mode is called in a facilitator's title and in the outbox file's name.
KIND_WORDS = {"venue": "preparation session", "home": "home visit", "video": "video call"}
FILE_KIND = {"venue": "session", "home": "home-visit", "video": "video-call"}


def home_location(party: Party) -> str:
    """Where a home visit goes: the party's address, else the home's coordinates."""
    if party.address:
        return party.address
    if party.home is not None:
        return f"{party.home.lat:.5f}, {party.home.lon:.5f} (map coordinates of the home)"
    return "the home address is not recorded: ask the coordinator"


def session_recipients(problem: Problem, row: PlanSession, sender: Sender) -> list[EventContent]:
    """Every invite for one plan session: its facilitators, then its party and the party's
    consenting supporters who have an email and are not in custody.

    A row naming a case, session, venue or facilitator unknown to the problem gets
    nothing (the plan verifier reports such a plan; mail is not the place to fail it).
    """
    case = problem.case_by_id.get(row.case)
    spec = case.session(row.session) if case is not None else None
    if case is None or spec is None:
        return []
    venue = problem.venue_by_id.get(row.venue) if row.venue else None
    if row.mode == "venue" and venue is None:
        return []
    party = case.party(spec.party)
    clock = Clock(problem.timezone)
    out = [
        _facilitator_event(problem, case, row, venue, party, fid, clock, sender)
        for fid in row.facilitators
        if fid in problem.facilitator_by_id
    ]
    for person in case.session_attendees(spec):
        if person.in_custody or not person.email:
            continue
        if person.role == "supporter" and not person.consented:
            continue
        out.append(_party_event(problem, case, row, venue, person, clock, sender))
    return out


def _where_for_facilitator(
    row: PlanSession, venue: Venue | None, party: Party | None, sender: Sender
) -> str:
    if row.mode == "venue" and venue is not None:
        return venue_location(venue)
    if row.mode == "home":
        return home_location(party) if party is not None else "the home (not recorded)"
    return "Video or phone call"


def _facilitator_event(
    problem: Problem,
    case: Case,
    row: PlanSession,
    venue: Venue | None,
    party: Party | None,
    fid: str,
    clock: Clock,
    sender: Sender,
) -> EventContent:
    person = problem.facilitator_by_id[fid]
    lead = fid == row.lead
    role = "lead facilitator" if lead else "co-facilitator"
    what = KIND_WORDS[row.mode]
    # A call needs no margin: the event is the call itself (on_site equals it anyway).
    window_start, window_end = (
        (row.start, row.end) if row.mode == "video" else (row.on_site.start, row.on_site.end)
    )
    start = clock.instant(window_start, "start")
    end = clock.instant(window_end, "end")
    url = f"{sender.base_url.rstrip('/')}/cases/{case.id}"
    where = _where_for_facilitator(row, venue, party, sender)
    facts = {
        "Your role": role,
        "Session": what,
        "Date": format_day(row.start),
        "Session time": f"{format_time(row.start)} to {format_time(row.end)}",
    }
    if row.mode != "video":
        facts["On site"] = f"{format_time(window_start)} to {format_time(window_end)}"
    if row.mode == "venue":
        facts["Venue"] = where
        facts["Room"] = row.room or ""
    elif row.mode == "home":
        facts["Visit address"] = where
    else:
        facts["How to join"] = sender.video_join
    facts["With you"] = other_facilitators(problem, row, fid)
    description = "\n".join(
        [
            f"Restorative justice {what}, case {case.reference}.",
            *(f"{label}: {value.rstrip('.')}." for label, value in facts.items() if value),
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
        summary=f"RJ {what} {case.reference} ({role})",
        subject=f"RJ {what} {case.reference}, {format_day(row.start)}",
        location=where,
        description=description,
        url=url,
        fingerprint=fingerprint(
            {
                "session": row.session,
                "window": [start, end],
                "mode": row.mode,
                "venue": row.venue,
                "room": row.room,
                "where": where,
                "join": sender.video_join if row.mode == "video" else None,
                "role": "lead" if lead else "co",
            }
        ),
        facts={k: v for k, v in facts.items() if v},
        file_label=file_label(
            window_start, case.reference, f"{FILE_KIND[row.mode]}-{'lead' if lead else 'co'}"
        ),
        session_id=row.session,
    )


def _party_event(
    problem: Problem,
    case: Case,
    row: PlanSession,
    venue: Venue | None,
    person: Party,
    clock: Clock,
    sender: Sender,
) -> EventContent:
    assert person.email
    facilitator_ids = sorted(row.facilitators)  # a lead swap is no change for a party
    first_names = [
        problem.facilitator_by_id[f].first_name
        for f in facilitator_ids
        if f in problem.facilitator_by_id
    ]
    start = clock.instant(row.start, "start")
    end = clock.instant(row.end, "end")
    title = f"Appointment with {sender.service_name}"
    if row.mode == "venue" and venue is not None:
        location = venue_location(venue)
        how = f"Venue: {location}."
    elif row.mode == "home":
        location = "At your home"
        how = "The facilitators will come to you at your home."
    else:
        location = "Video or phone call"
        how = f"This is a video or phone call. {sender.video_join.rstrip('.')}."
    lines = [
        f"{title}.",
        f"Date: {format_day(row.start)}.",
        f"Time: {format_time(row.start)} to {format_time(row.end)}.",
        how,
    ]
    if first_names:
        lines.append(f"Your facilitators: {', '.join(first_names)}.")
    facts = {
        "Date": format_day(row.start),
        "Time": f"{format_time(row.start)} to {format_time(row.end)}",
        "Where": location if row.mode != "video" else f"{location}: {sender.video_join}",
        "Your facilitators": ", ".join(first_names),
    }
    return EventContent(
        case_id=case.id,
        recipient_kind="party",
        recipient_id=person.id,
        name=person.name,
        email=person.email,
        start=start,
        end=end,
        summary=title,
        subject=title,
        location=location,
        description="\n".join(lines),
        url=None,
        fingerprint=fingerprint(
            {
                "session": row.session,
                "start": start,
                "end": end,
                "mode": row.mode,
                "venue": row.venue,
                "join": sender.video_join if row.mode == "video" else None,
                "facilitators": facilitator_ids,
            }
        ),
        facts={k: v for k, v in facts.items() if v},
        file_label=file_label(row.start, case.reference, f"{FILE_KIND[row.mode]}-{person.role}"),
        session_id=row.session,
    )
