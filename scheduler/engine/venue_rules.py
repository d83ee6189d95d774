"""Rules 4-6, the parts that need no other meeting: which venues are safe and suitable
for a case (rooms that fit, access, entrances, custody, exclusion zones, the victim's
locality, parties' travel), and which venues each facilitator can reach.

One function per rule, named after it, so the reasons, `explain` and `suggest` can ask
which venues one rule removed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scheduler.domain import Case, Facilitator, Party, Problem, Venue
from scheduler.geo import EARTH_RADIUS_KM, haversine_km


def head_count(case: Case) -> int:
    """Attendees plus facilitators required (rule 4)."""
    return len(case.attendees) + case.effective_facilitators_required


def fitting_rooms(case: Case, venue: Venue) -> tuple[str, ...]:
    n = head_count(case)
    return tuple(r.id for r in venue.rooms if r.capacity >= n)


def room_capacity(case: Case, venue: Venue) -> bool:
    return bool(fitting_rooms(case, venue))


def access(case: Case, venue: Venue) -> bool:
    """Attendees' step-free and hearing-loop needs are met by the venue."""
    for p in case.attendees:
        if p.needs.step_free and not venue.step_free:
            return False
        if p.needs.hearing_loop and not venue.hearing_loop:
            return False
    return True


def separate_entrances(case: Case, venue: Venue) -> bool:
    if not case.requires_separate_entrances:
        return True
    return venue.separate_entrances and len(venue.entrances or []) >= 2


def custody(case: Case, venue: Venue) -> bool:
    """Rule 5: custody cases at the prison holding every offender in custody; prisons host only those."""
    prisons = case.custody_prisons
    if venue.kind == "prison":
        return bool(prisons) and venue.prison is not None and prisons == {venue.prison}
    return not prisons


def exclusion_zones(case: Case, venue: Venue) -> bool:
    """Rule 6: outside every offender's exclusion zone (on the circle counts as inside)."""
    for p in case.offenders:
        for z in p.exclusion_zones:
            if haversine_km(z.center, venue.location) <= z.radius_km:
                return False
    return True


def victim_locality(problem: Problem, case: Case, venue: Venue) -> bool:
    if not case.effective_protect_victim_locality:
        return True
    least = problem.policy.min_victim_home_distance_km
    return all(
        haversine_km(v.home, venue.location) >= least for v in case.victims if v.home is not None
    )


def party_travel(case: Case, venue: Venue) -> bool:
    """Every attendee's `max_travel_km` (custody exempt; no home = no distance to check)."""
    return all(party_reaches(p, venue) for p in case.attendees)


def party_reaches(p: Party, venue: Venue) -> bool:
    if p.in_custody or p.max_travel_km is None or p.home is None:
        return True
    return haversine_km(p.home, venue.location) <= p.max_travel_km


def facilitator_reaches(f: Facilitator, venue: Venue) -> bool:
    """Rule 6, facilitator part: kept apart from the venue filter (NO_SAFE_VENUE ignores it)."""
    return f.max_travel_km is None or haversine_km(f.home, venue.location) <= f.max_travel_km


# The venue rules in the order they are applied; `safe_venues` reports what each removed.
VENUE_RULES: tuple[str, ...] = (
    "custody",
    "room_capacity",
    "access",
    "separate_entrances",
    "exclusion_zones",
    "victim_locality",
    "party_travel",
)


def venue_rule_ok(problem: Problem, case: Case, venue: Venue, rule: str) -> bool:
    if rule == "victim_locality":
        return victim_locality(problem, case, venue)
    return {
        "custody": custody,
        "room_capacity": room_capacity,
        "access": access,
        "separate_entrances": separate_entrances,
        "exclusion_zones": exclusion_zones,
        "party_travel": party_travel,
    }[rule](case, venue)


@dataclass(frozen=True)
class VenueFilter:
    """Rules 4–6 (static parts) for one case.

    `safe` are the venue ids that pass every rule; `removed[rule]` lists the venues
    each rule rejected *on its own* (a venue failing two rules appears under both),
    so explain/suggest can say what relaxing one rule would give back.
    """

    safe: tuple[str, ...]
    removed: dict[str, tuple[str, ...]]


def safe_venues(problem: Problem, case: Case) -> VenueFilter:
    removed: dict[str, list[str]] = {r: [] for r in VENUE_RULES}
    safe = []
    for v in problem.venues:
        ok = True
        for rule in VENUE_RULES:
            if not venue_rule_ok(problem, case, v, rule):
                removed[rule].append(v.id)
                ok = False
        if ok:
            safe.append(v.id)
    return VenueFilter(tuple(safe), {k: tuple(x) for k, x in removed.items()})


def facilitator_reach(problem: Problem) -> dict[str, frozenset[str]]:
    """Rule 6, facilitator part, for every (facilitator, venue) pair at once.

    The great-circle distance is at least the latitude difference along a meridian, so
    a pair further apart in latitude than the limit (plus a km of slack for rounding)
    is skipped without the haversine: at national size (2,000 × 450 pairs, computed per
    case before) that check settles most pairs.
    """
    per_degree = EARTH_RADIUS_KM * math.pi / 180
    all_venues = frozenset(v.id for v in problem.venues)
    out: dict[str, frozenset[str]] = {}
    for f in problem.facilitators:
        limit = f.max_travel_km
        if limit is None:
            out[f.id] = all_venues
            continue
        out[f.id] = frozenset(
            v.id
            for v in problem.venues
            if abs(v.location.lat - f.home.lat) * per_degree <= limit + 1
            and facilitator_reaches(f, v)
        )
    return out
