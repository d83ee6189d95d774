"""The hard rules as CP-SAT constraints: one function per rule, named after it.

Table of contents (rules of format.md):
  1 eligibility ........... options: an ineligible case gets no start (model.new_case_vars)
  2 facilitators .......... `facilitator_team`
  3 presence windows ...... options: start domains per case, venue and facilitator
  4 venue ................. `venue_rooms` (rooms, waiting rooms); needs/entrances in options
  5 custody, 6 safety ..... options: the venue domain; `facilitator_travel_limit`
  7 keep apart ............ `keep_apart`
  8 no double booking ..... `facilitator_no_overlap`, `travel_between_venues` (lazy cuts);
                            parties belong to one case, so they cannot be double booked
  9 workload .............. `workload`
 10 pinned ................ `pinned` (after `pins.check_pins` released the broken ones)

Case journeys (journeys.md), chosen whole among candidate journeys:
  S1, S2 whole case, one team ... `s1_whole_case`
  S3, S4–S5 static ........ inside each candidate (`journey_placement`, `session_options`)
  S4 rooms, S5 keep apart, S6 double booking and travel ... `s6_no_double_booking`
  S7 sessions per week .... `s7_session_workload`; rule 9 for conferences `workload_journeys`
  S8 pinned sessions ...... candidates keep them (`journeys._place_case`)
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from scheduler.domain import Meeting
from scheduler.engine.model import CaseVars, Model
from scheduler.engine.occupancy import (
    Engagement,
    Travel,
    partners_of,
    travel_between_places,
)
from scheduler.engine.occupancy import facilitator_no_overlap as overlap_py
from scheduler.engine.occupancy import keep_apart as keep_apart_py
from scheduler.engine.occupancy import travel_between_venues as travel_between_venues_py
from scheduler.engine.occupancy import venue_rooms as venue_rooms_py
from scheduler.engine.options import Options

if TYPE_CHECKING:
    from scheduler.engine.journey_placement import Journey
from scheduler.geo import haversine_km, travel_minutes


def facilitator_team(m: Model) -> None:
    """Rule 2: exactly `required` distinct facilitators, one lead, the 'at least one' needs."""
    for cv in m.cases.values():
        team = cv.opts.team
        cp = m.cp
        cp.add(sum(cv.x.values()) == team.required * cv.sched)
        cp.add(sum(cv.lead.values()) == cv.sched)
        for f, lit in cv.lead.items():
            cp.add_implication(lit, cv.x[f])
        for need in team.at_least_one:
            members = [lit for f, lit in cv.x.items() if f in need.members]
            cp.add(sum(members) >= cv.sched)


def facilitator_travel_limit(m: Model) -> None:
    """Rule 6: a facilitator never sits at a venue beyond their `max_travel_km`.

    One clause per (case, facilitator), "on the team ⇒ at one of the venues in reach"
    (exactly one venue is chosen when the case is scheduled), rather than one per
    unreachable (facilitator, venue) pair: on region size the pairs were 763,000 of
    the model's 970,000 constraints and took 7.5 s to build.
    """
    for cv in m.cases.values():
        for f, xl in cv.x.items():
            if cv.pinned is not None and f in cv.pinned.facilitators:
                continue  # a kept pin stands as it is (pins.check_pins checked it)
            reach = cv.opts.reach.get(f, frozenset())
            inside = [yl for v, yl in cv.y.items() if v in reach]
            if len(inside) < len(cv.y):
                m.cp.add_bool_or([xl.Not(), *inside])


def _on_site(m: Model, cv: CaseVars, lit: cp_model.IntVar, name: str, pad: int = 0):
    """The optional on-site interval `[s−B, e+F+pad)` present when `lit`."""
    return m.cp.new_optional_fixed_size_interval_var(
        cv.start - cv.before, cv.length + pad, lit, name
    )


def venue_rooms(m: Model) -> None:
    """Rule 4: one fitting room per meeting, rooms and waiting rooms never shared in time.

    Waiting rooms: every meeting holds two for its whole on-site window, so a
    cumulative of demand 2 per venue is enough, and the rooms are named afterwards
    (`solution_meetings.colour_waiting_rooms`). That is always possible: all intervals of one
    meeting are identical, so sweeping meetings by start, every meeting still on site
    when a new one starts overlaps it at that instant, and the cumulative says their
    demand plus 2 is at most the number of waiting rooms; two are free. A pinned
    meeting's waiting rooms are fixed, which the sweep cannot promise to respect, so at
    venues hosting a pin each waiting room gets its own booleans and no-overlap.
    """
    cp = m.cp
    pinned_venues = {p.venue for p in m.pinned.values()}
    by_room: dict[tuple[str, str], list] = defaultdict(list)
    by_venue: dict[str, list] = defaultdict(list)
    by_wait: dict[tuple[str, str], list] = defaultdict(list)
    for cv in m.cases.values():
        for v, yl in cv.y.items():
            venue = m.problem.venue_by_id[v]
            rooms = list(cv.opts.rooms.get(v, ()))
            if cv.pinned is not None and cv.pinned.venue == v and cv.pinned.room not in rooms:
                rooms.append(cv.pinned.room)
            lits = []
            for r in rooms:
                lit = cp.new_bool_var(f"room[{cv.case.id},{v},{r}]")
                cv.room[(v, r)] = lit
                lits.append(lit)
                by_room[(v, r)].append(_on_site(m, cv, lit, f"in[{cv.case.id},{v},{r}]"))
            cp.add(sum(lits) == yl)
            if v in pinned_venues:
                wl = []
                for w in venue.waiting_rooms:
                    lit = cp.new_bool_var(f"wait[{cv.case.id},{v},{w}]")
                    cv.wait[(v, w)] = lit
                    wl.append(lit)
                    by_wait[(v, w)].append(_on_site(m, cv, lit, f"w[{cv.case.id},{v},{w}]"))
                cp.add(sum(wl) == 2 * yl)
            else:
                by_venue[v].append(_on_site(m, cv, yl, f"at[{cv.case.id},{v}]"))
    for intervals in (*by_room.values(), *by_wait.values()):
        if len(intervals) > 1:
            cp.add_no_overlap(intervals)
    for v, intervals in by_venue.items():
        cap = len(m.problem.venue_by_id[v].waiting_rooms)
        if 2 * len(intervals) > cap:
            cp.add_cumulative(intervals, [2] * len(intervals), cap)


def keep_apart(m: Model) -> None:
    """Rule 7: listed pairs never at one venue with overlapping presence windows."""
    timing = m.options.timing
    for p, q in m.problem.keep_apart:
        cp_case = m.problem.case_of_party.get(p)
        cq_case = m.problem.case_of_party.get(q)
        if cp_case is None or cq_case is None or cp_case.id == cq_case.id:
            continue
        a, b = m.cases.get(cp_case.id), m.cases.get(cq_case.id)
        if a is None or b is None:
            continue
        pa, pb = cp_case.party(p), cq_case.party(q)
        if pa not in cp_case.attendees or pb not in cq_case.attendees:
            continue  # a supporter who does not attend is never at the venue
        for v in set(a.y) & set(b.y):
            intervals = []
            for cv, party in ((a, pa), (b, pb)):
                side = cv.case.side_of(party)
                lo, hi = timing.side_window(cv.case, side, 0)  # type: ignore[arg-type]
                intervals.append(
                    m.cp.new_optional_fixed_size_interval_var(
                        cv.start + lo, hi - lo, cv.y[v], f"apart[{party.id},{v}]"
                    )
                )
            m.cp.add_no_overlap(intervals)


def facilitator_no_overlap(m: Model) -> None:
    """Rule 8: a facilitator's on-site windows never overlap."""
    by_f: dict[str, list] = defaultdict(list)
    for cv in m.cases.values():
        for f, lit in cv.x.items():
            by_f[f].append(_on_site(m, cv, lit, f"fac[{cv.case.id},{f}]"))
    for intervals in by_f.values():
        if len(intervals) > 1:
            m.cp.add_no_overlap(intervals)


