"""The static clauses of rules 1, 2 and 4–6: one place each, shared by the rule checks
of a plan and by the checks of unscheduled reasons (NO_CONSENT, NO_SAFE_VENUE, ...).

Each function returns plain-language problems; an empty list means the clause holds.
"""

from __future__ import annotations

from scheduler.domain import Case, Facilitator, Problem, Venue
from scheduler.geo import haversine_km
from scheduler.verify.plan_context import attending

VICTIM_INITIATED_ONLY = ("domestic_abuse", "sexual_harm")
SENSITIVE = ("domestic_abuse", "sexual_harm", "hate_crime", "stalking")


def sensitive_complex(case: Case) -> bool:
    return case.offence in SENSITIVE or case.risk == "high"


def required_facilitators(case: Case) -> int:
    return 2 if sensitive_complex(case) else case.facilitators_required


def protects_locality(case: Case) -> bool:
    if case.protect_victim_locality is None:
        return sensitive_complex(case)
    return case.protect_victim_locality


# --------------------------------------------------------------------------- rule 1


def eligibility_problems(case: Case) -> list[tuple[str, str]]:
    """(reason code, message) for each clause of rule 1 the case fails.

    The under-16 clause applies to everyone who attends (victims, offenders and
    consenting supporters): a supporter who has not consented is not there.
    """
    out: list[tuple[str, str]] = []
    for p in case.parties:
        if p.role != "supporter" and p.consent is not True:
            out.append(("NO_CONSENT", f"{p.role} {p.id} has not consented"))
    if case.offence in VICTIM_INITIATED_ONLY and not case.victim_initiated:
        out.append(("NOT_ELIGIBLE_DIRECT", f"{case.offence} case not initiated by the victim"))
    people = attending(case)
    for p, side in people:
        if p.age is not None and p.age < 16:
            carers = [
                q
                for q, s in people
                if s == side and q.role == "supporter" and q.relationship == "parent_carer"
            ]
            if not carers:
                out.append(
                    (
                        "MISSING_APPROPRIATE_ADULT",
                        f"{p.id} is {p.age} and the {side} side has no parent or carer supporter",
                    )
                )
    return out


# --------------------------------------------------------------------------- rule 2


def facilitator_problems(case: Case, lead: Facilitator, cos: list[Facilitator]) -> list[str]:
    """Every clause of rule 2 that this team (lead + co-facilitators) breaks."""
    team = [lead, *cos]
    out: list[str] = []
    need = required_facilitators(case)
    ids = [f.id for f in team]
    if len(set(ids)) != len(ids):
        out.append(f"facilitators {', '.join(ids)} are not distinct")
    if len(team) != need:
        out.append(f"has {len(team)} facilitator(s) ({', '.join(ids)}), needs exactly {need}")
    if lead.level not in ("intermediate", "advanced"):
        out.append(f"lead {lead.id} is {lead.level}; a lead must be intermediate or advanced")
    if sensitive_complex(case):
        if lead.level != "advanced" or "sensitive_complex" not in lead.skills:
            out.append(
                f"lead {lead.id} of a sensitive-and-complex case is not advanced with sensitive_complex"
            )
        for f in cos:
            if "sensitive_complex" not in f.skills:
                out.append(
                    f"co-facilitator {f.id} of a sensitive-and-complex case lacks sensitive_complex"
                )
    if case.offence in VICTIM_INITIATED_ONLY and case.offence not in lead.skills:
        out.append(f"lead {lead.id} lacks the {case.offence} skill")
    if case.offence == "hate_crime" and not any("hate_crime" in f.skills for f in team):
        out.append(f"no facilitator among {', '.join(ids)} has hate_crime")
    people = [p for p, _ in attending(case)]
    young = [p.id for p in people if p.age is not None and p.age < 18]
    if young and not any("youth" in f.skills for f in team):
        out.append(
            f"{', '.join(young)} under 18 but no facilitator among {', '.join(ids)} has youth"
        )
    if any(p.in_custody for p in case.offenders):
        for f in team:
            if "prison" not in f.skills:
                out.append(f"facilitator {f.id} lacks prison, and an offender is in custody")
    for p in people:
        wish = p.facilitator_gender
        if wish is not None and wish.required and not any(f.gender == wish.value for f in team):
            out.append(f"{p.id} requires a {wish.value} facilitator; none of {', '.join(ids)} is")
    party_ids = {p.id for p in case.parties}
    for f in team:
        clash = sorted(party_ids.intersection(f.conflicts))
        if clash:
            out.append(f"facilitator {f.id} has a declared conflict with {', '.join(clash)}")
    return out


