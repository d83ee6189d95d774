"""One plan from the parts' results: the greedy floor, single-case moves on the whole
problem (`polish`), level 3's bound for localised runs, the reasons for unscheduled
cases, and the objective and bounds recomputed from the plan (`merge`).

The in-process allocation and the jobs' merge both end here (`assemble`).
"""

from __future__ import annotations

import time

from scheduler.domain import Meeting, Objective, Plan, Problem, Reason, SolverInfo, Unscheduled
from scheduler.engine import objective as obj
from scheduler.engine.options import Options, build_options
from scheduler.engine.plan_warnings import change_warnings
from scheduler.engine.single_moves import descend
from scheduler.engine.soft_bound import Ideals
from scheduler.engine.solve import PartResult


def _fallback_reasons(options: Options, case_ids: list[str]) -> dict[str, list[Reason]]:
    """Minimal reasons until `reasons.py` lands: rule 1, static rules, else CAPACITY."""
    out: dict[str, list[Reason]] = {}
    for cid in case_ids:
        o = options.cases[cid]
        if o.ineligible:
            out[cid] = list(o.ineligible)
        elif not o.team_possible:
            out[cid] = [
                Reason(
                    code="NO_QUALIFIED_FACILITATOR",
                    message="no team of facilitators meets the rules",
                )
            ]
        elif not o.venues:
            out[cid] = [
                Reason(code="NO_SAFE_VENUE", message="no venue meets the venue and safety rules")
            ]
        elif not o.starts:
            out[cid] = [
                Reason(
                    code="NO_COMMON_TIME",
                    message="facilitators, a safe venue and all attendees are never free together",
                )
            ]
        else:
            out[cid] = [
                Reason(code="CAPACITY", message="the plan used this case's options for other cases")
            ]
    return out


def unscheduled_reasons(
    problem: Problem,
    options: Options,
    meetings: list[Meeting],
    case_ids: list[str],
    deadline: float | None = None,
) -> dict[str, list[Reason]]:
    """Reasons for the unscheduled cases, the full ones while `deadline` allows.

    The full reasons search placements case by case: on region size 39 cases took
    ~50 s on a loaded machine, so they go in chunks and the cases left when the
    deadline passes get the static reasons (or CAPACITY) of `_fallback_reasons`.
    """
    try:
        from scheduler.engine.reasons import unscheduled_reasons as real
    except ImportError:
        return _fallback_reasons(options, case_ids)
    if deadline is None:
        return real(problem, options, meetings, case_ids)
    out: dict[str, list[Reason]] = {}
    for n in range(0, len(case_ids), REASON_CHUNK):
        chunk = case_ids[n : n + REASON_CHUNK]
        if time.monotonic() < deadline:
            out.update(real(problem, options, meetings, chunk))
        else:
            out.update(_fallback_reasons(options, chunk))
    return out


REASON_CHUNK = 5


def merge(
    problem: Problem,
    parts: list[PartResult],
    wall_seconds: float,
    options: Options | None = None,
    exact: bool = True,
    reasons_deadline: float | None = None,
    meetings: list[Meeting] | None = None,
    soft_floor: int = 0,
) -> Plan:
    """One plan from the parts: every case once, the objective recomputed from the plan.

    `meetings`: the plan's meetings when they are not the parts' own (`polish`); the
    parts still give the bounds and the released pins. `soft_floor`: a level-3 bound
    proven on the problem's own options (`soft_floor`), for localised runs.
    """
    options = options or build_options(problem)
    if meetings is None:
        meetings = [m for p in parts for m in p.meetings]
    meetings = sorted(meetings, key=lambda m: (m.start, m.case))
    released = {c: why for p in parts for c, why in p.released.items()}
    placed = {m.case for m in meetings}
    missing = [c.id for c in problem.cases if c.id not in placed]
    reasons = (
        unscheduled_reasons(problem, options, meetings, missing, reasons_deadline)
        if missing
        else {}
    )
    unscheduled = [Unscheduled(case=c, reasons=reasons[c]) for c in missing]
    value = Objective(
        disruption=obj.plan_disruption(meetings, problem.existing, set(released)),
        scheduled_priority=obj.plan_priority(problem, meetings),
        soft_cost=obj.plan_soft_cost(problem, meetings),
    )
    # Cases left out of every part are unplaceable: they add only their fixed
    # disruption (confirmed meetings dropped) to level 1 and nothing to the others.
    in_parts = {c for p in parts for c in p.case_ids}
    fixed_drop = sum(
        obj.DROP
        for e in problem.existing
        if e.case not in in_parts and (e.status == "confirmed" or e.case in released)
    )
    bound = Objective(
        disruption=min(
            value.disruption, sum(p.bounds.get("disruption", 0) for p in parts) + fixed_drop
        ),
        scheduled_priority=max(
            value.scheduled_priority, sum(p.bounds.get("scheduled_priority", 0) for p in parts)
        ),
        # Summed part bounds count max_load once per part; capped at the plan's value.
        soft_cost=min(value.soft_cost, sum(p.bounds.get("soft_cost", 0) for p in parts)),
    )
    if not exact:
        # Parts were solved on localised options: their bounds are not the problem's;
        # level 3 has the relaxation bound when it was worked out on the real options.
        bound = Objective(
            disruption=0,
            scheduled_priority=max(
                value.scheduled_priority,
                sum(c.priority for c in problem.cases if options.cases[c.id].schedulable)
                + sum(
                    problem.case_by_id[e.case].priority
                    for e in problem.existing
                    if e.status == "pinned" and not options.cases[e.case].schedulable
                ),
            ),
            soft_cost=min(value.soft_cost, soft_floor),
        )
    optimal = exact and all(p.optimal for p in parts) and len(parts) <= 1
    return Plan(
        format="rj-plan/1",
        problem=problem.name,
        meetings=meetings,
        unscheduled=unscheduled,
        objective=value,
        solver=SolverInfo(
            status="OPTIMAL" if optimal else "FEASIBLE",
            wall_seconds=round(wall_seconds, 3),
            bound=bound,
        ),
        warnings=change_warnings(problem, meetings, released),
    )


