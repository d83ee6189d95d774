"""The static pre-filter: what each case could possibly get, rule by rule.

Pure functions of the problem (no solver, no I/O). Each hard rule that can be checked
without knowing the other meetings has its own function, named after the rule, so the
reasons (`reasons.py`), `explain` and `suggest` can ask "which options did this rule
remove?" one rule at a time. The CP-SAT model (`model.py`) only ever chooses among the
options left here.

Times are *instants* (int minutes since the Unix epoch, UTC; see `timeutil`). A
*start* is always the instant of a conference start on the `slot_minutes` grid.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from array import array
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import combinations

from scheduler.availability import Stretches, expand
from scheduler.domain import Case, Facilitator, Party, Problem, Reason, Side, Venue
from scheduler.engine.journeys_guard import refuse_journeys
from scheduler.geo import EARTH_RADIUS_KM, haversine_km
from scheduler.timeutil import Clock, Horizon, Instant

# --------------------------------------------------------------------------- timing


@dataclass(frozen=True)
class Timing:
    """Policy offsets (minutes) that turn a conference `[s, e)` into presence windows (rule 3)."""

    settle: int  # A
    stagger: int  # G
    before: int  # B
    after: int  # F

    @classmethod
    def of(cls, problem: Problem) -> Timing:
        p = problem.policy
        return cls(
            p.settle_minutes,
            p.stagger_minutes,
            p.facilitator_before_minutes,
            p.facilitator_after_minutes,
        )

    def side_window(self, case: Case, side: Side, s: Instant) -> tuple[Instant, Instant]:
        """First side `[s−A−G, e+G)`, second side `[s−A, e)`."""
        e = s + case.duration_minutes
        if side == case.first_to_arrive:
            return s - self.settle - self.stagger, e + self.stagger
        return s - self.settle, e

    def staff_window(self, case: Case, s: Instant) -> tuple[Instant, Instant]:
        """Facilitators and rooms: `[s−B, e+F)`."""
        return s - self.before, s + case.duration_minutes + self.after

    def hull(self, case: Case, s: Instant) -> tuple[Instant, Instant]:
        """The union of every window of the meeting (equal to the staff window for a valid policy)."""
        e = s + case.duration_minutes
        return (
            s - max(self.before, self.settle + self.stagger),
            e + max(self.after, self.stagger),
        )


# --------------------------------------------------------------------------- rule 1


def eligibility(case: Case) -> list[Reason]:
    """Rule 1: consent, victim-initiated DA/SH, appropriate adult for under-16s. Empty = eligible."""
    out: list[Reason] = []
    missing = [p.id for p in case.principals if not p.consented]
    if missing:
        out.append(Reason(code="NO_CONSENT", message=f"no consent from {', '.join(missing)}"))
    if case.offence in ("domestic_abuse", "sexual_harm") and not case.victim_initiated:
        out.append(
            Reason(
                code="NOT_ELIGIBLE_DIRECT",
                message=f"{case.offence.replace('_', ' ')} case not initiated by the victim",
            )
        )
    for p in case.attendees:
        side = case.side_of(p)
        if p.under_16 and side is not None and not case.has_appropriate_adult(side):
            out.append(
                Reason(
                    code="MISSING_APPROPRIATE_ADULT",
                    message=f"{p.id} is under 16 and the {side} side has no consenting parent or carer",
                )
            )
    return out


# --------------------------------------------------------------------------- rule 2


def _conflicted(f: Facilitator, case: Case) -> bool:
    return any(p.id in f.conflicts for p in case.parties)


def _may_serve(f: Facilitator, case: Case) -> bool:
    """What every facilitator of the case needs: prison for custody, no declared conflict."""
    if case.in_custody and not f.has("prison"):
        return False
    return not _conflicted(f, case)


def _servers(problem: Problem, case: Case) -> list[Facilitator]:
    """`_may_serve` over every facilitator, with the case's facts looked up once (at
    national size it ran 2,000 times a case and recomputed `in_custody` each time)."""
    custody = case.in_custody
    ids = {p.id for p in case.parties}
    return [
        f
        for f in problem.facilitators
        if (not custody or f.has("prison")) and not ids.intersection(f.conflicts)
    ]


def qualified_cos(problem: Problem, case: Case) -> list[str]:
    """Rule 2: facilitators who may sit on the case at all (every lead is also one)."""
    out = []
    for f in _servers(problem, case):
        if case.sensitive_complex and not f.has("sensitive_complex"):
            continue
        out.append(f.id)
    return out


def qualified_leads(problem: Problem, case: Case) -> list[str]:
    """Rule 2: facilitators who may lead the case."""
    out = []
    for f in _servers(problem, case):
        if f.level == "foundation":
            continue
        if case.sensitive_complex and (f.level != "advanced" or not f.has("sensitive_complex")):
            continue
        if case.offence in ("domestic_abuse", "sexual_harm") and not f.has(case.offence):
            continue
        out.append(f.id)
    return out


@dataclass(frozen=True)
class AtLeastOne:
    """A team requirement "at least one facilitator of the team is in `members`"."""

    label: str  # e.g. "hate_crime", "youth", "gender female (P12)"
    members: frozenset[str]


@dataclass(frozen=True)
class TeamRequirements:
    """Rule 2 for one case: size, who may lead, who may sit, and the 'at least one' needs."""

    required: int
    leads: tuple[str, ...]
    cos: tuple[str, ...]  # everyone who may sit on the case, leads included
    at_least_one: tuple[AtLeastOne, ...]

    def team_ok(self, lead: str, others: Iterable[str]) -> bool:
        """Whether this exact team (lead + others) meets rule 2 (time aside)."""
        team = {lead, *others}
        if len(team) != self.required or lead not in self.leads:
            return False
        if not team <= set(self.cos):
            return False
        return all(team & need.members for need in self.at_least_one)

    def possible(self, pool: Iterable[str] | None = None) -> bool:
        """Some team drawn from `pool` (default: everyone qualified) meets rule 2."""
        members = [f for f in self.cos if pool is None or f in set(pool)]
        for lead in self.leads:
            if lead not in members:
                continue
            rest = [f for f in members if f != lead]
            for others in combinations(rest, self.required - 1):
                if self.team_ok(lead, others):
                    return True
        return False


def team_requirements(problem: Problem, case: Case) -> TeamRequirements:
    """Rule 2 as data: the model enforces it with linear constraints, reasons read it."""
    needs: list[AtLeastOne] = []

    def having(pred) -> frozenset[str]:  # type: ignore[no-untyped-def]
        return frozenset(f.id for f in problem.facilitators if pred(f))

    if case.offence == "hate_crime":
        needs.append(AtLeastOne("hate_crime", having(lambda f: f.has("hate_crime"))))
    if any(p.under_18 for p in case.attendees):
        needs.append(AtLeastOne("youth", having(lambda f: f.has("youth"))))
    for p in case.attendees:
        wish = p.facilitator_gender
        if wish is not None and wish.required:
            value = wish.value
            needs.append(
                AtLeastOne(f"gender {value} ({p.id})", having(lambda f, v=value: f.gender == v))
            )
    return TeamRequirements(
        required=case.effective_facilitators_required,
        leads=tuple(qualified_leads(problem, case)),
        cos=tuple(qualified_cos(problem, case)),
        at_least_one=tuple(needs),
    )


# --------------------------------------------------------------------------- rules 4-6 (static)


def head_count(case: Case) -> int:
    """Attendees plus facilitators required (rule 4)."""
    return len(case.attendees) + case.effective_facilitators_required


def fitting_rooms(case: Case, venue: Venue) -> tuple[str, ...]:
    n = head_count(case)
    return tuple(r.id for r in venue.rooms if r.capacity >= n)


def room_capacity(case: Case, venue: Venue) -> bool:
    return bool(fitting_rooms(case, venue))


def access(case: Case, venue: Venue) -> bool:
    """Attendees' step-free and hearing-loop needs are met by the venue."""
    for p in case.attendees:
        if p.needs.step_free and not venue.step_free:
            return False
        if p.needs.hearing_loop and not venue.hearing_loop:
            return False
    return True


