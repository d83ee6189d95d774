"""Hard rules 1–10 of the spec, one function each, named after the rule.

Each takes the shared `Context` and returns the violations it finds. Unknown ids
(case, venue, facilitator) are the document checks' business; the rules skip them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from scheduler.domain import Meeting, Venue
from scheduler.geo import haversine_km
from scheduler.verify.clauses import (
    eligibility_problems,
    facilitator_problems,
    facilitator_travel_problem,
    venue_problems,
)
from scheduler.verify.plan_context import Context, Interval, Timing, attending, overlaps
from scheduler.verify.violation import Violation

# --------------------------------------------------------------------------- per meeting


def rule_1_eligibility(ctx: Context) -> list[Violation]:
    out = []
    for m in ctx.plan.meetings:
        case = ctx.case(m)
        if case is not None:
            out += [
                Violation(1, case.id, f"scheduled, but {msg}")
                for _, msg in eligibility_problems(case)
            ]
    return out


def rule_2_facilitators(ctx: Context) -> list[Violation]:
    out = []
    by_id = ctx.problem.facilitator_by_id
    for m in ctx.plan.meetings:
        case = ctx.case(m)
        if case is None or m.lead not in by_id:
            continue
        cos = [by_id[f] for f in m.co_facilitators if f in by_id]
        out += [
            Violation(2, case.id, msg) for msg in facilitator_problems(case, by_id[m.lead], cos)
        ]
    return out


def rule_3_presence_windows(ctx: Context) -> list[Violation]:
    """Windows clear of the clock change, inside the horizon and availability; dates in range."""
    out = []
    lo, hi = ctx.horizon
    for m, case, venue, t in ctx.checkable:
        c = case.id
        first, last = ctx.problem.case_earliest(case), ctx.problem.case_latest(case)
        start_day, end_day = ctx.local_date(t.s), ctx.local_date(t.e - 1)
        if start_day < first or end_day > last:
            out.append(
                Violation(
                    3,
                    c,
                    f"conference {ctx.fmt_window((t.s, t.e))} is outside the case's dates {first}..{last}",
                )
            )
        windows: list[tuple[str, Interval, object]] = [
            (f"venue {venue.id}", t.on_site, venue.availability)
        ]
        windows += [(f"facilitator {f.id}", t.on_site, f.availability) for f in ctx.facilitators(m)]
        windows += [
            (f"party {p.id}", t.side_window(side), p.availability) for p, side in attending(case)
        ]
        for who, w, availability in windows:
            if not ctx.clock.window_is_clear(w[0], w[1]):
                out.append(
                    Violation(
                        3,
                        c,
                        f"{who}'s presence window {ctx.fmt_window(w)} crosses the clock change",
                    )
                )
            if w[0] < lo or w[1] > hi:
                out.append(
                    Violation(
                        3,
                        c,
                        f"{who}'s presence window {ctx.fmt_window(w)} falls outside the horizon",
                    )
                )
            elif not ctx.available(availability, w):
                out.append(
                    Violation(
                        3, c, f"{who} is not available for the whole window {ctx.fmt_window(w)}"
                    )
                )
    return out


def rule_4_venue(ctx: Context) -> list[Violation]:
    """Room, capacity, waiting rooms per side, access, entrances; rooms used once at a time."""
    out = []
    held: dict[tuple[str, str, str], list[tuple[Interval, str]]] = defaultdict(list)
    for m, case, venue, t in ctx.checkable:
        c = case.id
        out += [
            Violation(4, c, msg)
            for rule, msg in venue_problems(ctx.problem, case, venue)
            if rule == 4
        ]
        room = venue.room(m.room)
        if room is None:
            out.append(Violation(4, c, f"room {m.room} does not exist at venue {venue.id}"))
        else:
            need = len(attending(case)) + len(set(m.facilitators))
            if room.capacity < need:
                out.append(
                    Violation(
                        4,
                        c,
                        f"room {venue.id}/{room.id} holds {room.capacity}, the meeting needs {need}",
                    )
                )
            held[(venue.id, "room", room.id)].append((t.on_site, c))
        by_side: dict[str, set[str]] = defaultdict(set)
        entrances: dict[str, set[str]] = defaultdict(set)
        for row in m.attendance:
            by_side[row.side].add(row.waiting_room)
            if row.entrance is not None:
                entrances[row.side].add(row.entrance)
        for side in ("victim", "offender"):
            rooms = by_side.get(side, set())
            if len(rooms) > 1:
                out.append(
                    Violation(
                        4,
                        c,
                        f"the {side} side is split over waiting rooms {', '.join(sorted(rooms))}",
                    )
                )
            for w in rooms:
                if w not in venue.waiting_rooms:
                    out.append(
                        Violation(4, c, f"waiting room {w} does not exist at venue {venue.id}")
                    )
        if by_side.get("victim") and by_side["victim"] & by_side.get("offender", set()):
            shared = ", ".join(sorted(by_side["victim"] & by_side["offender"]))
            out.append(Violation(4, c, f"victim and offender sides share waiting room {shared}"))
        for w in set().union(*by_side.values()) if by_side else set():
            held[(venue.id, "waiting room", w)].append((t.on_site, c))
        if case.requires_separate_entrances and venue.separate_entrances and venue.entrances:
            both = entrances.get("victim", set()) & entrances.get("offender", set())
            if both:
                out.append(
                    Violation(
                        4,
                        c,
                        f"both sides use entrance {', '.join(sorted(both))} at venue {venue.id}",
                    )
                )
    for (v, kind, rid), uses in held.items():
        uses.sort()
        for i, (w1, c1) in enumerate(uses):
            for w2, c2 in uses[i + 1 :]:
                if overlaps(w1, w2):
                    out.append(
                        Violation(
                            4,
                            c1,
                            f"{kind} {v}/{rid} is used by {c1} {ctx.fmt_window(w1)} and {c2} "
                            f"{ctx.fmt_window(w2)} at once",
                            involves=(c1, c2),
                        )
                    )
    return out


def rule_5_custody(ctx: Context) -> list[Violation]:
    out = []
    for _, case, venue, _ in ctx.checkable:
        out += [
            Violation(5, case.id, msg)
            for rule, msg in venue_problems(ctx.problem, case, venue)
            if rule == 5
        ]
    return out


def rule_6_safety_distance(ctx: Context) -> list[Violation]:
    out = []
    for m, case, venue, _ in ctx.checkable:
        out += [
            Violation(6, case.id, msg)
            for rule, msg in venue_problems(ctx.problem, case, venue)
            if rule == 6
        ]
        for f in ctx.facilitators(m):
            msg = facilitator_travel_problem(f, venue)
            if msg:
                out.append(Violation(6, case.id, msg))
    return out


# --------------------------------------------------------------------------- across meetings


def _presence(ctx: Context) -> dict[str, list[tuple[Interval, str, str]]]:
    """ "facilitator F1" / "party P2" → (presence window, case, venue) for each meeting."""
    out: dict[str, list[tuple[Interval, str, str]]] = defaultdict(list)
    for m, case, venue, t in ctx.checkable:
        for f in dict.fromkeys(m.facilitators):
            out[f"facilitator {f}"].append((t.on_site, case.id, venue.id))
        for p, side in attending(case):
            out[f"party {p.id}"].append((t.side_window(side), case.id, venue.id))
    return out


def rule_7_keep_apart(ctx: Context) -> list[Violation]:
    out = []
    presence = _presence(ctx)
    for pair in ctx.problem.keep_apart:
        a, b = pair
        for wa, ca, va in presence.get(f"party {a}", []):
            for wb, cb, vb in presence.get(f"party {b}", []):
                if va == vb and overlaps(wa, wb):
                    out.append(
                        Violation(
                            7,
                            ca,
                            f"{a} ({ca}) {ctx.fmt_window(wa)} and {b} ({cb}) {ctx.fmt_window(wb)} "
                            f"are both at venue {va}",
                            involves=(ca, cb),
                        )
                    )
    return out


def rule_8_no_double_booking(ctx: Context) -> list[Violation]:
    """No overlapping presence; enough travel time between a facilitator's same-day meetings."""
    out = []
    for person, uses in _presence(ctx).items():
        uses = sorted(uses)
        for i, (w1, c1, _) in enumerate(uses):
            for w2, c2, _ in uses[i + 1 :]:
                if overlaps(w1, w2):
                    out.append(
                        Violation(
                            8,
                            c1,
                            f"{person} is booked for {c1} {ctx.fmt_window(w1)} and {c2} "
                            f"{ctx.fmt_window(w2)}",
                            involves=(c1, c2),
                        )
                    )
    speed = ctx.problem.policy.travel_speed_kmh
    by_facilitator: dict[str, list[tuple[Timing, str, Venue]]] = defaultdict(list)
    for m, case, venue, t in ctx.checkable:
        for f in dict.fromkeys(m.facilitators):
            by_facilitator[f].append((t, case.id, venue))
    for f, visits in by_facilitator.items():
        for i, (t1, c1, v1) in enumerate(visits):
            for t2, c2, v2 in visits[i + 1 :]:
                if ctx.local_date(t1.s) != ctx.local_date(t2.s) or v1.id == v2.id:
                    continue
                (ta, ca, va), (tb, cb, vb) = sorted(
                    [(t1, c1, v1), (t2, c2, v2)], key=lambda u: u[0].on_site
                )
                gap = tb.on_site[0] - ta.on_site[1]
                need = _travel_minutes(haversine_km(va.location, vb.location), speed)
                if gap < need:
                    out.append(
                        Violation(
                            8,
                            cb,
                            f"facilitator {f} has {gap} min between leaving {va.id} ({ca}) at "
                            f"{ctx.fmt(ta.on_site[1])} and reaching {vb.id} ({cb}) at "
                            f"{ctx.fmt(tb.on_site[0])}; travel takes {need} min",
                            involves=(ca, cb),
                        )
                    )
    return out