def some_team_qualifies(problem: Problem, case: Case) -> bool:
    """Is there any set of facilitators meeting rule 2 (availability aside)? Exhaustive."""
    need = required_facilitators(case)
    staff = problem.facilitators
    for lead in staff:
        if need == 1:
            if not facilitator_problems(case, lead, []):
                return True
            continue
        for co in staff:
            if co.id != lead.id and not facilitator_problems(case, lead, [co]):
                return True
    return False


# --------------------------------------------------------------------------- rules 4–6


def venue_problems(problem: Problem, case: Case, venue: Venue) -> list[tuple[int, str]]:
    """(rule, message) for each static clause of rules 4–6 the venue breaks for the case.

    Covers access needs, the separate-entrances flag, custody, exclusion zones, victim
    locality and parties' travel limits; the plan-specific parts of rule 4 (the room
    used, waiting rooms, entrances) and facilitators' travel limits are checked apart.
    """
    out: list[tuple[int, str]] = []
    people = attending(case)
    for p, _ in people:
        if p.needs.step_free and not venue.step_free:
            out.append((4, f"{p.id} needs step-free access; venue {venue.id} is not step-free"))
        if p.needs.hearing_loop and not venue.hearing_loop:
            out.append((4, f"{p.id} needs a hearing loop; venue {venue.id} has none"))
    if case.requires_separate_entrances and not venue.separate_entrances:
        out.append((4, f"case requires separate entrances; venue {venue.id} has none"))
    held = sorted({p.in_custody for p in case.offenders if p.in_custody})
    if held and (venue.kind != "prison" or len(held) != 1 or venue.prison != held[0]):
        out.append(
            (
                5,
                f"offender(s) held at {', '.join(held)} but venue {venue.id} is a {venue.kind} venue"
                + (f" of {venue.prison}" if venue.prison else ""),
            )
        )
    if venue.kind == "prison" and not any(
        p.in_custody and p.in_custody == venue.prison for p in case.offenders
    ):
        out.append(
            (
                5,
                f"prison venue {venue.id} ({venue.prison}) hosts a case with no offender held there",
            )
        )
    for p in case.offenders:
        for zone in p.exclusion_zones:
            d = haversine_km(zone.center, venue.location)
            if d <= zone.radius_km:  # on the circle counts as inside
                out.append(
                    (
                        6,
                        f"venue {venue.id} is {d:.2f} km from the centre of an exclusion zone of offender {p.id}, "
                        f"inside its {zone.radius_km} km radius",
                    )
                )
    if protects_locality(case):
        least = problem.policy.min_victim_home_distance_km
        for p in case.victims:
            if p.home is not None:
                d = haversine_km(p.home, venue.location)
                if d < least:
                    out.append(
                        (
                            6,
                            f"venue {venue.id} is {d:.2f} km from victim {p.id}'s home, less than {least} km",
                        )
                    )
    for p, _ in people:
        if p.max_travel_km is not None and not p.in_custody and p.home is not None:
            d = haversine_km(p.home, venue.location)
            if d > p.max_travel_km:
                out.append(
                    (
                        6,
                        f"venue {venue.id} is {d:.2f} km from {p.id}'s home, beyond their {p.max_travel_km} km",
                    )
                )
    return out


def facilitator_travel_problem(f: Facilitator, venue: Venue) -> str | None:
    if f.max_travel_km is None:
        return None
    d = haversine_km(f.home, venue.location)
    if d > f.max_travel_km:
        return f"venue {venue.id} is {d:.2f} km from facilitator {f.id}'s home, beyond their {f.max_travel_km} km"
    return None


def head_count(case: Case) -> int:
    """Attending parties and supporters plus the facilitators the case needs."""
    return len(attending(case)) + required_facilitators(case)


def venue_is_safe(problem: Problem, case: Case, venue: Venue) -> bool:
    """Rules 4–6 hold statically: a big enough room and every static clause."""
    big_enough = any(r.capacity >= head_count(case) for r in venue.rooms)
    return (
        big_enough
        and len(set(venue.waiting_rooms)) >= 2
        and not venue_problems(problem, case, venue)
    )