def separate_entrances(case: Case, venue: Venue) -> bool:
    if not case.requires_separate_entrances:
        return True
    return venue.separate_entrances and len(venue.entrances or []) >= 2


def custody(case: Case, venue: Venue) -> bool:
    """Rule 5: custody cases at the prison holding every offender in custody; prisons host only those."""
    prisons = case.custody_prisons
    if venue.kind == "prison":
        return bool(prisons) and venue.prison is not None and prisons == {venue.prison}
    return not prisons


def exclusion_zones(case: Case, venue: Venue) -> bool:
    """Rule 6: outside every offender's exclusion zone (on the circle counts as inside)."""
    for p in case.offenders:
        for z in p.exclusion_zones:
            if haversine_km(z.center, venue.location) <= z.radius_km:
                return False
    return True


def victim_locality(problem: Problem, case: Case, venue: Venue) -> bool:
    if not case.effective_protect_victim_locality:
        return True
    least = problem.policy.min_victim_home_distance_km
    return all(
        haversine_km(v.home, venue.location) >= least for v in case.victims if v.home is not None
    )


def party_travel(case: Case, venue: Venue) -> bool:
    """Every attendee's `max_travel_km` (custody exempt; no home = no distance to check)."""
    return all(party_reaches(p, venue) for p in case.attendees)