def _travel_minutes(km: float, speed_kmh: float) -> int:
    """km ÷ speed in minutes, rounded up; the 1e-9 keeps 12.000000001 from becoming 13."""
    return max(0, math.ceil(km / speed_kmh * 60 - 1e-9))


def rule_9_workload(ctx: Context) -> list[Violation]:
    out = []
    by_id = ctx.problem.facilitator_by_id
    per_day: dict[tuple[str, dt.date], list[str]] = defaultdict(list)
    per_week: dict[tuple[str, tuple[int, int]], list[str]] = defaultdict(list)
    for m, case, _, t in ctx.checkable:
        day = ctx.local_date(t.s)
        iso = day.isocalendar()
        for f in dict.fromkeys(m.facilitators):
            per_day[(f, day)].append(case.id)
            per_week[(f, (iso[0], iso[1]))].append(case.id)
    for (f, day), cases in per_day.items():
        cap = by_id[f].max_meetings_per_day if f in by_id else None
        if cap is not None and len(cases) > cap:
            out.append(
                Violation(
                    9,
                    cases[-1],
                    f"facilitator {f} has {len(cases)} meetings on {day} "
                    f"({', '.join(cases)}), more than {cap}",
                    involves=tuple(cases),
                )
            )
    for (f, (year, week)), cases in per_week.items():
        cap = by_id[f].max_meetings_per_week if f in by_id else None
        if cap is not None and len(cases) > cap:
            out.append(
                Violation(
                    9,
                    cases[-1],
                    f"facilitator {f} has {len(cases)} meetings in ISO week "
                    f"{year}-W{week:02d} ({', '.join(cases)}), more than {cap}",
                    involves=tuple(cases),
                )
            )
    return out


