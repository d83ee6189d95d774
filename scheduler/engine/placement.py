"""Placing one case among fixed meetings: the exact single-case search.

Shared by `reasons` (the "could it be placed alone, pinned meetings kept?" test),
`suggest` (the best k placements against a whole plan) and `greedy` (the first
feasible placement, case after case). The static rules come from the options
(`options.py`: rules 1–6 static and rule 3's availability); what depends on the other
meetings (rooms and waiting rooms, keep-apart, overlaps and travel, workload caps) is
asked of `occupancy.Occupancy`, the one Python home of those rules.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass
from typing import Literal

from scheduler.domain import Case, Meeting
from scheduler.engine.objective import party_km
from scheduler.engine.occupancy import Engagement, Occupancy
from scheduler.engine.options import CaseOptions, Options
from scheduler.engine.solution_meetings import build_meeting, entrances
from scheduler.engine.team_pick import CaseTeamFacts, Team, TeamPicker
from scheduler.engine.time_rules import Timing
from scheduler.timeutil import Clock, Instant

Order = Literal["best", "first"]


@dataclass(frozen=True)
class Placement:
    """One feasible meeting for a case; `cost` is its soft cost (the max-load term aside)."""

    case_id: str
    start: dt.datetime  # local conference start
    venue: str
    room: str
    waiting: tuple[str, str]  # (victim side, offender side)
    entrances: tuple[str | None, str | None]  # (victim side, offender side)
    lead: str
    cos: tuple[str, ...]
    cost: int

    @property
    def facilitators(self) -> tuple[str, ...]:
        return (self.lead, *self.cos)

    def to_meeting(self, problem, status: str = "proposed") -> Meeting:  # type: ignore[no-untyped-def]
        """The full plan meeting (attendance rows, on-site window) for this placement."""
        clock = Clock(problem.timezone)
        return build_meeting(
            clock,
            Timing.of(problem),
            problem.case_by_id[self.case_id],
            start=clock.instant(self.start),
            venue=self.venue,
            room=self.room,
            lead=self.lead,
            cos=self.cos,
            waiting=self.waiting,
            doors={"victim": self.entrances[0], "offender": self.entrances[1]},
            status=status,
        )


# ---------------------------------------------------------------------- search


def search(
    occ: Occupancy,
    case_id: str,
    *,
    order: Order = "best",
    k: int = 1,
    options_of_case: CaseOptions | None = None,
    only: tuple[Instant, str] | None = None,
    prefer: frozenset[str] = frozenset(),
    pickers: dict[str, TeamPicker] | None = None,
) -> list[Placement]:
    """Up to k feasible placements of one case, given the fixed meetings in `occ`.

    "best": the k cheapest by soft cost, one (the cheapest team) per (start, venue);
    "first": earliest start, first venue in document order, first team in document
    order (what a coordinator does by hand). `only` restricts to one (start, venue);
    `prefer` puts these facilitators first in "first" order. `pickers` (from
    `pickers_of`) saves building them again when one case is searched many times.
    """
    options = occ.options
    problem = options.problem
    case = problem.case_by_id[case_id]
    o = options_of_case or options.cases[case_id]
    if not o.schedulable or k <= 0:
        return []
    clock = options.clock
    w = problem.policy.weights
    vindex = {v.id: i for i, v in enumerate(problem.venues)}
    pickers = pickers if pickers is not None else _pickers(options, case, o)
    fstart = _start_sets(o)
    ptravel = {
        v: w.travel_per_km * sum(party_km(p, problem.venue_by_id[v]) for p in case.attendees)
        for v in pickers
    }
    first_day = problem.horizon.start

    days: dict[Instant, int] = {}

    def wait_cost(s: Instant) -> int:
        if s not in days:  # the same starts come back at every venue: one date lookup each
            days[s] = (clock.local_date(s) - first_day).days
        return w.wait_per_day * case.priority * days[s]

    slots: list[tuple[int, Instant, int, str]] = []
    for v, picker in pickers.items():
        for s in o.venue_starts.get(v, ()):
            if only is not None and (s, v) != only:
                continue
            cheapest = picker.cheapest.cost if picker.cheapest is not None else 0
            lb = wait_cost(s) + ptravel[v] + cheapest if order == "best" else 0
            slots.append((lb, s, vindex[v], v))
    slots.sort()
    found: list[tuple[int, int, Placement]] = []  # a max-heap on cost (negated)
    for n, (lb, s, _, v) in enumerate(slots):
        if order == "best" and len(found) >= k and lb >= -found[0][0]:
            break
        got = _place(occ, case, o, v, s, pickers[v], order, fstart, prefer)
        if got is None:
            continue
        team, room, waits = got
        cost = wait_cost(s) + ptravel[v] + team.cost
        placement = _placement(occ, case, v, s, team, cost, room, waits)
        if order == "first":
            found.append((-cost, -n, placement))
            if len(found) >= k:
                break
            continue
        if len(found) < k:
            heapq.heappush(found, (-cost, -n, placement))
        elif cost < -found[0][0]:
            heapq.heapreplace(found, (-cost, -n, placement))
    if order == "first":
        return [pl for _, _, pl in found]
    return [pl for _, _, pl in sorted(found, key=lambda x: (-x[0], -x[1]))]


def pickers_of(options: Options, case: Case, o: CaseOptions) -> dict[str, TeamPicker]:
    """The team pickers `search` uses for one case, to pass back in (journeys)."""
    return _pickers(options, case, o)


def _pickers(options: Options, case: Case, o: CaseOptions) -> dict[str, TeamPicker]:
    """A team picker per safe venue where some qualified team could sit at all."""
    out = {}
    facts = CaseTeamFacts.of(options, case, o)
    open_venues = o.open_venues  # safe, open, and a qualified team can reach them
    for v in o.venues:
        if v not in open_venues:
            continue
        picker = TeamPicker(options, facts, o, v)
        if picker.cheapest is not None:
            out[v] = picker
    return out


def _place(
    occ: Occupancy,
    case: Case,
    o: CaseOptions,
    v: str,
    s: Instant,
    picker: TeamPicker,
    order: Order,
    fstart: dict[str, frozenset[Instant]],
    prefer: frozenset[str] = frozenset(),
) -> tuple[Team, str, tuple[str, str]] | None:
    """(team, room, waiting rooms) at (s, v), or None."""
    free = _free_at(occ, case, o, v, s, fstart)
    if free is None:
        return None
    room, waits, ok = free
    team = picker.best(ok) if order == "best" else picker.first(ok, prefer)
    if team is None:
        return None
    return team, room, waits


def _free_at(  # type: ignore[no-untyped-def]
    occ: Occupancy,
    case: Case,
    o: CaseOptions,
    v: str,
    s: Instant,
    fstart: dict[str, frozenset[Instant]],
):
    """(room, waiting rooms, "is facilitator free" test) at (s, v), or None if the venue is full."""
    options = occ.options
    lo, hi = options.timing.hull(case, s)
    room = next((r for r in o.rooms.get(v, ()) if occ.room_free(v, r, lo, hi)), None)
    if room is None:
        return None
    waits = occ.free_waiting_rooms(v, lo, hi)
    if len(waits) < 2:
        return None
    e = Engagement.planned(options.clock, options.timing, case, s, venue=v, room=room)
    if occ.keep_apart(e) is not None:
        return None
    memo: dict[str, bool] = {}

    def ok(f: str) -> bool:
        if f not in memo:
            memo[f] = s in fstart[f] and occ.facilitator_free(f, e)
        return memo[f]

    return room, (waits[0], waits[1]), ok


class _StartSets(dict[str, frozenset[Instant]]):
    """Each facilitator's free starts as a set, built on first use (most are never asked)."""

    def __init__(self, o: CaseOptions) -> None:
        super().__init__()
        self._o = o

    def __missing__(self, f: str) -> frozenset[Instant]:
        got = self[f] = frozenset(self._o.facilitator_starts.get(f, ()))
        return got


