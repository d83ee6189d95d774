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
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.engine.model import CaseVars, Model
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
