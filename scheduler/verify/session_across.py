"""The session rules across engagements (spec journeys.md S4–S6): rooms, keep apart, double
booking and travel. Only pairs with at least one session are checked here: two
conferences are rules 4, 7 and 8's, so a plan without sessions is checked as before.
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import combinations

from scheduler.geo import haversine_km
from scheduler.verify.engagements import Engagement, PersonKey
from scheduler.verify.plan_context import Context, overlaps
from scheduler.verify.session_rules import violation
from scheduler.verify.violation import Violation


def _pairs(items: list[Engagement]) -> list[tuple[Engagement, Engagement]]:
    """Pairs in time order with at least one session."""
    items = sorted(items, key=lambda g: (g.on_site, g.key))
    return [(a, b) for a, b in combinations(items, 2) if "session" in (a.key[0], b.key[0])]


def s4_rooms(ctx: Context) -> list[Violation]:
    """A session's room is used by nothing else in its facilitator window."""
    if not ctx.plan.sessions:
        return []  # every pair checked here has a session
    out = []
    held: dict[tuple[str, str], list[Engagement]] = defaultdict(list)
    for g in ctx.engagements:
        if g.venue is not None and g.room is not None:
            held[(g.venue.id, g.room)].append(g)
    for (vid, rid), uses in held.items():
        for a, b in _pairs(uses):
            if overlaps(a.on_site, b.on_site):
                out.append(
                    violation(
                        "S4",
                        b.case,
                        f"room {vid}/{rid} is used by {a.label} {ctx.fmt_window(a.on_site)} and "
                        f"{b.label} {ctx.fmt_window(b.on_site)} at once",
                        a.key,
                        b.key,
                    )
                )
    return out


def s5_keep_apart(ctx: Context) -> list[Violation]:
    """Rule 7 counts session presence at venues like conference presence."""
    if not ctx.plan.sessions:
        return []  # every pair checked here has a session
    out = []
    at_venue: dict[str, list[tuple[Engagement, tuple[int, int]]]] = defaultdict(list)
    for g in ctx.engagements:
        if g.venue is None:
            continue
        for (kind, pid), window in g.people:
            if kind == "party":
                at_venue[pid].append((g, window))
    for a, b in ctx.problem.keep_apart:
        for ga, wa in at_venue.get(a, []):
            for gb, wb in at_venue.get(b, []):
                if "session" not in (ga.key[0], gb.key[0]):
                    continue  # two conferences: rule 7
                assert ga.venue is not None
                assert gb.venue is not None
                if ga.venue.id == gb.venue.id and overlaps(wa, wb):
                    out.append(
                        violation(
                            "S5",
                            ga.case,
                            f"{a} ({ga.label}) {ctx.fmt_window(wa)} and {b} ({gb.label}) "
                            f"{ctx.fmt_window(wb)} are both at venue {ga.venue.id}",
                            ga.key,
                            gb.key,
                        )
                    )
    return out


def s6_no_double_booking(ctx: Context) -> list[Violation]:
    """Nobody in two overlapping windows; travel time between a facilitator's in-person
    engagements on the same local date (a venue, or the visited party's home)."""
    if not ctx.plan.sessions:
        return []  # every pair checked here has a session
    out = []
    by_person: dict[PersonKey, list[tuple[Engagement, tuple[int, int]]]] = defaultdict(list)
    for g in ctx.engagements:
        for person, window in g.people:
            by_person[person].append((g, window))
    for (kind, pid), uses in by_person.items():
        uses.sort(key=lambda u: (u[1], u[0].key))
        for (ga, wa), (gb, wb) in combinations(uses, 2):
            if "session" in (ga.key[0], gb.key[0]) and overlaps(wa, wb):
                out.append(
                    violation(
                        "S6",
                        gb.case,
                        f"{kind} {pid} is booked for {ga.label} {ctx.fmt_window(wa)} and "
                        f"{gb.label} {ctx.fmt_window(wb)}",
                        ga.key,
                        gb.key,
                    )
                )
    out += _travel(ctx)
    return out


def _travel(ctx: Context) -> list[Violation]:
    out = []
    speed = ctx.problem.policy.travel_speed_kmh
    by_facilitator: dict[str, list[Engagement]] = defaultdict(list)
    for g in ctx.engagements:
        if g.place is not None:
            for f in g.facilitators:
                by_facilitator[f].append(g)
    for fid, uses in by_facilitator.items():
        for a, b in _pairs(uses):
            if ctx.local_date(a.start) != ctx.local_date(b.start) or overlaps(a.on_site, b.on_site):
                continue
            assert a.place is not None
            assert b.place is not None
            gap = b.on_site[0] - a.on_site[1]
            need = max(0, math.ceil(haversine_km(a.place, b.place) / speed * 60 - 1e-9))
            if gap < need:
                out.append(
                    violation(
                        "S6",
                        b.case,
                        f"facilitator {fid} has {gap} min between leaving {a.label} at "
                        f"{ctx.fmt(a.on_site[1])} and reaching {b.label} at {ctx.fmt(b.on_site[0])}; "
                        f"travel takes {need} min",
                        a.key,
                        b.key,
                    )
                )
    return out
