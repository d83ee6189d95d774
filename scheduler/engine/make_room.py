"""What it would take to place a case that has no free slot: which one or two other
meetings would have to move (nothing is moved here), or why nothing would help.

Steps: with only the pinned meetings fixed, where could the case go at all? Nowhere:
nothing would help, and the reason is the one the engine gives an unscheduled case
(`reasons.static_reasons`, else `NO_COMMON_TIME`). Somewhere: for each such place the
plan's meetings holding what it needs (`Occupancy.blockers`) are the candidates; sets
of one, then two, not pinned, are tried by the exact single-case search with them
taken out, and each moved meeting is offered a new place of its own (the case placed,
everyone else fixed). Unconfirmed meetings come before confirmed ones, then fewer
moves, then moved meetings that have somewhere else to go, then lower priority.
When no set of one or two works, the reason is `CAPACITY` naming who holds it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations

from scheduler.domain import Meeting, Plan, Problem, Reason
from scheduler.engine.options import Options
from scheduler.engine.placement import Occupancy, Placement, feasible_slots, search
from scheduler.engine.reasons import capacity, no_common_time, static_reasons

MAX_TRIES = 40  # candidate sets checked by the exact search (each is one search)
OptionsOf = Callable[[str], Options]  # case id → engine options holding that case


@dataclass(frozen=True)
class Move:
    """One meeting that would have to move, and where it could go instead (None: nowhere
    without moving others in turn)."""

    case_id: str
    status: str  # as in the plan: proposed, confirmed
    now: Meeting
    to: Placement | None


@dataclass(frozen=True)
class MakeRoom:
    moves: tuple[Move, ...]
    placement: Placement  # the case, once those meetings have moved

    @property
    def confirmed(self) -> bool:
        return any(m.status != "proposed" for m in self.moves)


@dataclass(frozen=True)
class Advice:
    """Free placements (moving nobody); else ways to make room; else why nothing helps."""

    case_id: str
    placements: list[Placement] = field(default_factory=list)
    make_room: list[MakeRoom] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.placements:
            return "free"
        if self.make_room:
            return "make-room"
        return "nothing-helps"


def what_it_would_take(
    problem: Problem,
    plan: Plan | None,
    case_id: str,
    options_of: OptionsOf,
    *,
    k: int = 3,
    max_moves: int = 2,
) -> Advice:
    """Up to `k` ways of making room for `case_id` in `plan` (nothing is changed).

    `options_of(case_id)` gives the engine options holding that case (a `Suggester`'s
    `options`, so every case's options are built once).
    """
    options = options_of(case_id)
    o = options.cases[case_id]
    case = problem.case_by_id[case_id]
    fixed = [m for m in (plan.meetings if plan else problem.existing) if m.case != case_id]
    if plan is None:
        fixed = [m for m in fixed if m.status == "pinned"]
    pinned = [m for m in fixed if m.status == "pinned"]
    free = search(Occupancy(options, fixed), case_id, order="best", k=k)
    if free:
        return Advice(case_id, placements=free)
    reasons = static_reasons(problem, case, o)
    if reasons:
        return Advice(case_id, reasons=reasons)
    alone = Occupancy(options, pinned)
    slots = feasible_slots(alone, case_id, o)
    if not slots:
        return Advice(case_id, reasons=[no_common_time(problem, case, o, bool(pinned), options)])
    full = Occupancy(options, [m for m in fixed if m.status != "pinned"])
    candidates = _candidates(options, full, slots, case_id, pinned, max_moves)
    found = _try_sets(problem, options, options_of, fixed, case_id, candidates, k)
    if found:
        return Advice(case_id, make_room=found)
    return Advice(case_id, reasons=[capacity(problem, case, o, alone, full)])


def _candidates(
    options: Options,
    full: Occupancy,
    slots: list,  # type: ignore[type-arg]
    case_id: str,
    pinned: list[Meeting],
    max_moves: int,
) -> list[frozenset[str]]:
    """Sets of one or two meetings that hold a place the case could use, most useful first."""
    problem, timing, clock = options.problem, options.timing, options.clock
    case = problem.case_by_id[case_id]
    fixed_cases = {m.case for m in pinned}
    seen: Counter[frozenset[str]] = Counter()
    for s, v, capable in slots:
        lo, hi = timing.hull(case, s)
        held = full.blockers(v, lo, hi, capable, clock.local_date(s), case) - {case_id}
        if not held or held & fixed_cases:
            continue
        for n in range(1, max_moves + 1):
            if len(held) <= 4 or n == 1:  # facilitator blockers over-count: try subsets
                seen.update(frozenset(c) for c in combinations(sorted(held), n))
    return [s for s, _ in sorted(seen.items(), key=lambda kv: (len(kv[0]), -kv[1], sorted(kv[0])))]


def _try_sets(
    problem: Problem,
    options: Options,
    options_of: OptionsOf,
    fixed: list[Meeting],
    case_id: str,
    candidates: list[frozenset[str]],
    k: int,
) -> list[MakeRoom]:
    by_case = {m.case: m for m in fixed}
    occ = Occupancy(options, fixed)  # meetings taken out and put back, not rebuilt per try
    found: list[MakeRoom] = []
    for moved in candidates[:MAX_TRIES]:
        if any(frozenset(m.case_id for m in r.moves) < moved for r in found):
            continue  # a smaller set already works: moving more is not what it takes
        for c in moved:
            occ.remove(c)
        got = search(occ, case_id, order="best", k=1)
        if got:
            placed = got[0].to_meeting(problem)
            occ.add(placed)
            moves = []
            for c in sorted(moved):
                elsewhere = search(_with_options(occ, options_of(c)), c, order="best", k=1)
                to = elsewhere[0] if elsewhere else None
                moves.append(Move(c, by_case[c].status, by_case[c], to))
            occ.remove(case_id)
            found.append(MakeRoom(tuple(moves), got[0]))
        for c in moved:
            occ.add(by_case[c])

    def rank(r: MakeRoom) -> tuple[bool, int, int, int, int]:
        return (
            r.confirmed,
            len(r.moves),
            sum(m.to is None for m in r.moves),
            sum(problem.case_by_id[m.case_id].priority for m in r.moves),
            r.placement.cost,
        )

    return sorted(found, key=rank)[:k]


def _with_options(occ: Occupancy, options: Options) -> Occupancy:
    """The same fixed meetings, searched with another case's options (shares the state)."""
    view = object.__new__(Occupancy)
    view.__dict__.update(occ.__dict__)
    view.options = options
    return view