PER_PLAN_RULES = (
    rule_1_eligibility,
    rule_2_facilitators,
    rule_3_presence_windows,
    rule_4_venue,
    rule_5_custody,
    rule_6_safety_distance,
    rule_7_keep_apart,
    rule_8_no_double_booking,
    rule_9_workload,
)


def hard_rule_violations(ctx: Context) -> list[Violation]:
    """Rules 1–9 over every meeting of the context's plan."""
    return [v for rule in PER_PLAN_RULES for v in rule(ctx)]


def same_arrangement(a: Meeting, b: Meeting) -> bool:
    """Rule 10's "unchanged": start, venue, room, waiting rooms, entrances, lead, set of cos."""

    def per_side(m: Meeting, key: str) -> dict[str, frozenset[str | None]]:
        out: dict[str, set[str | None]] = defaultdict(set)
        for row in m.attendance:
            out[row.side].add(getattr(row, key))
        return {k: frozenset(v) for k, v in out.items()}

    return (
        a.start == b.start
        and a.venue == b.venue
        and a.room == b.room
        and a.lead == b.lead
        and set(a.co_facilitators) == set(b.co_facilitators)
        and per_side(a, "waiting_room") == per_side(b, "waiting_room")
        and per_side(a, "entrance") == per_side(b, "entrance")
    )
