"""Could a session be held anywhere? S4–S5's static clauses, for the NO_SAFE_VENUE reason of a
case without a conference ("no allowed mode and place meets S4–S5 for some session").

As for conferences, facilitators' travel limits are left aside (they depend on the team).
"""

from __future__ import annotations

from scheduler.domain import Case, Problem, Session, Venue
from scheduler.geo import haversine_km
from scheduler.verify.clauses import required_facilitators


def session_has_place(problem: Problem, case: Case, session: Session) -> bool:
    party = case.party(session.party)
    if party is None:
        return False
    for mode in session.modes:
        if mode == "video":
            return True
        if mode == "home" and party.home is not None and not party.in_custody:
            guarded = party.role == "offender" or case.sensitive_complex
            if not guarded or required_facilitators(case) >= 2:
                return True
        if mode == "venue" and any(venue_fits_session(case, session, v) for v in problem.venues):
            return True
    return False


def venue_fits_session(case: Case, session: Session, venue: Venue) -> bool:
    """S4–S5's static clauses for a session at `venue`."""
    party = case.party(session.party)
    if party is None:
        return False
    people = case.session_attendees(session)
    team = required_facilitators(case) if session.team else 1
    if not any(r.capacity >= len(people) + team for r in venue.rooms):
        return False
    if any(p.needs.step_free and not venue.step_free for p in people):
        return False
    if any(p.needs.hearing_loop and not venue.hearing_loop for p in people):
        return False
    held = party.in_custody if party.role == "offender" else None
    if held and (venue.kind != "prison" or venue.prison != held):
        return False
    if venue.kind == "prison" and not (held and venue.prison == held):
        return False
    for p in people:
        if p.max_travel_km is None or p.in_custody or p.home is None:
            continue
        if haversine_km(p.home, venue.location) > p.max_travel_km:
            return False
    if party.role == "offender":
        for zone in party.exclusion_zones:
            if haversine_km(zone.center, venue.location) <= zone.radius_km:
                return False
    return True
