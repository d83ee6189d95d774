"""What each case could possibly get: the static pre-filter, put together.

Pure functions of the problem (no solver, no I/O). The rules live one module each,
one function per rule: `eligibility` (rule 1), `team` (rule 2), `time_rules` (rule 3)
and `venue_rules` (rules 4-6, static parts); this module combines them per case into
`CaseOptions`, so the reasons (`reasons.py`), `explain` and `suggest` can still ask
"which options did this rule remove?" one rule at a time. The CP-SAT model
(`model.py`) only ever chooses among the options left here.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from scheduler.availability import Stretches
from scheduler.domain import Case, Problem, Reason
from scheduler.engine.eligibility import eligibility
from scheduler.engine.team import TeamRequirements, team_requirements
from scheduler.engine.time_rules import (
    Availability,
    Grid,
    Timing,
    attendee_starts,
    availability_map,
    fitting_spans,
    spans_mask,
)
from scheduler.engine.venue_rules import VenueFilter, facilitator_reach, fitting_rooms, safe_venues
from scheduler.geo import haversine_km
from scheduler.timeutil import Clock, Horizon, Instant


def _packed(spans: list[tuple[int, int]]) -> array[int]:
    return array("I", [k for span in spans for k in span])


def _unpack(starts: tuple[Instant, ...], packed: array[int]) -> tuple[Instant, ...]:
    out: list[Instant] = []
    for n in range(0, len(packed), 2):
        out.extend(starts[packed[n] : packed[n + 1]])
    return tuple(out)


class SpanStarts(Mapping[str, tuple[Instant, ...]]):
    """Id → sorted starts, kept as index ranges into the case's attendee starts.

    Tuples of starts per (case, venue) and (case, facilitator) took over 4 GB at
    national size (a case whose parties have no travel limit can use ~400 venues and
    ~2,000 facilitators, each with ~1,000 starts); ranges take a few bytes, and a
    tuple is made on access.
    """

    def __init__(self, starts: tuple[Instant, ...], packed: dict[str, array[int]]) -> None:
        self._starts, self._packed = starts, packed

    def __getitem__(self, key: str) -> tuple[Instant, ...]:
        return _unpack(self._starts, self._packed[key])

    def __contains__(self, key: object) -> bool:
        return key in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def only(self, keys: Iterable[str]) -> SpanStarts:
        """The same starts for `keys` only."""
        return SpanStarts(self._starts, {k: self._packed[k] for k in keys if k in self._packed})

    def nonempty(self, key: str) -> bool:
        return bool(self._packed.get(key))

    def mask(self, key: str) -> int:
        """The starts as a bit set (bit i = the i-th attendee start)."""
        p = self._packed.get(key, array("I"))
        return spans_mask([(p[n], p[n + 1]) for n in range(0, len(p), 2)])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]


class FreeStarts(SpanStarts):
    """Facilitator → the starts at which they are free for `[s−B, e+F)`; only those free
    at some start are keys.

    Worked out at once for the facilitators who can reach an open safe venue (`near`,
    all the model and the reasons use), and on first access for the other qualified
    ones (only `explain` asks about them): at national size a case has ~1,700 qualified
    facilitators of whom a few dozen to a few hundred are near, and doing them all
    took ~0.2 s a case.
    """

    def __init__(
        self,
        case: Case,
        timing: Timing,
        starts: tuple[Instant, ...],
        avail: Mapping[str, Stretches],
        near: Iterable[str],
        qualified: Iterable[str],
    ) -> None:
        super().__init__(starts, {})
        self._window = timing.staff_window(case, 0)
        self._avail = avail
        self._qualified = tuple(qualified)
        self._all = False
        for f in near:
            self._work_out(f)
        self.near = tuple(f for f, p in self._packed.items() if p)

    def _work_out(self, f: str) -> bool:
        if f not in self._packed:
            self._packed[f] = _packed(fitting_spans(self._starts, *self._window, self._avail[f]))
        return bool(self._packed[f])

    def __getitem__(self, f: str) -> tuple[Instant, ...]:
        if f not in self._avail or not self._work_out(f):
            raise KeyError(f)
        return super().__getitem__(f)

    def __contains__(self, f: object) -> bool:
        return isinstance(f, str) and f in self._avail and self._work_out(f)

    def __iter__(self) -> Iterator[str]:
        if not self._all:
            for f in self._qualified:
                self._work_out(f)
            self._all = True
        return (f for f, p in list(self._packed.items()) if p)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass(frozen=True)
class CaseOptions:
    """Everything one case could get, after the static pre-filter.

    - `eligible` / `ineligible`: rule 1 (reasons empty iff eligible).
    - `team`: rule 2 (leads, who may sit, 'at least one' needs); `team_possible` says
      whether any team exists at all, time aside (NO_QUALIFIED_FACILITATOR when not).
    - `venues`: rules 4–6 static (`venue_filter.removed` says which rule removed what);
      `rooms[v]` the rooms at v big enough for the head-count.
    - `attendee_starts`: rule 3 for the attendees, dates, horizon and clock change.
    - `venue_starts[v]`: attendee starts at which the venue is open for `[s−B, e+F)`.
    - `facilitator_starts[f]`: attendee starts at which f (anyone in `team.cos`) is
      free for `[s−B, e+F)`; facilitators with none are absent.
    - `reach[f]`: the safe venues within f's `max_travel_km` (facilitator-venue
      reachability, kept apart from `venues`).
    - `starts`: the candidate starts the model may use: at some safe venue that is open
      then, a lead and enough others who can reach it are free (`team_at_venue`).
    - `team_venues`: the open safe venues a qualified team can reach at some start
      (None: not worked out, every open venue counts). `reach` is already cut to them.
    Starts are sorted tuples of instants.
    """

    case_id: str
    ineligible: tuple[Reason, ...]
    team: TeamRequirements
    team_possible: bool
    venue_filter: VenueFilter
    rooms: dict[str, tuple[str, ...]]
    attendee_starts: tuple[Instant, ...]
    venue_starts: Mapping[str, tuple[Instant, ...]]
    facilitator_starts: Mapping[str, tuple[Instant, ...]]
    reach: dict[str, frozenset[str]]
    starts: tuple[Instant, ...]
    team_venues: frozenset[str] | None = None

    @property
    def eligible(self) -> bool:
        return not self.ineligible

    @property
    def venues(self) -> tuple[str, ...]:
        return self.venue_filter.safe

    @property
    def usable_facilitators(self) -> tuple[str, ...]:
        """Facilitators free at some start who can reach some open safe venue."""
        open_venues = self.open_venues
        fs = self.facilitator_starts
        near = fs.near if isinstance(fs, FreeStarts) else fs
        return tuple(f for f in near if self.reach.get(f, frozenset()) & open_venues)

    @cached_property
    def open_venues(self) -> frozenset[str]:
        """Safe venues open at some start with a team that can reach them (the venue
        options the model, the greedy plan and `split` use)."""
        vs = self.venue_starts
        if isinstance(vs, SpanStarts):
            out = frozenset(v for v in vs if vs.nonempty(v))
        else:
            out = frozenset(v for v, ss in vs.items() if ss)
        return out if self.team_venues is None else out & self.team_venues

    @property
    def schedulable(self) -> bool:
        """Could be placed at all if it were alone (pinned meetings aside)."""
        return self.eligible and self.team_possible and bool(self.starts)


@dataclass(frozen=True)
class Options:
    """The options of every case of a problem, plus the shared time frame."""

    problem: Problem
    clock: Clock
    horizon: Horizon
    timing: Timing
    cases: dict[str, CaseOptions]
    availability: Availability = field(repr=False)

    @cached_property
    def facilitator_km(self) -> dict[tuple[str, str], float]:
        """Home-to-venue distance of every (facilitator, venue)."""
        return {
            (f.id, v.id): haversine_km(f.home, v.location)
            for f in self.problem.facilitators
            for v in self.problem.venues
        }


def case_options(problem: Problem, case: Case, ctx: _Context) -> CaseOptions:
    timing = ctx.timing
    team = team_requirements(problem, case)
    vf = safe_venues(problem, case)
    rooms = {v: fitting_rooms(case, problem.venue_by_id[v]) for v in vf.safe}
    att = attendee_starts(problem, case, ctx.clock, ctx.horizon, ctx.grid, ctx.avail)
    lo, hi = timing.staff_window(case, 0)
    vstarts = SpanStarts(
        att, {v: _packed(fitting_spans(att, lo, hi, ctx.avail.venues[v])) for v in vf.safe}
    )
    safe = frozenset(vf.safe)
    reach = {f: ctx.reach[f] & safe for f in team.cos}
    open_venues = {v for v in vstarts if vstarts.nonempty(v)}
    near = [f for f in team.cos if reach[f] & open_venues]
    fstarts = FreeStarts(case, timing, att, ctx.avail.facilitators, near, team.cos)
    at_venue = team_at_venue(team, vstarts, fstarts, reach)
    starts_mask = 0
    for m in at_venue.values():
        starts_mask |= m
    starts = tuple(s for i, s in enumerate(att) if starts_mask >> i & 1)
    team_venues = frozenset(at_venue)
    # A facilitator can only ever be at a venue where a whole team can be.
    reach = {f: r & team_venues for f, r in reach.items()}
    return CaseOptions(
        case_id=case.id,
        ineligible=tuple(eligibility(case)),
        team=team,
        team_possible=team.possible(),
        venue_filter=vf,
        rooms=rooms,
        attendee_starts=att,
        venue_starts=vstarts,
        facilitator_starts=fstarts,
        reach=reach,
        starts=starts,
        team_venues=team_venues,
    )


def team_at_venue(
    team: TeamRequirements,
    vstarts: SpanStarts,
    fstarts: FreeStarts,
    reach: dict[str, frozenset[str]],
) -> dict[str, int]:
    """Venue → bit set of the attendee starts at which it is open and a team can be there.

    The exact venue pruning (rules 2, 3, 6 together, as far as they can be checked
    without the other meetings): at start s, venue v needs a free qualified lead with
    v in reach, at least `required` free qualified facilitators with v in reach, and
    for each 'at least one' need a free member with v in reach. Every valid meeting
    has such a team, so a venue (or start) left out here loses no feasible placement.
    Venues with no such start are absent. Cutting these out is what lets `split`
    separate regions: a party with no travel limit has safe venues across the country,
    but only the regional facilitators can reach each of them.

    Bit sets over the attendee starts (bit i = i-th start); "at least k free" by
    running at-least-k sets, as Python sets per (facilitator, start) were half the
    national pre-filter's time.
    """
    if team.required < 1:
        return {}
    fmask = {f: fstarts.mask(f) for f in fstarts.near}
    by_venue: dict[str, list[str]] = {}
    for f in fstarts.near:
        if fmask[f]:
            for v in reach[f]:
                by_venue.setdefault(v, []).append(f)
    leads = set(team.leads)
    out: dict[str, int] = {}
    for v, fs in by_venue.items():
        open_ = vstarts.mask(v) if v in vstarts else 0
        if not open_:
            continue
        at_least = [0] * (team.required + 1)  # at_least[k]: starts where ≥ k are free
        with_lead = 0
        needs = [0] * len(team.at_least_one)
        for f in fs:
            ok = fmask[f] & open_
            if not ok:
                continue
            for k in range(team.required, 1, -1):
                at_least[k] |= at_least[k - 1] & ok
            at_least[1] |= ok
            if f in leads:
                with_lead |= ok
            for n, need in enumerate(team.at_least_one):
                if f in need.members:
                    needs[n] |= ok
        usable = at_least[team.required] & with_lead
        for m in needs:
            usable &= m
        if usable:
            out[v] = usable
    return out


@dataclass(frozen=True)
class _Context:
    clock: Clock
    horizon: Horizon
    timing: Timing
    grid: Grid
    avail: Availability
    reach: dict[str, frozenset[str]]  # facilitator → venues within their travel limit


def context(problem: Problem) -> _Context:
    """The per-problem part of the pre-filter (clock, grid, availability, reach), built
    once and shared by every case's options (`case_options`)."""
    clock = Clock(problem.timezone)
    horizon = Horizon(clock, problem.horizon.start, problem.horizon.end)
    return _Context(
        clock,
        horizon,
        Timing.of(problem),
        Grid.of(problem, clock, horizon),
        availability_map(problem, clock, horizon),
        facilitator_reach(problem),
    )


def build_options(problem: Problem, case_ids: Iterable[str] | None = None) -> Options:
    """Options for every case (or only `case_ids`)."""
    ctx = context(problem)
    wanted = None if case_ids is None else set(case_ids)
    cases = {
        c.id: case_options(problem, c, ctx)
        for c in problem.cases
        if wanted is None or c.id in wanted
    }
    return Options(problem, ctx.clock, ctx.horizon, ctx.timing, cases, ctx.avail)
