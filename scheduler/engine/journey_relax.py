"""A relaxation of journeys for the cases only a few leads can take (spec journeys.md).

Some cases pass every test of being scheduled alone (`journey_bounds.possible`) and
yet cannot all be scheduled together: two or three facilitators are the only possible
leads of several cases, and their few free evenings cannot hold every session and
conference. Level 2's bound counts them all; the search, placing journeys one by one,
may not find the few combinations that fit.

`relax` is a small CP-SAT model of such a group of cases ("scarce": at most
`SCARCE_LEADS` possible leads each, grouped by the facilitators their teams could
share), on facilitator time alone:

- each case scheduled or not; if scheduled, one team (rule 2, S2) drawn from its
  possible leads (`JourneyPlacer.prep_leads`) and the co-facilitators who pass the
  pair test beside them (`prep_partners`): every team a valid plan could give it;
- its conference at a start where the whole team is free and the venue open and
  within everyone's reach; each session at a start of some place where the lead (the
  whole team for a team visit) is free, video or in person;
- each facilitator in one window at a time (S6: the conference's `[s − B, e + F)`,
  a session's with its margins, none for video), the conference caps per day and per
  ISO week (rule 9), the `after` order on later dates and the preparation gap (S3).

Everything else (rooms, travel, keep apart, other cases, S7) is left out, so no valid
plan schedules more of the group's priority than the model's proven bound: level 2's
bound loses the difference (`journey_bounds.bounds`). Its solution, times and teams,
is also a guide: placed journey by journey at those starts (`JourneyPlacer.place(at=)`)
it often is a set of journeys that fit together (`journeys.guided`).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ortools.sat.python import cp_model

from scheduler.domain import Case
from scheduler.engine.journey_placement import JourneyPlacer, free_starts, journey_order
from scheduler.engine.occupancy import Travel
from scheduler.engine.session_options import SessionPlace
from scheduler.timeutil import Instant

SCARCE_LEADS = 3  # a case with at most this many possible leads is scarce
GROUP_CASES = 24  # cases per group at most (a larger group is cut: still sound)
CASE_TEAMS = 300  # possible teams per case at most (a case with more is left out)
MODES = ("video", "home", "venue")


@dataclass(frozen=True)
class Relaxed:
    """One group's relaxation: its cases, their total priority, the proven most of it
    any valid plan schedules, and the model's best solution (case → team; each
    conference and session → start, keyed by kind and id: ids may repeat across kinds)."""

    cases: tuple[str, ...]
    priority: int
    bound: int
    teams: dict[str, tuple[str, ...]]
    at: dict[tuple[str, str], Instant]  # ("conference", case id) or ("session", id)

    @property
    def lost(self) -> int:
        """Priority of the group that no valid plan schedules."""
        return self.priority - self.bound


def teams_of(placer: JourneyPlacer, case: Case) -> list[tuple[str, ...]]:
    """Every team (lead first) a valid plan could give the case, or [] if more than
    `CASE_TEAMS` (the caller then leaves the case out)."""
    team = placer.options.cases[case.id].team
    out: list[tuple[str, ...]] = []
    for lead in placer.prep_leads(case):
        if team.required == 1:
            out.append((lead,))
            continue
        for others in combinations(placer.prep_partners(case, lead), team.required - 1):
            if team.team_ok(lead, others):
                out.append((lead, *others))
                if len(out) > CASE_TEAMS:
                    return []
    return out


def scarce_groups(
    placer: JourneyPlacer, cases: list[Case], want: set[str], deadline: float
) -> list[list[Case]]:
    """The groups of scarce cases (among `cases`, the possible ones) that hold a case of
    `want`, by the facilitators their teams could share (each at most `GROUP_CASES`; a
    group of one is kept too: its solution still guides `journeys.guided`)."""
    scarce: list[tuple[Case, set[str]]] = []
    for case in cases:
        if time.monotonic() > deadline:
            break
        if placer.few_leads(case, SCARCE_LEADS):
            teams = teams_of(placer, case)
            if teams:
                scarce.append((case, {f for t in teams for f in t}))
    parent = list(range(len(scarce)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_fac: dict[str, int] = {}
    for i, (_, facs) in enumerate(scarce):
        for f in facs:
            if f in by_fac:
                parent[root(i)] = root(by_fac[f])
            else:
                by_fac[f] = i
    groups: dict[int, list[Case]] = defaultdict(list)
    for i, (case, _) in enumerate(scarce):
        groups[root(i)].append(case)
    out = []
    for g in groups.values():
        if any(c.id in want for c in g):
            g.sort(key=lambda c: (c.id not in want, -c.priority))
            out.append(g[:GROUP_CASES])
    return out


def relax(
    placer: JourneyPlacer, cases: list[Case], seconds: float, workers: int = 1, seed: int = 0
) -> Relaxed:
    """The relaxation of one group of cases (see the module's docstring); `seed` gives
    another of its solutions (the bound is the same)."""
    model = _Model(placer)
    for case in cases:
        model.add_case(case)
    return model.solve(seconds, workers, seed)


@dataclass(frozen=True)
class _Spot:
    """One facilitator's possible window: its interval, its local date (`day` plus
    `first`'s ordinal) and where it could be: (literal of that choice, None for always;
    the places), one pair per in-person mode."""

    interval: cp_model.IntervalVar
    lo: cp_model.LinearExprT
    hi: cp_model.LinearExprT
    present: cp_model.IntVar
    day: cp_model.IntVar
    first: int
    where: tuple[tuple[cp_model.IntVar | None, frozenset[tuple[float, float]]], ...]


class _Model:
    def __init__(self, placer: JourneyPlacer) -> None:
        self.placer = placer
        self.options = placer.options
        self.problem = placer.problem
        self.clock = placer.clock
        self.cp = cp_model.CpModel()
        self.x: dict[str, cp_model.IntVar] = {}
        self.team: dict[str, dict[tuple[str, ...], cp_model.IntVar]] = {}
        self.starts: dict[tuple[str, str], cp_model.IntVar] = {}  # (kind, id) → start
        self.spots: dict[str, list[_Spot]] = defaultdict(list)
        self.in_week: dict[str, dict[tuple[int, int], list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self.on_day: dict[str, dict[dt.date, list[cp_model.IntVar]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._day_starts: dict[dt.date, Instant] = {}
        self._first: dict[tuple[str, str], dt.date] = {}  # per start variable, its date 0
        self.cases: list[Case] = []

    def _day_start(self, d: dt.date) -> Instant:
        got = self._day_starts.get(d)
        if got is None:
            got = self._day_starts[d] = self.clock.day_start(d)
        return got

    def _date_of(
        self, key: tuple[str, str], s: cp_model.IntVar, starts: list[Instant]
    ) -> cp_model.IntVar:
        """A variable for the local date of start `s` (days after the first of `starts`)."""
        name = "/".join(key)
        clock, cp = self.clock, self.cp
        days = sorted({clock.local_date(t) for t in starts})
        first = days[0]
        offsets = [(d - first).days for d in days]
        n = offsets[-1] + 2
        table = [self._day_start(first + dt.timedelta(days=i)) for i in range(n)]
        d = cp.new_int_var_from_domain(cp_model.Domain.from_values(offsets), f"{name}.day")
        nxt = cp.new_int_var(1, n - 1, f"{name}.next")
        cp.add(nxt == d + 1)
        lo = cp.new_int_var(table[0], table[-1], f"{name}.lo")
        hi = cp.new_int_var(table[0], table[-1], f"{name}.hi")
        cp.add_element(d, table, lo)
        cp.add_element(nxt, table, hi)
        cp.add(s >= lo)
        cp.add(s < hi)
        self._first[key] = first
        return d

    def add_case(self, case: Case) -> None:
        placer, cp = self.placer, self.cp
        teams = teams_of(placer, case)
        if not teams:
            return
        self.cases.append(case)
        x = self.x[case.id] = cp.new_bool_var(case.id)
        t = self.team[case.id] = {team: cp.new_bool_var(f"{case.id}{team}") for team in teams}
        cp.add(sum(t.values()) == x)
        facs = sorted({f for team in teams for f in team})
        conf = self._conference(case, teams, t, facs) if case.conference else None
        if case.conference and conf is None:
            cp.add(x == 0)
            return
        dates: dict[str, tuple[cp_model.IntVar, dt.date]] = {}
        for sid in journey_order(case):
            got = self._session(case, sid, teams, t, facs)
            if got is None:
                cp.add(x == 0)
                return
            s, d = got
            first = self._first["session", sid]
            dates[sid] = (d, first)
            after = placer.session_options(case)[sid].session.after
            if after in dates:
                d0, first0 = dates[after]
                cp.add(d + (first - first0).days >= d0 + 1).only_enforce_if(x)
            if conf is not None:
                cs, cd, cfirst = conf
                gap = self.problem.policy.preparation_gap_days
                if gap > 0:
                    cp.add(d + (first - cfirst).days <= cd - gap).only_enforce_if(x)
                else:
                    dur = placer.session_options(case)[sid].session.duration_minutes
                    cp.add(s + dur <= cs).only_enforce_if(x)

    def _present(
        self, t: dict[tuple[str, ...], cp_model.IntVar], who: list[tuple[str, ...]], f: str
    ) -> cp_model.IntVar:
        lit = self.cp.new_bool_var("")
        self.cp.add(lit == sum(t[team] for team in who if f in team))
        return lit

    def _conference(
        self,
        case: Case,
        teams: list[tuple[str, ...]],
        t: dict[tuple[str, ...], cp_model.IntVar],
        facs: list[str],
    ) -> tuple[cp_model.IntVar, cp_model.IntVar, dt.date] | None:
        placer, cp, clock = self.placer, self.cp, self.clock
        o = self.options.cases[case.id]
        co = placer.conference_options(case)
        doms: dict[tuple[str, ...], list[Instant]] = {}
        places: set[tuple[float, float]] = set()
        for team in teams:
            free = set(o.facilitator_starts.get(team[0], ()))
            for f in team[1:]:
                free &= set(o.facilitator_starts.get(f, ()))
            venues = frozenset.intersection(*(o.reach.get(f, frozenset()) for f in team))
            got: set[Instant] = set()
            for v in venues:
                here = [s for s in co.venue_starts.get(v, ()) if s in free]
                if here:
                    got.update(here)
                    loc = self.problem.venue_by_id[v].location
                    places.add((loc.lat, loc.lon))
            doms[team] = sorted(got)
            if not got:
                cp.add(t[team] == 0)
        every = sorted({s for d in doms.values() for s in d})
        if not every:
            return None
        key = ("conference", case.id)
        s = self.starts[key] = cp.new_int_var_from_domain(
            cp_model.Domain.from_values(every), f"{case.id}.conf"
        )
        for team, dom in doms.items():
            if dom:
                cp.add_linear_expression_in_domain(
                    s, cp_model.Domain.from_values(dom)
                ).only_enforce_if(t[team])
        d = self._date_of(key, s, every)
        policy = self.problem.policy
        before, after = policy.facilitator_before_minutes, policy.facilitator_after_minutes
        size = before + case.duration_minutes + after
        first = self._first[key]
        days = sorted({clock.local_date(x) for x in every})
        for f in facs:
            lit = self._present(t, teams, f)
            iv = cp.new_optional_fixed_size_interval_var(s - before, size, lit, "")
            where = ((None, frozenset(places)),)
            spot = _Spot(iv, s - before, s + size - before, lit, d, first.toordinal(), where)
            self.spots[f].append(spot)
            fac = self.problem.facilitator_by_id[f]
            if fac.max_meetings_per_day is None and fac.max_meetings_per_week is None:
                continue
            for day in days:
                on = cp.new_bool_var("")  # the conference is on `day` with f in the team
                cp.add(d == (day - first).days).only_enforce_if(on)
                cp.add_implication(on, lit)
                cp.add(d != (day - first).days).only_enforce_if([lit, on.Not()])
                self.on_day[f][day].append(on)
        return s, d, first

    def _session(
        self,
        case: Case,
        sid: str,
        teams: list[tuple[str, ...]],
        t: dict[tuple[str, ...], cp_model.IntVar],
        facs: list[str],
    ) -> tuple[cp_model.IntVar, cp_model.IntVar] | None:
        placer, cp = self.placer, self.cp
        so = placer.session_options(case)[sid]
        required = self.options.cases[case.id].team.required
        doms: dict[tuple[tuple[str, ...], str], list[Instant]] = {}
        whole_always: dict[tuple[str, ...], bool] = {}
        avail = self.options.availability.facilitators
        kept: dict[tuple[int, str], tuple[Instant, ...]] = {}  # for this session only

        def free_of(pl: SessionPlace, f: str) -> tuple[Instant, ...]:
            got = kept.get((id(pl), f))
            if got is None:
                got = kept[id(pl), f] = free_starts(so, pl, avail[f])
            return got

        for team in teams:
            always = True
            for mode in MODES:
                got: set[Instant] = set()
                for pl in so.places:
                    if pl.mode != mode:
                        continue
                    if pl.mode == "home" and so.team_visit_home and required < 2:
                        continue
                    whole = so.team_visit(pl.mode) and required > 1
                    attending = team if whole else team[:1]
                    always = always and whole
                    if not placer._reach(attending, pl):
                        continue
                    free = set(free_of(pl, attending[0]))
                    for f in attending[1:]:
                        free &= set(free_of(pl, f))
                    got |= free
                doms[team, mode] = sorted(got)
            whole_always[team] = always
            if not any(doms[team, mode] for mode in MODES):
                cp.add(t[team] == 0)
        every = sorted({s for d in doms.values() for s in d})
        if not every:
            return None
        key = ("session", sid)
        s = self.starts[key] = cp.new_int_var_from_domain(cp_model.Domain.from_values(every), sid)
        mode_of = {mode: cp.new_bool_var(f"{sid}.{mode}") for mode in MODES}
        cp.add_exactly_one(mode_of.values())
        for team in teams:
            for mode, lit in mode_of.items():
                if doms[team, mode]:
                    cp.add_linear_expression_in_domain(
                        s, cp_model.Domain.from_values(doms[team, mode])
                    ).only_enforce_if([t[team], lit])
                else:
                    cp.add_bool_or([t[team].Not(), lit.Not()])
        d = self._date_of(key, s, every)
        dur, margin = so.session.duration_minutes, so.margin
        video = mode_of["video"]
        where = tuple(
            (mode_of[mode], frozenset(pl.place for pl in so.places if pl.mode == mode and pl.place))
            for mode in ("home", "venue")
        )
        first = self._first[key].toordinal()
        for f in facs:
            who = [team for team in teams if team[0] == f or (whole_always[team] and f in team)]
            if not who:
                continue
            lit = self._present(t, who, f)
            lo = cp.new_int_var(every[0] - margin, every[-1], "")
            cp.add(lo == s - margin + margin * video)
            size = cp.new_int_var(dur, dur + 2 * margin, "")
            cp.add(size == dur + 2 * margin - 2 * margin * video)
            hi = cp.new_int_var(every[0], every[-1] + dur + margin, "")
            cp.add(hi == lo + size)
            iv = cp.new_optional_interval_var(lo, size, hi, lit, "")
            self.spots[f].append(_Spot(iv, lo, hi, lit, d, first, where))
            if self.problem.facilitator_by_id[f].max_sessions_per_week is not None:
                self._count_weeks(f, d, self._first[key], every, lit)
        return s, d

    def _count_weeks(
        self,
        f: str,
        d: cp_model.IntVar,
        first: dt.date,
        starts: list[Instant],
        lit: cp_model.IntVar,
    ) -> None:
        """S7: a literal per ISO week the session could fall in, true when f attends it
        that week (the session's local date `d` days after `first`)."""
        cp, clock = self.cp, self.clock
        weeks: dict[tuple[int, int], list[int]] = defaultdict(list)
        for day in {clock.local_date(x) for x in starts}:
            iso = day.isocalendar()
            weeks[(iso[0], iso[1])].append((day - first).days)
        ons = []
        for week, offsets in weeks.items():
            on = cp.new_bool_var("")
            cp.add(d >= min(offsets)).only_enforce_if(on)
            cp.add(d <= max(offsets)).only_enforce_if(on)
            self.in_week[f][week].append(on)
            ons.append(on)
        cp.add(sum(ons) == lit)

    def solve(self, seconds: float, workers: int, seed: int = 0) -> Relaxed:
        cp = self.cp
        for f, by_week in self.in_week.items():
            cap = self.problem.facilitator_by_id[f].max_sessions_per_week
            if cap is not None:
                for lits in by_week.values():
                    cp.add(sum(lits) <= cap)
        travel = Travel(self.problem)
        for spots in self.spots.values():
            cp.add_no_overlap([x.interval for x in spots])
            for i, a in enumerate(spots):
                for b in spots[i + 1 :]:
                    self._travel(a, b, travel)
        for f, by_day in self.on_day.items():
            fac = self.problem.facilitator_by_id[f]
            weeks: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
            for day, lits in by_day.items():
                if fac.max_meetings_per_day is not None:
                    cp.add(sum(lits) <= fac.max_meetings_per_day)
                iso = day.isocalendar()
                weeks[(iso[0], iso[1])] += lits
            if fac.max_meetings_per_week is not None:
                for lits in weeks.values():
                    cp.add(sum(lits) <= fac.max_meetings_per_week)
        total = sum(c.priority for c in self.cases)
        cp.maximize(sum(c.priority * self.x[c.id] for c in self.cases))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.1, seconds)
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.random_seed = seed
        status = solver.solve(cp)
        ids = tuple(c.id for c in self.cases)
        if status == cp_model.INFEASIBLE:  # (cannot happen: nothing scheduled is a solution)
            return Relaxed(ids, total, total, {}, {})
        best = solver.best_objective_bound
        bound = min(total, math.floor(best + 1e-6)) if math.isfinite(best) else total
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Relaxed(ids, total, max(bound, 0), {}, {})
        teams = {
            cid: team for cid, t in self.team.items() for team, b in t.items() if solver.value(b)
        }
        at = {key: solver.value(v) for key, v in self.starts.items() if self._case_of(key) in teams}
        return Relaxed(ids, total, bound, teams, at)

    def _travel(self, a: _Spot, b: _Spot, travel: Travel) -> None:
        """S6 and rule 8: two in-person windows of one facilitator on one local date are
        at least the least travel between their possible places apart (none when they
        could be at one place)."""
        cp = self.cp
        same: cp_model.IntVar | None = None
        for la, pa in a.where:
            for lb, pb in b.where:
                if not pa or not pb or pa & pb:
                    continue
                minutes = min(travel.between(p, q) for p in pa for q in pb)
                if minutes <= 0:
                    continue
                if same is None:
                    same = cp.new_bool_var("")
                    cp.add(a.day + a.first == b.day + b.first).only_enforce_if(same)
                    cp.add(a.day + a.first != b.day + b.first).only_enforce_if(same.Not())
                when = [a.present, b.present, same, *(x for x in (la, lb) if x is not None)]
                a_first = cp.new_bool_var("")
                cp.add(a.hi + minutes <= b.lo).only_enforce_if([*when, a_first])
                cp.add(b.hi + minutes <= a.lo).only_enforce_if([*when, a_first.Not()])

    def _case_of(self, key: tuple[str, str]) -> str:
        kind, name = key
        return name if kind == "conference" else self.problem.case_of_session[name].id
