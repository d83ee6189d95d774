"""Running CP-SAT on a model: solver settings, hints, rule 8's lazy travel cuts, and
the plan meetings read back from a solution.

Rule 8's travel between venues is added lazily: after each solve, any facilitator
with two same-day meetings at different venues too close in time gets exactly one cut
for that (facilitator, case pair, venue pair) and the level is solved again from the
previous solution. This is exact (the final solution is checked with no cut missing,
by the rule's Python form in `occupancy.py`) and cheap, since most facilitators have
at most one meeting a day.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from scheduler.domain import Meeting, Problem
from scheduler.engine import rules
from scheduler.engine.model import Model
from scheduler.engine.occupancy import Engagement, Travel, travel_between_venues
from scheduler.engine.solution_meetings import Chosen, chosen, colour_waiting_rooms, to_meeting


def _travel_violations(m: Model, picks: list[Chosen]) -> list[tuple[str, str, str, str, str]]:
    """(facilitator, case, venue, case, venue) for same-day pairs too close to travel
    between (`occupancy.travel_between_venues`, the rule's Python form)."""
    clock, timing = m.options.clock, m.options.timing
    travel = Travel(m.problem)
    by_fac: dict[tuple[str, object], list[Engagement]] = defaultdict(list)
    for c in picks:
        e = Engagement.planned(
            clock,
            timing,
            m.cases[c.case_id].case,
            c.start,
            venue=c.venue,
            facilitators=(c.lead, *c.cos),
        )
        for f in e.facilitators:
            by_fac[(f, e.day)].append(e)
    out = []
    for (f, _), items in by_fac.items():
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if a.venue is None or b.venue is None or a.venue == b.venue:
                    continue
                if travel_between_venues(a, b, travel.minutes(a.venue, b.venue)):
                    out.append((f, a.case, a.venue, b.case, b.venue))
    return out


def new_solver(seconds: float, workers: int) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = seconds
    s.parameters.num_workers = workers
    # Presolve probing spent whole seconds on the area-size model (tens of thousands
    # of literals) before any search; without it the first solution comes at once.
    s.parameters.cp_model_probing_level = 0
    # Presolve was still most of a level's time on region size: one pass and no
    # symmetry detection proved level 2 of region-tight in 27 s instead of 40 s.
    s.parameters.max_presolve_iterations = 1
    s.parameters.symmetry_level = 0
    return s


def hint_from_solution(m: Model, solver: cp_model.CpSolver) -> None:
    """Hint every variable of `m` with its value in `solver`'s solution."""
    m.cp.clear_hints()
    for var in m.all_vars():
        m.cp.add_hint(var, solver.value(var))


def solve_level(
    m: Model, level_end: float, workers: int, *, soft: bool = False
) -> tuple[cp_model.CpSolver, Any]:
    """Solve `m` until `level_end`, adding travel cuts (rule 8) until no clash is left.

    Returns the solver of the last solution with no travel clash and its status, or the
    last solver and its status when no such solution was found in time.
    """
    best: cp_model.CpSolver | None = None
    best_status = cp_model.UNKNOWN
    while True:
        # Each solve takes 3/4 of what is left of the level, so a solution that
        # needs a travel cut can still be repaired (on area, level 3 spent its
        # whole budget, needed one cut, and the 0.1 s left found nothing).
        left = level_end - time.monotonic()
        s = new_solver(max(0.05, left if left < 2 else 0.75 * left), workers)
        if soft:
            # No LP relaxation: more LNS rounds. Area, level 3 alone for 30 s from
            # the same start: 2,833 against 3,162 with the default (bound ~1,850).
            s.parameters.linearization_level = 0
        status = s.solve(m.cp)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        cuts = _travel_violations(m, chosen(m, s))
        if cuts:
            for cut in cuts:
                rules.travel_between_venues(m, *cut)
            hint_from_solution(m, s)
            continue
        best, best_status = s, status
        if status == cp_model.OPTIMAL or level_end - time.monotonic() < 1.5:
            break
        hint_from_solution(m, s)  # time left: go on improving from this solution
    if best is not None:
        return best, best_status
    return s, status


def hint_meetings(m: Model, meetings: list[Meeting]) -> None:
    """Hint a whole valid plan of the model's cases (the others hinted unscheduled).

    A complete hint is CP-SAT's first solution at once: on area size the greedy plan
    as hint gave level 2 its optimum in ~1 s, where a pins-only hint left it searching.
    """
    clock = m.options.clock
    by_case = {x.case: x for x in meetings}
    m.cp.clear_hints()
    for cid, cv in m.cases.items():
        meet = by_case.get(cid)
        if meet is None or meet.venue not in cv.y or meet.lead not in cv.lead:
            m.cp.add_hint(cv.sched, 0)
            for group in (cv.y, cv.x, cv.lead, cv.day, cv.room, cv.wait):
                for lit in group.values():
                    m.cp.add_hint(lit, 0)
            continue
        s = clock.instant(meet.start)
        date = clock.local_date(s)
        held = {a.waiting_room for a in meet.attendance}
        m.cp.add_hint(cv.sched, 1)
        m.cp.add_hint(cv.start, s)
        for v, lit in cv.y.items():
            m.cp.add_hint(lit, int(v == meet.venue))
        for f, lit in cv.x.items():
            m.cp.add_hint(lit, int(f in meet.facilitators))
        for f, lit in cv.lead.items():
            m.cp.add_hint(lit, int(f == meet.lead))
        for d, lit in cv.day.items():
            m.cp.add_hint(lit, int(d == date))
        for (v, r), lit in cv.room.items():
            m.cp.add_hint(lit, int(v == meet.venue and r == meet.room))
        for (v, w), lit in cv.wait.items():
            m.cp.add_hint(lit, int(v == meet.venue and w in held))


def extract_meetings(
    m: Model, solver: cp_model.CpSolver, problem: Problem, released: dict[str, str]
) -> list[Meeting]:
    picks = chosen(m, solver)
    waiting = colour_waiting_rooms(m, picks)
    clock = m.options.clock
    confirmed = {
        e.case: e for e in problem.existing if e.status == "confirmed" or e.case in released
    }
    out = []
    for c in picks:
        if c.case_id in m.pinned:
            status = "pinned"
        elif c.case_id in confirmed and (
            clock.instant(confirmed[c.case_id].start) == c.start
            and confirmed[c.case_id].venue == c.venue
        ):
            status = "confirmed"
        else:
            status = "proposed"
        out.append(to_meeting(m, c, waiting[c.case_id], status))
    return sorted(out, key=lambda x: (x.start, x.case))