def _start_sets(o: CaseOptions) -> dict[str, frozenset[Instant]]:
    return _StartSets(o)


def _placement(
    occ: Occupancy,
    case: Case,
    v: str,
    s: Instant,
    team: Team,
    cost: int,
    room: str,
    waits: tuple[str, str],
) -> Placement:
    doors = entrances(occ.problem.venue_by_id[v], case.requires_separate_entrances)
    return Placement(
        case_id=case.id,
        start=occ.options.clock.local(s),
        venue=v,
        room=room,
        waiting=waits,
        entrances=(doors["victim"], doors["offender"]),
        lead=team.lead,
        cos=team.cos,
        cost=cost,
    )


def feasible_slots(
    occ: Occupancy, case_id: str, o: CaseOptions | None = None
) -> list[tuple[Instant, str, frozenset[str]]]:
    """Every (start, venue) where the case fits, with the qualified facilitators free there."""
    options = occ.options
    case = options.problem.case_by_id[case_id]
    o = o or options.cases[case_id]
    if not o.schedulable:
        return []
    out = []
    fstart = _start_sets(o)
    for v, picker in _pickers(options, case, o).items():
        for s in o.venue_starts.get(v, ()):
            free = _free_at(occ, case, o, v, s, fstart)
            if free is None or picker.first(free[2]) is None:
                continue
            out.append((s, v, frozenset(f for f in picker.pool if free[2](f))))
    return out
