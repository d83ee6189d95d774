"""Splitting a problem into independent parts, and merging the parts' results into one plan.

Two cases are joined when their *options* (after the pre-filter) share a facilitator,
a venue, or a keep-apart pair; parts are then independent, so solving each alone and
summing gives exact levels 1 and 2 and an exact soft cost apart from `max_load`, a
maximum over facilitators: parts share no facilitator, so each part minimising its
own largest load is what the merged plan reports (its maximum over parts), though the
merged optimum could tolerate a larger load in a part that is not the maximum. The
part unit is a plain list of case ids, so it can travel through a task queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from scheduler.domain import Meeting, Objective, Plan, Problem, Reason, SolverInfo, Unscheduled
from scheduler.engine import objective as obj
from scheduler.engine.options import CaseOptions, Options, build_options
from scheduler.engine.solve import PartResult, change_warnings, hint_part, solve_part


class _UnionFind:
    def __init__(self, items: list[str]) -> None:
        self.parent = {i: i for i in items}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _in_play(o: CaseOptions) -> bool:
    return o.schedulable


def split(problem: Problem, options: Options | None = None) -> list[list[str]]:
    """Independent parts (lists of case ids), biggest first.

    Cases that cannot be placed at all and have no pinned or confirmed meeting are left
    out of every part: `merge` lists them as unscheduled.
    """
    options = options or build_options(problem)
    existing = {m.case for m in problem.existing}
    ids = [c.id for c in problem.cases if _in_play(options.cases[c.id]) or c.id in existing]
    uf = _UnionFind(ids)
    owner: dict[str, str] = {}
    for cid in ids:
        o = options.cases[cid]
        keys = [f"f:{f}" for f in o.usable_facilitators] + [f"v:{v}" for v in o.open_venues]
        for m in problem.existing:
            if m.case == cid:
                keys += [f"f:{f}" for f in m.facilitators] + [f"v:{m.venue}"]
        for k in keys:
            if k in owner:
                uf.join(cid, owner[k])
            else:
                owner[k] = cid
    for p, q in problem.keep_apart:
        a, b = problem.case_of_party.get(p), problem.case_of_party.get(q)
        if a is not None and b is not None and a.id in uf.parent and b.id in uf.parent:
            uf.join(a.id, b.id)
    groups: dict[str, list[str]] = {}
    for cid in ids:
        groups.setdefault(uf.find(cid), []).append(cid)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


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
    problem: Problem, options: Options, meetings: list[Meeting], case_ids: list[str]
) -> dict[str, list[Reason]]:
    try:
        from scheduler.engine.reasons import unscheduled_reasons as real
    except ImportError:
        return _fallback_reasons(options, case_ids)
    return real(problem, options, meetings, case_ids)


def merge(
    problem: Problem,
    parts: list[PartResult],
    wall_seconds: float,
    options: Options | None = None,
) -> Plan:
    """One plan from the parts: every case once, the objective recomputed from the plan."""
    options = options or build_options(problem)
    meetings = sorted((m for p in parts for m in p.meetings), key=lambda m: (m.start, m.case))
    released = {c: why for p in parts for c, why in p.released.items()}
    placed = {m.case for m in meetings}
    missing = [c.id for c in problem.cases if c.id not in placed]
    reasons = unscheduled_reasons(problem, options, meetings, missing) if missing else {}
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
    optimal = all(p.optimal for p in parts) and len(parts) <= 1
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


def solve(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    progress: Callable[[float, str], None] | None = None,
) -> Plan:
    """Plan every case: split into independent parts, solve them one after another, merge.

    `time_limit` is the whole wall time: pre-filter, the greedy baseline (the hint),
    models, solving and the reasons for unscheduled cases. What is left after the
    greedy plan, less a reserve for the reasons, goes to the parts in proportion to
    their size, and time a part does not use passes on to the next ones.
    """
    t0 = time.monotonic()
    deadline = t0 + time_limit
    options = build_options(problem)
    parts = split(problem, options)
    baseline = _baseline(problem, options)
    # Reasons and extraction after the last part: ~1 s on region size.
    reserve = min(0.1 * time_limit, 5.0)
    total = sum(len(p) for p in parts) or 1
    results: list[PartResult] = []
    done = 0
    for i, ids in enumerate(parts):
        left = deadline - reserve - time.monotonic()
        share = left * len(ids) / max(1, total - done)
        if baseline is not None and share < 1.0:
            # Too little time to build and solve a model: the greedy plan stands.
            results.append(hint_part(problem, options, ids, baseline))
            done += len(ids)
            continue
        share = max(0.5, share)

        def step(frac: float, msg: str, _i: int = i, _n: int = len(ids), _d: int = done) -> None:
            if progress:
                progress((_d + frac * _n) / total, f"part {_i + 1}/{len(parts)}: {msg}")

        results.append(
            solve_part(
                problem,
                ids,
                time_limit=share,
                workers=workers,
                options=options,
                progress=step,
                hint=baseline,
            )
        )
        done += len(ids)
    plan = merge(problem, results, time.monotonic() - t0, options)
    if progress:
        progress(1.0, "done")
    return plan


def _baseline(problem: Problem, options: Options) -> list[Meeting] | None:
    """The greedy plan's meetings as a hint (None until the greedy baseline is there)."""
    try:
        from scheduler.engine.greedy import greedy
    except ImportError:
        return None
    return list(greedy(problem, options).meetings)