def travel_between_venues(m: Model, f: str, c1: str, v1: str, c2: str, v2: str) -> None:
    """Rule 8, travel part, as one lazy cut for (facilitator, case pair, venue pair).

    Present only when f sits on both meetings, at those venues, on the same local date;
    then the two on-site windows padded by the travel time at their end may not overlap,
    which is exactly "gap ≥ travel time" in either order.
    """
    key = (f, *sorted([(c1, v1), (c2, v2)])[0], *sorted([(c1, v1), (c2, v2)])[1])
    if key in m.travel_cuts:
        return
    m.travel_cuts.add(key)  # type: ignore[arg-type]
    cp = m.cp
    a, b = m.cases[c1], m.cases[c2]
    problem = m.problem
    km = haversine_km(problem.venue_by_id[v1].location, problem.venue_by_id[v2].location)
    pad = travel_minutes(km, problem.policy.travel_speed_kmh)
    same = cp.new_bool_var(f"sameday[{c1},{c2}]")
    cp.add(a.day_start == b.day_start).only_enforce_if(same)
    cp.add(a.day_start != b.day_start).only_enforce_if(same.Not())
    intervals = []
    for cv, v in ((a, v1), (b, v2)):
        lits = [cv.x[f], cv.y[v], same]
        both = cp.new_bool_var(f"trip[{f},{cv.case.id},{v}]")
        cp.add_bool_or([both, *(lit.Not() for lit in lits)])
        for lit in lits:
            cp.add_implication(both, lit)
        intervals.append(_on_site(m, cv, both, f"pad[{f},{cv.case.id},{v}]", pad))
    cp.add_no_overlap(intervals)


