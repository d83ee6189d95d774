"""The greedy baseline: what a coordinator does by hand, one case after another.

Kept pins first; then confirmed meetings at their old start and venue when that is
still feasible (preferring their old facilitators); then every other case by priority
(high first), referral date (earliest first; none counts as latest) and document
order, each at its first feasible slot: earliest start, first venue in document
order, first qualified team in document order, given everything placed before it.
"""

from __future__ import annotations

import datetime as dt
import time

from scheduler.domain import Meeting, Objective, Plan, Problem, SolverInfo, Unscheduled
from scheduler.engine import objective as obj
from scheduler.engine.occupancy import Occupancy
from scheduler.engine.options import Options, build_options
from scheduler.engine.pins import check_pins
from scheduler.engine.placement import search
from scheduler.engine.plan_warnings import change_warnings
from scheduler.engine.reasons import unscheduled_reasons


def greedy(problem: Problem, options: Options | None = None) -> Plan:
    """A full valid plan by first-feasible placement (status FEASIBLE, bound = its values)."""
    t0 = time.monotonic()
    options = options or build_options(problem)
    pins = [m for m in problem.existing if m.status == "pinned"]
    kept, released = check_pins(options, pins)
    occ = Occupancy(options, kept)
    meetings: list[Meeting] = list(kept)
    done = {m.case for m in kept}
    clock = options.clock
    for old in problem.existing:
        if old.case in done or old.case not in options.cases:
            continue
        if old.status != "confirmed" and old.case not in released:
            continue
        got = search(
            occ,
            old.case,
            order="first",
            only=(clock.instant(old.start), old.venue),
            prefer=frozenset(old.facilitators),
        )
        if got:
            _place(occ, meetings, done, got[0].to_meeting(problem, "confirmed"))
    order = sorted(
        (c for c in problem.cases if c.id not in done),
        key=lambda c: (-c.priority, c.referred_on or dt.date.max),
    )
    for case in order:
        got = search(occ, case.id, order="first")
        if got:
            _place(occ, meetings, done, got[0].to_meeting(problem))
    meetings.sort(key=lambda m: (m.start, m.case))
    missing = [c.id for c in problem.cases if c.id not in done]
    reasons = unscheduled_reasons(problem, options, meetings, missing) if missing else {}
    value = Objective(
        disruption=obj.plan_disruption(meetings, problem.existing, set(released)),
        scheduled_priority=obj.plan_priority(problem, meetings),
        soft_cost=obj.plan_soft_cost(problem, meetings),
    )
    return Plan(
        format="rj-plan/1",
        problem=problem.name,
        meetings=meetings,
        unscheduled=[Unscheduled(case=c, reasons=reasons[c]) for c in missing],
        objective=value,
        solver=SolverInfo(
            status="FEASIBLE", wall_seconds=round(time.monotonic() - t0, 3), bound=value
        ),
        warnings=change_warnings(problem, meetings, released),
    )


def _place(occ: Occupancy, meetings: list[Meeting], done: set[str], m: Meeting) -> None:
    occ.add(m)
    meetings.append(m)
    done.add(m.case)