def party_reaches(p: Party, venue: Venue) -> bool:
    if p.in_custody or p.max_travel_km is None or p.home is None:
        return True
    return haversine_km(p.home, venue.location) <= p.max_travel_km


def facilitator_reaches(f: Facilitator, venue: Venue) -> bool:
    """Rule 6, facilitator part: kept apart from the venue filter (NO_SAFE_VENUE ignores it)."""
    return f.max_travel_km is None or haversine_km(f.home, venue.location) <= f.max_travel_km


# The venue rules in the order they are applied; `safe_venues` reports what each removed.
VENUE_RULES: tuple[str, ...] = (
    "custody",
    "room_capacity",
    "access",
    "separate_entrances",
    "exclusion_zones",
    "victim_locality",
    "party_travel",
)


def venue_rule_ok(problem: Problem, case: Case, venue: Venue, rule: str) -> bool:
    if rule == "victim_locality":
        return victim_locality(problem, case, venue)
    return {
        "custody": custody,
        "room_capacity": room_capacity,
        "access": access,
        "separate_entrances": separate_entrances,
        "exclusion_zones": exclusion_zones,
        "party_travel": party_travel,
    }[rule](case, venue)


@dataclass(frozen=True)
class VenueFilter:
    """Rules 4–6 (static parts) for one case.

    `safe` are the venue ids that pass every rule; `removed[rule]` lists the venues
    each rule rejected *on its own* (a venue failing two rules appears under both),
    so explain/suggest can say what relaxing one rule would give back.
    """

    safe: tuple[str, ...]
    removed: dict[str, tuple[str, ...]]


def safe_venues(problem: Problem, case: Case) -> VenueFilter:
    removed: dict[str, list[str]] = {r: [] for r in VENUE_RULES}
    safe = []
    for v in problem.venues:
        ok = True
        for rule in VENUE_RULES:
            if not venue_rule_ok(problem, case, v, rule):
                removed[rule].append(v.id)
                ok = False
        if ok:
            safe.append(v.id)
    return VenueFilter(tuple(safe), {k: tuple(x) for k, x in removed.items()})


# --------------------------------------------------------------------------- rule 3 (time)


