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

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from scheduler.domain import Meeting, Objective, Plan, Problem, Reason, SolverInfo, Unscheduled
from scheduler.engine import objective as obj
from scheduler.engine.improve import Ideals, descend
from scheduler.engine.options import CaseOptions, Options, SpanStarts, build_options
from scheduler.engine.solve import PartResult, change_warnings, hint_part, solve_part
from scheduler.engine.venue_rules import VenueFilter


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

    Two cases are joined when they can interact: they share a usable facilitator
    (rules 8, 9), a venue option (rooms, rule 4; keep-apart, rule 7), or a party
    (rule 8), all from the *pruned* options (`open_venues` are the venues a qualified
    team can reach, `usable_facilitators` those who can be on such a team). A
    keep-apart pair binds only at a common venue, so it joins two cases only when
    their venues meet (which sharing a venue already does; kept explicit so the rule
    has its place here). Cases that cannot be placed at all and have no pinned or
    confirmed meeting are left out of every part: `merge` lists them as unscheduled.
    """
    options = options or build_options(problem)
    existing = {m.case for m in problem.existing}
    ids = [c.id for c in problem.cases if _in_play(options.cases[c.id]) or c.id in existing]
    uf = _UnionFind(ids)
    owner: dict[str, str] = {}
    venues_of: dict[str, set[str]] = {}
    for cid in ids:
        o = options.cases[cid]
        venues = set(o.open_venues)
        facs = set(o.usable_facilitators)
        for m in problem.existing:
            if m.case == cid:
                facs.update(m.facilitators)
                venues.add(m.venue)
        venues_of[cid] = venues
        parties = [p.id for p in problem.case_by_id[cid].parties]
        keys = (
            [f"f:{f}" for f in sorted(facs)]
            + [f"v:{v}" for v in sorted(venues)]
            + [f"p:{p}" for p in parties]
        )
        for k in keys:
            if k in owner:
                uf.join(cid, owner[k])
            else:
                owner[k] = cid
    for p, q in problem.keep_apart:
        a, b = problem.case_of_party.get(p), problem.case_of_party.get(q)
        if a is None or b is None or a.id not in uf.parent or b.id not in uf.parent:
            continue
        if venues_of[a.id] & venues_of[b.id]:
            uf.join(a.id, b.id)
    groups: dict[str, list[str]] = {}
    for cid in ids:
        groups.setdefault(uf.find(cid), []).append(cid)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


# A part bigger than this is more than CP-SAT builds and settles in minutes on two
# cores (national came as one part of 983 cases: facilitators near the borders between
# areas, and cases whose parties have no travel limit, chain every area together).
# Region (one part of 218) stays exact: localised, it scheduled 590 against 712.
LOCALISE_ABOVE = 400
CASES_PER_CLUSTER = 40
CROWDED = 100  # a cluster with more cases than this is split again


def _xy(lat: float, lon: float, ref_lat: float) -> tuple[float, float]:
    """Kilometre-like plane coordinates (fine for clustering, never for a rule)."""
    return lat * 111.2, lon * 111.2 * math.cos(math.radians(ref_lat))


def _clusters(points: list[tuple[float, float]], k: int) -> list[tuple[float, float]]:
    """k centres by k-means from a farthest-point start (deterministic, no randomness)."""
    centres = [points[0]]
    while len(centres) < min(k, len(points)):
        far = max(points, key=lambda p: min(math.dist(p, c) for c in centres))
        centres.append(far)
    for _ in range(12):
        groups: list[list[tuple[float, float]]] = [[] for _ in centres]
        for p in points:
            groups[min(range(len(centres)), key=lambda i: math.dist(p, centres[i]))].append(p)
        centres = [
            (sum(x for x, _ in g) / len(g), sum(y for _, y in g) / len(g)) if g else c
            for g, c in zip(groups, centres, strict=True)
        ]
    return centres


def _split_crowded(
    cases: list[tuple[float, float]], centres: list[tuple[float, float]]
) -> list[tuple[float, float]]:
    """Centres with every cluster of more than CROWDED cases split again by k-means.

    Cases cluster where people live: on national size one k-means cluster (a big city)
    held 271 of 1,200 cases, and its model alone took CP-SAT past 2.5 GB. Splitting it
    costs its cases the options across the new borders; the greedy floor and `polish`
    keep that from making the plan worse.
    """
    for _ in range(3):
        groups: dict[int, list[tuple[float, float]]] = {}
        for xy in cases:
            i = min(range(len(centres)), key=lambda i: math.dist(xy, centres[i]))
            groups.setdefault(i, []).append(xy)
        crowded = {i for i, g in groups.items() if len(g) > CROWDED}
        if not crowded:
            break
        kept = [c for i, c in enumerate(centres) if i not in crowded]
        for i in sorted(crowded):
            points = sorted(set(groups[i]))
            kept += _clusters(points, math.ceil(len(groups[i]) / CASES_PER_CLUSTER))
        centres = kept
    return centres


def localise(problem: Problem, options: Options) -> Options:
    """Options cut into geographic clusters: each case keeps only its cluster's venues
    and facilitators, so `split` finds one or more parts per cluster.

    Cases are clustered by their principals' homes (k-means, ~`CASES_PER_CLUSTER` a
    cluster); each venue and facilitator belongs to the nearest cluster centre. This is
    a restriction, so every plan of it is valid for the problem, but bounds proven on
    it are not the problem's: `solve` then reports the trivial ones. Cross-cluster
    options are far by construction, and the soft cost charges every kilometre.
    A case with an existing meeting joins the cluster of that meeting's venue.
    """
    ref = problem.facilitators[0].home.lat if problem.facilitators else 52.0
    centre_of: dict[str, tuple[float, float]] = {}
    for c in problem.cases:
        homes = [p.home for p in (*c.victims, *c.offenders) if p.home is not None]
        if homes:
            lat = sum(h.lat for h in homes) / len(homes)
            lon = sum(h.lon for h in homes) / len(homes)
            centre_of[c.id] = _xy(lat, lon, ref)
    points = sorted(set(centre_of.values()))
    if not points:
        return options
    centres = _clusters(points, math.ceil(len(problem.cases) / CASES_PER_CLUSTER))
    centres = _split_crowded(list(centre_of.values()), centres)

    def nearest(xy: tuple[float, float]) -> int:
        return min(range(len(centres)), key=lambda i: math.dist(xy, centres[i]))

    venue_cluster = {
        v.id: nearest(_xy(v.location.lat, v.location.lon, ref)) for v in problem.venues
    }
    fac_cluster = {f.id: nearest(_xy(f.home.lat, f.home.lon, ref)) for f in problem.facilitators}
    existing = {m.case: m.venue for m in problem.existing}
    cases = dict(options.cases)
    for cid, o in options.cases.items():
        if cid in existing:
            k = venue_cluster[existing[cid]]
        elif o.case_id in centre_of:
            k = nearest(centre_of[cid])
        else:
            continue
        if problem.case_by_id[cid].in_custody and o.venues:
            k = venue_cluster[o.venues[0]]  # the prison decides
        keep = {v for v in o.venues if venue_cluster[v] == k}
        vs = o.venue_starts
        cases[cid] = replace(
            o,
            venue_filter=VenueFilter(
                tuple(v for v in o.venues if v in keep), o.venue_filter.removed
            ),
            venue_starts=vs.only(keep)
            if isinstance(vs, SpanStarts)
            else {v: vs[v] for v in keep if v in vs},
            reach={
                f: (r & keep if fac_cluster[f] == k else frozenset()) for f, r in o.reach.items()
            },
        )
    return replace(options, cases=cases)


def fits(options: Options, m: Meeting) -> bool:
    """Whether a meeting (of the hint) uses only what its case's options allow."""
    o = options.cases.get(m.case)
    if o is None:
        return False
    if m.status == "pinned":
        return True
    usable = set(o.usable_facilitators)
    return m.venue in o.open_venues and all(f in usable for f in m.facilitators)


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