def workload(m: Model) -> None:
    """Rule 9: per facilitator, meetings per local date and per ISO week, by conference start.

    Each meeting puts a unit-length interval at its day's (week's) first instant, so
    meetings on one day (week) stack and a cumulative caps them.
    """
    per_day: dict[str, list] = defaultdict(list)
    per_week: dict[str, list] = defaultdict(list)
    for cv in m.cases.values():
        for f, lit in cv.x.items():
            per_day[f].append(
                m.cp.new_optional_fixed_size_interval_var(cv.day_start, 1, lit, f"d[{f}]")
            )
            per_week[f].append(
                m.cp.new_optional_fixed_size_interval_var(cv.week_start, 1, lit, f"w[{f}]")
            )
    for f, intervals in per_day.items():
        cap = m.problem.facilitator_by_id[f].max_meetings_per_day
        if cap is not None and len(intervals) > cap:
            m.cp.add_cumulative(intervals, [1] * len(intervals), cap)
    for f, intervals in per_week.items():
        cap = m.problem.facilitator_by_id[f].max_meetings_per_week
        if cap is not None and len(intervals) > cap:
            m.cp.add_cumulative(intervals, [1] * len(intervals), cap)


def pinned(m: Model) -> None:
    """Rule 10: a kept pin is fixed to its start, venue, room, waiting rooms and team."""
    cp = m.cp
    clock = m.options.clock
    for cid, meet in m.pinned.items():
        cv = m.cases[cid]
        cp.add(cv.sched == 1)
        cp.add(cv.start == clock.instant(meet.start))
        cp.add(cv.y[meet.venue] == 1)
        cp.add(cv.room[(meet.venue, meet.room)] == 1)
        for f, lit in cv.x.items():
            cp.add(lit == int(f in meet.facilitators))
        for f, lit in cv.lead.items():
            cp.add(lit == int(f == meet.lead))
        held = {a.waiting_room for a in meet.attendance}
        for (v, w), lit in cv.wait.items():
            if v == meet.venue:
                cp.add(lit == int(w in held))