@dataclass(frozen=True)
class Grid:
    """Every clear local start on the slot grid over the horizon, by local date."""

    by_day: dict[dt.date, tuple[Instant, ...]]

    @classmethod
    def of(cls, problem: Problem, clock: Clock, horizon: Horizon) -> Grid:
        out: dict[dt.date, tuple[Instant, ...]] = {}
        step = problem.slot_minutes
        for day in horizon.days():
            midnight = dt.datetime.combine(day, dt.time())
            starts = []
            for m in range(0, 1440, step):
                local = midnight + dt.timedelta(minutes=m)
                # A start at a missing or repeated local time is never on the grid.
                if clock.is_clear(local):
                    starts.append(clock.instant(local))
            out[day] = tuple(starts)
        return cls(out)


def attendee_starts(
    problem: Problem,
    case: Case,
    clock: Clock,
    horizon: Horizon,
    grid: Grid,
    avail: dict[str, Stretches],
) -> tuple[Instant, ...]:
    """Rule 3 for the attendees: grid starts within earliest..latest and the horizon,
    every window clear of the clock change, each side's window inside every one of its
    attendees' availability."""
    timing = Timing.of(problem)
    out: list[Instant] = []
    day = problem.case_earliest(case)
    while day <= problem.case_latest(case):
        out.extend(grid.by_day.get(day, ()))
        day += dt.timedelta(days=1)
    lo, hi = timing.hull(case, 0)
    ss = fitting(tuple(out), lo, hi, Stretches(((horizon.start, horizon.end),)))
    for side in ("victim", "offender"):
        common: Stretches | None = None
        for p in case.side_attendees(side):  # type: ignore[arg-type]
            s = avail[p.id]
            common = s if common is None else common.intersect(s)
        if common is not None:
            ss = fitting(ss, *timing.side_window(case, side, 0), common)  # type: ignore[arg-type]
    return tuple(s for s in ss if ctx_clear(clock, horizon, s + lo, s + hi))


def fitting(ss: tuple[Instant, ...], lo: int, hi: int, avail: Stretches) -> tuple[Instant, ...]:
    """The sorted starts `s` whose window `[s+lo, s+hi)` lies inside one stretch of `avail`."""
    out: list[Instant] = []
    for i, j in fitting_spans(ss, lo, hi, avail):
        out.extend(ss[i:j])
    return tuple(out)


def fitting_spans(
    ss: tuple[Instant, ...], lo: int, hi: int, avail: Stretches
) -> list[tuple[int, int]]:
    """`fitting` as index ranges `[i, j)` into `ss`, in order.

    A start fits a stretch `[a, b)` iff `a − lo ≤ s ≤ b − hi`, so each stretch takes a
    slice of the starts by bisection. This runs for every (case, facilitator) pair: a
    per-start walk took ~70 % of the pre-filter on region size (15.8 s for 10 cases).
    """
    if not ss:
        return []
    spans = avail.intervals
    # Only the stretches that can hold a window of the first..last start.
    k = max(0, bisect.bisect_right(spans, (ss[0] + lo,)) - 1)
    last = ss[-1] + hi
    out: list[tuple[int, int]] = []
    for a, b in spans[k:]:
        if a >= last:
            break
        i = bisect.bisect_left(ss, a - lo)
        j = bisect.bisect_right(ss, b - hi)
        if i < j:
            out.append((i, j))
    return out


def spans_mask(spans: list[tuple[int, int]]) -> int:
    """Index ranges as a bit set (bit i = start i), for fast unions and counts."""
    mask = 0
    for i, j in spans:
        mask |= ((1 << (j - i)) - 1) << i
    return mask


def ctx_clear(clock: Clock, horizon: Horizon, lo: Instant, hi: Instant) -> bool:
    """`Clock.window_is_clear`, with the horizon's clock changes looked up once."""
    for at, change in _changes(clock, horizon):
        if change > 0 and lo < at < hi:  # the missing hour lies inside
            return False
        if change < 0 and lo < at - change and hi > at + change:  # the repeated hour
            return False
    return True