def solve(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    progress: Callable[[float, str], None] | None = None,
) -> Plan:
    """Plan every case: split into independent parts, solve them one after another, merge.

    `time_limit` is the whole wall time: pre-filter, the greedy baseline (the hint),
    models, solving, `polish` and the reasons for unscheduled cases. What is left after
    the greedy plan, less a reserve for the reasons (and a fifth for `polish` when
    parts are localised), goes to the parts in proportion to their size, and time a
    part does not use passes on to the next ones.
    """
    t0 = time.monotonic()
    deadline = t0 + time_limit
    prep = prepare(problem)
    options, solve_options, exact, parts = prep.options, prep.solve_options, prep.exact, prep.parts
    greedy_plan, baseline = prep.greedy, prep.baseline
    # Reasons and extraction after the last part: ~1 s on region size.
    reserve = min(0.1 * time_limit, 5.0)
    # Localised parts can lose to the greedy plan, which then stands: a fifth of the
    # time goes to single-case moves on the whole problem (`polish`) whichever wins.
    polish_time = polish_share(exact, deadline - reserve - time.monotonic())
    parts_end = deadline - reserve - polish_time
    total = sum(len(p) for p in parts) or 1
    results: list[PartResult] = []
    done = 0
    for i, ids in enumerate(parts):
        left = parts_end - time.monotonic()
        share = left * len(ids) / max(1, total - done)
        if baseline is not None and share < 1.0:
            # Too little time to build and solve a model: the greedy plan stands.
            results.append(hint_part(problem, solve_options, ids, baseline))
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
                options=solve_options,
                progress=step,
                hint=baseline,
            )
        )
        done += len(ids)
    if progress:
        progress(0.99, "single-case moves on the whole plan")
    floor = None if greedy_plan is None else list(greedy_plan.meetings)
    plan = assemble(
        problem,
        options,
        exact,
        results,
        floor,
        started=t0,
        polish_end=deadline - reserve,
        reasons_seconds=reserve,
    )
    if progress:
        progress(1.0, "done")
    return plan


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
    """Level 3's relaxation bound (`improve.Ideals`) on the problem's own options, for
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


def polish_share(exact: bool, seconds: float) -> float:
    """The seconds of `seconds` kept for `polish`: a fifth when parts are localised."""
    return 0.0 if exact else 0.2 * max(0.0, seconds)


def polish(
    problem: Problem,
    options: Options,
    results: list[PartResult],
    floor: list[Meeting] | None,
    deadline: float,
) -> list[Meeting]:
    """The parts' meetings, or `floor`'s (the greedy plan's) when it is lexicographically better
    (localised parts can lose to it: fewer options per case), then single-case moves
    on the whole problem's options until `deadline` (`improve.descend`), so a plan that
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


def _baseline(problem: Problem, options: Options) -> Plan | None:
    """The greedy plan: hint and floor (None until the greedy baseline is there)."""
    try:
        from scheduler.engine.greedy import greedy
    except ImportError:
        return None
    return greedy(problem, options)


# ------------------------------------------------------------------ units (shared with jobs)


@dataclass(frozen=True)
class Prepared:
    """What every allocation path computes once before solving: options, parts, greedy plan."""

    options: Options  # the problem's options (reasons, bounds, verification)
    solve_options: Options  # the same, localised for the cases of parts over LOCALISE_ABOVE
    exact: bool  # False when some part was localised (its bounds are not the problem's)
    parts: list[list[str]]  # independent parts of `solve_options`, biggest first
    greedy: Plan | None  # the greedy plan on `options`: the floor
    baseline: list[Meeting] | None  # its meetings that fit `solve_options`: the hint


def localised_options(problem: Problem, options: Options) -> tuple[Options, list[list[str]], bool]:
    """(options to solve on, their parts, exact): parts over LOCALISE_ABOVE cases localised.

    Only the cases of the large parts are localised; the other parts stay exact
    (localised options are subsets, so they join nothing new). Deterministic, so a
    worker that recomputes it from the same problem gets the same options.
    """
    parts = split(problem, options)
    big = {cid for ids in parts if len(ids) > LOCALISE_ABOVE for cid in ids}
    if not big:
        return options, parts, True
    local = localise(problem, options)
    solve_options = replace(
        options,
        cases={c: (local.cases[c] if c in big else o) for c, o in options.cases.items()},
    )
    return solve_options, split(problem, solve_options), False


def prepare(problem: Problem, options: Options | None = None) -> Prepared:
    """Options, the (localised) parts and the greedy plan: the steps before any model."""
    options = options or build_options(problem)
    solve_options, parts, exact = localised_options(problem, options)
    greedy_plan = _baseline(problem, options)
    baseline = None if greedy_plan is None else list(greedy_plan.meetings)
    if baseline is not None and not exact:
        baseline = [m for m in baseline if fits(solve_options, m)]
    return Prepared(options, solve_options, exact, parts, greedy_plan, baseline)


# Under this many seconds a unit gets no model: its greedy meetings stand.
MIN_UNIT_SECONDS = 1.0


@dataclass(frozen=True)
class Unit:
    """A part as one solve: its cases, its seconds, its greedy hint (ids and times only),
    so it can travel through a task queue as `to_doc()`."""

    case_ids: list[str]
    seconds: float
    hint: list[Meeting] | None = None

    def to_doc(self) -> dict[str, object]:
        return {
            "case_ids": list(self.case_ids),
            "seconds": self.seconds,
            "hint": None if self.hint is None else [m.to_doc() for m in self.hint],
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Unit:
        hint = doc.get("hint")
        return cls(
            case_ids=list(doc["case_ids"]),
            seconds=float(doc["seconds"]),
            hint=None if hint is None else [Meeting.model_validate(m, strict=False) for m in hint],
        )


def plan_units(prepared: Prepared, budget: float) -> list[Unit]:
    """One unit per part, `budget` seconds shared by number of cases, each with its hint.

    For units solved side by side (task queue, process pool): the shares add up to
    `budget`, so the solver time in total is the same on one worker as on many.
    """
    parts = prepared.parts
    total = sum(len(p) for p in parts) or 1
    units = []
    for ids in parts:
        wanted = set(ids)
        hint = (
            None
            if prepared.baseline is None
            else [m for m in prepared.baseline if m.case in wanted]
        )
        units.append(Unit(list(ids), max(0.0, budget) * len(ids) / total, hint))
    return units


def solve_unit(
    problem: Problem,
    solve_options: Options,
    unit: Unit,
    *,
    workers: int,
    progress: Callable[[float, str], None] | None = None,
) -> PartResult:
    """Solve one unit on the (localised) options, never worse than its greedy hint.

    With under MIN_UNIT_SECONDS and a hint there is no model: the hint stands. Units
    share nothing in `solve_options`, so a unit at least as good as its hint keeps the
    merged plan at least as good as the greedy meetings that fit those options.
    """
    if unit.hint is not None and unit.seconds < MIN_UNIT_SECONDS:
        return hint_part(problem, solve_options, unit.case_ids, unit.hint)
    result = solve_part(
        problem,
        unit.case_ids,
        time_limit=max(0.5, unit.seconds),
        workers=workers,
        options=solve_options,
        progress=progress,
        hint=unit.hint,
    )
    if unit.hint is not None:
        floor = hint_part(problem, solve_options, unit.case_ids, unit.hint)
        if _part_key(floor) < _part_key(result):
            return replace(floor, seconds=result.seconds)
    return result


def _part_key(r: PartResult) -> tuple[int, int, int]:
    v = r.values
    return (v.get("disruption", 0), -v.get("scheduled_priority", 0), v.get("soft_cost", 0))
