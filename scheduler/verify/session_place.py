"""Hard rules S4 (place) and S5 (safety) session by session (spec journeys.md).

Rooms used twice and keep-apart, which look across engagements, are in `session_across`.
"""

from __future__ import annotations

from scheduler.geo import haversine_km
from scheduler.verify.engagements import SessionUse
from scheduler.verify.plan_context import Context
from scheduler.verify.session_rules import violation
from scheduler.verify.violation import Violation

# --------------------------------------------------------------------------- S4 (per session)


def s4_place(ctx: Context) -> list[Violation]:
    """Mode allowed; home visits (home, custody, team, reach); venue room, access, custody."""
    out = []
    for u in ctx.session_uses:
        c, mode = u.case.id, u.row.mode
        if mode not in u.spec.modes:
            out.append(
                violation(
                    "S4",
                    c,
                    f"{u.label} is held by {mode}, which its modes ({', '.join(u.spec.modes)}) do not allow",
                    u.key,
                )
            )
        if mode == "home":
            out += _home_problems(u)
        elif mode == "venue":
            out += _venue_problems(u)
    return out


def _home_problems(u: SessionUse) -> list[Violation]:
    c, party, out = u.case.id, u.party, []
    if party.home is None:
        out.append(
            violation("S4", c, f"{u.label} is a home visit, but {party.id} has no home", u.key)
        )
    if party.in_custody:
        out.append(
            violation(
                "S4",
                c,
                f"{u.label} is a home visit, but {party.id} is in custody at {party.in_custody}",
                u.key,
            )
        )
    if u.guarded_home_visit and len(u.facilitators) < 2:
        why = "to an offender" if party.role == "offender" else "in a sensitive-and-complex case"
        out.append(
            violation(
                "S4",
                c,
                f"{u.label} is a home visit {why}: it needs at least two facilitators",
                u.key,
            )
        )
    if party.home is not None:
        for f in u.facilitators:
            d = haversine_km(f.home, party.home)
            if f.max_travel_km is not None and d > f.max_travel_km:
                out.append(
                    violation(
                        "S4",
                        c,
                        f"the home visited in {u.label} is {d:.2f} km from facilitator {f.id}'s home, "
                        f"beyond their {f.max_travel_km} km",
                        u.key,
                    )
                )
    return out


def _venue_problems(u: SessionUse) -> list[Violation]:
    venue, c, party, out = u.venue, u.case.id, u.party, []
    assert venue is not None
    room = venue.room(u.row.room or "")
    if room is None:
        out.append(
            violation(
                "S4", c, f"{u.label}: room {u.row.room} does not exist at venue {venue.id}", u.key
            )
        )
    else:
        need = len(u.attendees) + len(u.facilitators)
        if room.capacity < need:
            out.append(
                violation(
                    "S4",
                    c,
                    f"{u.label}: room {venue.id}/{room.id} holds {room.capacity}, the session needs {need}",
                    u.key,
                )
            )
    for p in u.attendees:
        if p.needs.step_free and not venue.step_free:
            out.append(
                violation(
                    "S4",
                    c,
                    f"{p.id} needs step-free access; venue {venue.id} is not step-free",
                    u.key,
                )
            )
        if p.needs.hearing_loop and not venue.hearing_loop:
            out.append(
                violation("S4", c, f"{p.id} needs a hearing loop; venue {venue.id} has none", u.key)
            )
    held = party.in_custody if party.role == "offender" else None
    if held and (venue.kind != "prison" or venue.prison != held):
        out.append(
            violation(
                "S4",
                c,
                f"offender {party.id} is held at {held}: {u.label} must be at its prison venue or by video, "
                f"not at venue {venue.id}",
                u.key,
            )
        )
    if venue.kind == "prison" and not (held and venue.prison == held):
        out.append(
            violation(
                "S4",
                c,
                f"prison venue {venue.id} ({venue.prison}) hosts {u.label}, whose party {party.id} is "
                "not an offender held there",
                u.key,
            )
        )
    return out


# --------------------------------------------------------------------------- S5 (per session)


def s5_safety(ctx: Context) -> list[Violation]:
    """Travel limits of everyone present at a venue session; the offender's exclusion zones.
    (`keep_apart` across engagements is in `session_across`.)"""
    out = []
    for u in ctx.session_uses:
        venue, c = u.venue, u.case.id
        if venue is None:
            continue
        for f in u.facilitators:
            d = haversine_km(f.home, venue.location)
            if f.max_travel_km is not None and d > f.max_travel_km:
                out.append(
                    violation(
                        "S5",
                        c,
                        f"venue {venue.id} of {u.label} is {d:.2f} km from facilitator {f.id}'s home, "
                        f"beyond their {f.max_travel_km} km",
                        u.key,
                    )
                )
        for p in u.attendees:
            if p.max_travel_km is None or p.in_custody or p.home is None:
                continue
            d = haversine_km(p.home, venue.location)
            if d > p.max_travel_km:
                out.append(
                    violation(
                        "S5",
                        c,
                        f"venue {venue.id} of {u.label} is {d:.2f} km from {p.id}'s home, beyond their "
                        f"{p.max_travel_km} km",
                        u.key,
                    )
                )
        if u.party.role == "offender":
            for zone in u.party.exclusion_zones:
                d = haversine_km(zone.center, venue.location)
                if d <= zone.radius_km:  # on the circle counts as inside
                    out.append(
                        violation(
                            "S5",
                            c,
                            f"venue {venue.id} of {u.label} is {d:.2f} km from the centre of an exclusion "
                            f"zone of offender {u.party.id}, inside its {zone.radius_km} km radius",
                            u.key,
                        )
                    )
    return out