_CHANGES: dict[tuple[str, dt.date, dt.date], list[tuple[Instant, int]]] = {}


def _changes(clock: Clock, horizon: Horizon) -> list[tuple[Instant, int]]:
    key = (clock.zone_name, horizon.first, horizon.last)
    if key not in _CHANGES:
        one = dt.timedelta(days=1)
        _CHANGES[key] = clock.transitions(horizon.first - one, horizon.last + one)
    return _CHANGES[key]


def staff_starts(
    case: Case, timing: Timing, starts: Iterable[Instant], avail: Stretches
) -> tuple[Instant, ...]:
    """The starts at which `[s−B, e+F)` lies inside `avail` (a facilitator's or a venue's)."""
    ss = starts if isinstance(starts, tuple) else tuple(starts)
    return fitting(ss, *timing.staff_window(case, 0), avail)


# --------------------------------------------------------------------------- results


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
        avail: dict[str, Stretches],
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
    availability: dict[str, Stretches] = field(repr=False)  # by person or venue id

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
        att, {v: _packed(fitting_spans(att, lo, hi, ctx.avail[v])) for v in vf.safe}
    )
    safe = frozenset(vf.safe)
    reach = {f: ctx.reach[f] & safe for f in team.cos}
    open_venues = {v for v in vstarts if vstarts.nonempty(v)}
    near = [f for f in team.cos if reach[f] & open_venues]
    fstarts = FreeStarts(case, timing, att, ctx.avail, near, team.cos)
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
    avail: dict[str, Stretches]
    reach: dict[str, frozenset[str]]  # facilitator → venues within their travel limit


def facilitator_reach(problem: Problem) -> dict[str, frozenset[str]]:
    """Rule 6, facilitator part, for every (facilitator, venue) pair at once.

    The great-circle distance is at least the latitude difference along a meridian, so
    a pair further apart in latitude than the limit (plus a km of slack for rounding)
    is skipped without the haversine: at national size (2,000 × 450 pairs, computed per
    case before) that check settles most pairs.
    """
    per_degree = EARTH_RADIUS_KM * math.pi / 180
    all_venues = frozenset(v.id for v in problem.venues)
    out: dict[str, frozenset[str]] = {}
    for f in problem.facilitators:
        limit = f.max_travel_km
        if limit is None:
            out[f.id] = all_venues
            continue
        out[f.id] = frozenset(
            v.id
            for v in problem.venues
            if abs(v.location.lat - f.home.lat) * per_degree <= limit + 1
            and facilitator_reaches(f, v)
        )
    return out


def availability_map(problem: Problem, clock: Clock, horizon: Horizon) -> dict[str, Stretches]:
    """Expanded availability of every facilitator, venue and party, by id."""
    out: dict[str, Stretches] = {}
    for f in problem.facilitators:
        out[f.id] = expand(f.availability, clock, horizon)
    for v in problem.venues:
        out[v.id] = expand(v.availability, clock, horizon)
    for c in problem.cases:
        for p in c.parties:
            out[p.id] = expand(p.availability, clock, horizon)
    return out


def build_options(problem: Problem, case_ids: Iterable[str] | None = None) -> Options:
    """Options for every case (or only `case_ids`)."""
    refuse_journeys(problem)
    clock = Clock(problem.timezone)
    horizon = Horizon(clock, problem.horizon.start, problem.horizon.end)
    timing = Timing.of(problem)
    avail = availability_map(problem, clock, horizon)
    ctx = _Context(
        clock, horizon, timing, Grid.of(problem, clock, horizon), avail, facilitator_reach(problem)
    )
    wanted = None if case_ids is None else set(case_ids)
    cases = {
        c.id: case_options(problem, c, ctx)
        for c in problem.cases
        if wanted is None or c.id in wanted
    }
    return Options(problem, clock, horizon, timing, cases, avail)