def assemble(
    problem: Problem,
    options: Options,
    exact: bool,
    results: list[PartResult],
    floor: list[Meeting] | None,
    *,
    started: float,
    polish_end: float,
    reasons_seconds: float | None,
) -> Plan:
    """The plan from the parts' results, as both the in-process solve and the jobs'
    merge make it: `polish` until `polish_end` (from `floor`, the greedy plan's
    meetings, when better), level 3's relaxation bound for localised runs, then `merge`
    with the full reasons for `reasons_seconds` more (None: no limit). `started` is
    the monotonic time the allocation began, for the plan's wall time."""
    meetings = polish(problem, options, results, floor, polish_end)
    released = {c for p in results for c in p.released}
    bound = 0 if exact else soft_floor(problem, options, meetings, released, polish_end)
    wall = time.monotonic() - started
    reasons = (
        None if reasons_seconds is None else max(polish_end, time.monotonic()) + reasons_seconds
    )
    return merge(problem, results, wall, options, exact, reasons, meetings, bound)


def soft_floor(
    problem: Problem,
    options: Options,
    meetings: list[Meeting],
    released: set[str],
    deadline: float,
) -> int:
    """Level 3's relaxation bound (`soft_bound.Ideals`) on the problem's own options, for
    runs whose parts were localised (their CP-SAT bounds are not the problem's). The
    priority to make up is the plan's when it has no disruption (level 1 then proven,
    since 0 is the least there is), else 0. Cases not reached by `deadline` count as
    free, so a short deadline gives a weaker bound, never a wrong one."""
    pins = [m for m in meetings if m.status == "pinned"]
    ids = [c.id for c in problem.cases]
    ideals = Ideals.of(problem, options, ids, pins, deadline)
    no_disruption = obj.plan_disruption(meetings, problem.existing, released) == 0
    need = obj.plan_priority(problem, meetings) if no_disruption else 0
    return ideals.soft_bound(problem, ids, pins, need)


def polish(
    problem: Problem,
    options: Options,
    results: list[PartResult],
    floor: list[Meeting] | None,
    deadline: float,
) -> list[Meeting]:
    """The parts' meetings, or `floor`'s (the greedy plan's) when it is lexicographically better
    (localised parts can lose to it: fewer options per case), then single-case moves
    on the whole problem's options until `deadline` (`single_moves.descend`), so a plan that
    is the greedy one still gets its soft cost lowered. No level gets worse."""
    meetings = [m for p in results for m in p.meetings]
    released = {c: why for p in results for c, why in p.released.items()}
    if floor is not None:
        theirs = list(floor)
        if obj.plan_key(problem, theirs, set(released)) < obj.plan_key(
            problem, meetings, set(released)
        ):
            meetings = theirs
    if time.monotonic() >= deadline:
        return meetings
    pinned = {m.case for m in meetings if m.status == "pinned"}
    ids = [c.id for c in problem.cases]
    return descend(problem, options, meetings, ids, released, fixed=pinned, deadline=deadline)