# The rules in the order they are added to a fresh model.
RULES = (
    facilitator_team,
    facilitator_travel_limit,
    venue_rooms,
    keep_apart,
    facilitator_no_overlap,
    workload,
    pinned,
)


# --------------------------------------------------------------------------- journeys
#
# Case journeys (spec journeys.md) are chosen whole: each candidate journey (a team,
# its conference and every session, from `journey_placement`) is one literal, so
# S1 (whole case), S2 (one team), S3 (times, gap, `after`) and the static parts of
# S4–S5 hold inside every candidate. What is left across cases is below, one
# function per rule, each asking the rule's one Python form in `occupancy.py`.


@dataclass
class JourneySelection:
    """The literals of a journeys selection model: `x[(case, i)]` picks candidate i."""

    x: dict[tuple[str, int], cp_model.IntVar]
    loads: dict[str, list[cp_model.IntVar]]  # facilitator → its conference literals


def journey_selection(
    cp: cp_model.CpModel,
    options: Options,
    kept: list[Meeting],
    cands: dict[str, list[Journey]],
) -> JourneySelection:
    """The selection model's variables and every journeys rule across cases."""
    x = {
        (cid, i): cp.new_bool_var(f"journey[{cid},{i}]")
        for cid, js in cands.items()
        for i in range(len(js))
    }
    sel = JourneySelection(x, defaultdict(list))
    s1_whole_case(cp, sel, cands)
    s6_no_double_booking(cp, options, sel, cands)
    s7_session_workload(cp, options, kept, sel, cands)
    workload_journeys(cp, options, kept, sel, cands)
    return sel


def s1_whole_case(
    cp: cp_model.CpModel, sel: JourneySelection, cands: dict[str, list[Journey]]
) -> None:
    """S1/S2: a case is scheduled whole, by one journey (one team), or not at all."""
    for cid, js in cands.items():
        cp.add_at_most_one(sel.x[(cid, i)] for i in range(len(js)))


def s6_no_double_booking(
    cp: cp_model.CpModel,
    options: Options,
    sel: JourneySelection,
    cands: dict[str, list[Journey]],
) -> None:
    """Rules 4, 7, 8 and S4–S6 across cases: two journeys of different cases whose
    engagements share a room in time, bring a keep-apart pair together, put a
    facilitator in two places at once or leave too little travel time, exclude each other."""
    occ_travel = Travel(options.problem)
    partners = partners_of(options.problem)
    by_fac: dict[tuple[str, dt.date], list[tuple[str, int, Engagement]]] = defaultdict(list)
    by_venue: dict[tuple[str, dt.date], list[tuple[str, int, Engagement]]] = defaultdict(list)
    for cid, js in cands.items():
        for i, j in enumerate(js):
            for e in j.engagements:
                for f in e.facilitators:
                    by_fac[(f, e.day)].append((cid, i, e))
                if e.venue is not None:
                    by_venue[(e.venue, e.day)].append((cid, i, e))
    clash: set[tuple[tuple[str, int], tuple[str, int]]] = set()

    def place(e: Engagement) -> tuple[float, float] | None:
        if e.kind == "session":
            return e.place
        loc = options.problem.venue_by_id[e.venue or ""].location
        return (loc.lat, loc.lon)

    def pairs(group: list[tuple[str, int, Engagement]]):  # type: ignore[no-untyped-def]
        for n, a in enumerate(group):
            for b in group[n + 1 :]:
                if a[0] != b[0]:
                    yield a, b

    for group in by_fac.values():
        group.sort(key=lambda t: t[2].staff)
        for (ca, ia, ea), (cb, ib, eb) in pairs(group):
            bad = overlap_py(ea, eb) is not None
            if not bad and "session" in (ea.kind, eb.kind):
                pa, pb = place(ea), place(eb)
                if pa is not None and pb is not None and pa != pb:
                    bad = travel_between_places(
                        replace(ea, place=pa), replace(eb, place=pb), occ_travel.between(pa, pb)
                    )
            elif not bad and ea.venue and eb.venue and ea.venue != eb.venue:
                bad = travel_between_venues_py(ea, eb, occ_travel.minutes(ea.venue, eb.venue))
            if bad:
                clash.add(((ca, ia), (cb, ib)))
    for group in by_venue.values():
        for (ca, ia, ea), (cb, ib, eb) in pairs(group):
            if venue_rooms_py(ea, eb) or keep_apart_py(ea, eb, partners):
                clash.add(((ca, ia), (cb, ib)))
    for a, b in clash:
        cp.add_bool_or([sel.x[a].Not(), sel.x[b].Not()])


def s7_session_workload(
    cp: cp_model.CpModel,
    options: Options,
    kept: list[Meeting],
    sel: JourneySelection,
    cands: dict[str, list[Journey]],
) -> None:
    """S7: `max_sessions_per_week` over the selected journeys' sessions."""
    fb = options.problem.facilitator_by_id
    count: dict[tuple[str, tuple[int, int]], list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    for cid, js in cands.items():
        for i, j in enumerate(js):
            per: Counter[tuple[str, tuple[int, int]]] = Counter()
            for e in j.engagements:
                if e.kind == "session":
                    for f in e.facilitators:
                        if fb[f].max_sessions_per_week is not None:
                            per[(f, e.week)] += 1
            for key, n in per.items():
                count[key].append((n, sel.x[(cid, i)]))
    for (f, _), terms in count.items():
        cap = fb[f].max_sessions_per_week
        assert cap is not None
        if sum(n for n, _ in terms) > cap:
            cp.add(sum(n * lit for n, lit in terms) <= cap)


def workload_journeys(
    cp: cp_model.CpModel,
    options: Options,
    kept: list[Meeting],
    sel: JourneySelection,
    cands: dict[str, list[Journey]],
) -> None:
    """Rule 9 over the selected journeys' conferences (kept pins count as given)."""
    fb = options.problem.facilitator_by_id
    day: dict[tuple[str, dt.date], list[cp_model.IntVar]] = defaultdict(list)
    week: dict[tuple[str, tuple[int, int]], list[cp_model.IntVar]] = defaultdict(list)
    for cid, js in cands.items():
        for i, j in enumerate(js):
            m = j.meeting
            if m is None or any(k.case == cid for k in kept):
                if m is not None:
                    for f in m.facilitators:
                        sel.loads[f].append(sel.x[(cid, i)])
                continue
            iso = m.start.date().isocalendar()
            for f in m.facilitators:
                day[(f, m.start.date())].append(sel.x[(cid, i)])
                week[(f, (iso[0], iso[1]))].append(sel.x[(cid, i)])
                sel.loads[f].append(sel.x[(cid, i)])
    fixed_day: Counter[tuple[str, dt.date]] = Counter()
    fixed_week: Counter[tuple[str, tuple[int, int]]] = Counter()
    for k in kept:
        iso = k.start.date().isocalendar()
        for f in k.facilitators:
            fixed_day[(f, k.start.date())] += 1
            fixed_week[(f, (iso[0], iso[1]))] += 1
    for (f, d), lits in day.items():
        cap = fb[f].max_meetings_per_day
        if cap is not None and len(lits) + fixed_day[(f, d)] > cap:
            cp.add(sum(lits) + fixed_day[(f, d)] <= cap)
    for (f, wk), lits in week.items():
        cap = fb[f].max_meetings_per_week
        if cap is not None and len(lits) + fixed_week[(f, wk)] > cap:
            cp.add(sum(lits) + fixed_week[(f, wk)] <= cap)
