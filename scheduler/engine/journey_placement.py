"""Placing one case's whole journey (its conference, if any, and every session) among
fixed engagements: the single-case search for journeys (spec journeys.md).

A case is placed whole or not at all (S1). One team (rule 2, S2) serves the conference
and every session: a team session (or a guarded home visit, S4) has the whole team,
any other the lead alone. Sessions come in `after` order, each on a later local date
than the one it follows, and all at least `preparation_gap_days` local dates before
the conference (S3). Static clauses come from `session_options.py`; what depends on the
other engagements (rooms, keep apart, double booking, travel, S7) is asked of
`occupancy.Occupancy`, the one Python home of those rules.

Used by the greedy journeys plan (coordinator's order), by the candidate journeys of
the CP-SAT selection (`journeys.py`) and by the reasons.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from itertools import combinations
from typing import Literal

from scheduler.availability import Stretches
from scheduler.domain import Case, Meeting, PlanSession, Window
from scheduler.engine.objective import meeting_soft_cost
from scheduler.engine.occupancy import Engagement, Occupancy
from scheduler.engine.options import CaseOptions, Options
from scheduler.engine.pins import pin_clash, pin_problem
from scheduler.engine.placement import pickers_of, search
from scheduler.engine.session_options import SessionOptions, SessionPlace, case_session_options
from scheduler.engine.team_pick import TeamPicker
from scheduler.engine.time_rules import Grid, fitting
from scheduler.geo import haversine_km, km_rounded_up
from scheduler.timeutil import Instant

Order = Literal["best", "first"]
CONFERENCE_TRIES = 12  # conference placements tried per case before giving up
TEAM_TRIES = 12  # teams tried per case without a conference
DATES_TRIED = 30  # conference dates tried per case
FREE_CHECKS = 60  # starts blocked by other engagements before a place is given up
SESSION_CHECKS = 300  # and before the session is, for this team and conference
ONE_LEAD_TEAMS = 60  # teams tried when one lead is asked for and the whole team is needed


@dataclass(frozen=True)
class Journey:
    """A whole case: its conference (None without one) and its sessions, with one team."""

    case_id: str
    meeting: Meeting | None
    sessions: tuple[PlanSession, ...]
    engagements: tuple[Engagement, ...]  # the conference's first, then the sessions'
    lead: str
    team: tuple[str, ...]
    cost: int  # soft cost, the max-load term aside


def journey_order(case: Case) -> list[str]:
    """The case's session ids, each after the one it must follow (`after`)."""
    ids = [s.id for s in case.sessions]
    after = {s.id: s.after for s in case.sessions}
    out: list[str] = []
    seen: set[str] = set()

    def visit(sid: str, depth: int = 0) -> None:
        if sid in seen or depth > len(ids):
            return
        prev = after.get(sid)
        if prev is not None and prev in after:
            visit(prev, depth + 1)
        seen.add(sid)
        out.append(sid)

    for sid in ids:
        visit(sid)
    return out


def chain_days(case: Case) -> int:
    """The longest `after` chain of the case, in sessions (its sessions span that many dates)."""
    after = {s.id: s.after for s in case.sessions}
    best = 0
    for s in case.sessions:
        n, cur, seen = 1, s.after, {s.id}
        while cur is not None and cur in after and cur not in seen:
            seen.add(cur)
            n += 1
            cur = after[cur]
        best = max(best, n)
    return best


def earliest_session_dates(
    options: Options, case: Case, sos: dict[str, SessionOptions]
) -> dict[str, dt.date]:
    """Each session's earliest possible local date on its own options and `after` chain
    (a date no valid plan can beat: it ignores everyone else)."""
    clock = options.clock
    out: dict[str, dt.date] = {}
    for sid in journey_order(case):
        so = sos[sid]
        after = so.session.after
        if after in out and out[after] == dt.date.max:  # what it follows has no date
            out[sid] = dt.date.max
            continue
        floor = out[after] + dt.timedelta(days=1) if after in out else None
        best: dt.date | None = None
        for pl in so.places:
            starts = pl.starts
            if floor is not None:
                starts = starts[bisect.bisect_left(starts, clock.day_start(floor)) :]
            if starts:
                d = clock.local_date(starts[0])
                best = d if best is None or d < best else best
        out[sid] = best if best is not None else dt.date.max
    return out


def conference_options(
    options: Options, case: Case, o: CaseOptions, sos: dict[str, SessionOptions]
) -> CaseOptions:
    """The conference's options cut to dates that leave room for the sessions before it
    (S3's preparation gap after each session's earliest possible date)."""
    if not case.sessions:
        return o
    gap = options.problem.policy.preparation_gap_days
    dates = earliest_session_dates(options, case, sos)
    last = max(dates.values())
    if last == dt.date.max:
        return replace(o, starts=(), venue_starts={})
    first = last + dt.timedelta(days=gap)
    clock = options.clock
    cut = clock.day_start(first)
    starts = tuple(s for s in o.starts if s >= cut)
    venue_starts = {v: tuple(s for s in o.venue_starts[v] if s >= cut) for v in o.venue_starts}
    return replace(o, starts=starts, venue_starts=venue_starts)


class JourneyPlacer:
    """Places whole journeys of the problem's cases into one `Occupancy`."""

    def __init__(self, options: Options, occ: Occupancy, patience: int = 1) -> None:
        """`patience` multiplies how many blocked starts a place and a session may meet
        before they are given up (`FREE_CHECKS`, `SESSION_CHECKS`): a plan's speed
        against a single case's thoroughness (suggestions use more)."""
        self.free_checks = FREE_CHECKS * patience
        self.session_checks = SESSION_CHECKS * patience
        self.options = options
        self.occ = occ
        self.problem = options.problem
        self.clock = options.clock
        self._sessions: dict[str, dict[str, SessionOptions]] = {}
        self._conf: dict[str, CaseOptions] = {}
        self._grid: Grid | None = None
        self._pickers: dict[str, dict[str, TeamPicker]] = {}
        self._free_starts: dict[tuple[str, int, tuple[str, ...]], tuple[Instant, ...]] = {}
        self._prep_leads: dict[str, tuple[str, ...]] = {}
        self._partners: dict[tuple[str, str], tuple[str, ...]] = {}

    def session_options(self, case: Case) -> dict[str, SessionOptions]:
        if case.id not in self._sessions:
            if self._grid is None:
                self._grid = Grid.of(self.problem, self.clock, self.options.horizon)
            self._sessions[case.id] = case_session_options(self.options, case, self._grid)
        return self._sessions[case.id]

    def conference_options(self, case: Case) -> CaseOptions:
        if case.id not in self._conf:
            o = self.options.cases[case.id]
            sos = self.session_options(case)
            self._conf[case.id] = conference_options(self.options, case, o, sos)
        return self._conf[case.id]

    # ------------------------------------------------------------------ eligibility

    def eligible(self, case: Case) -> bool:
        """S1: rule 1, every session's party consented, a team possible, places exist."""
        o = self.options.cases[case.id]
        if not o.eligible or not o.team_possible:
            return False
        for s in case.sessions:
            p = case.party(s.party)
            if p is None or not p.consented:
                return False
        return all(so.places for so in self.session_options(case).values())

    def session_alone(self, case: Case, so: SessionOptions) -> bool:
        """Some place and start of the session at which some qualified lead is free for
        the facilitators' window and can reach the place (a necessary test, exhaustive)."""
        o = self.options.cases[case.id]
        fac_avail = self.options.availability.facilitators
        for pl in so.places:
            leads = [f for f in o.team.leads if self._reach((f,), pl)]
            if not leads:
                continue
            for s in pl.starts:
                lo, hi = so.on_site(pl.mode, s)
                if any(fac_avail[f].contains(lo, hi) for f in leads):
                    return True
        return False

    def prep_leads(self, case: Case) -> tuple[str, ...]:
        """The leads of the case that pass `lead_can_prepare`, cheapest first (cached)."""
        got = self._prep_leads.get(case.id)
        if got is None:
            leads = self.options.cases[case.id].team.leads
            got = self._keep_leads(case, [f for f in leads if self.lead_can_prepare(case, f)])
        return got

    def few_leads(self, case: Case, k: int) -> bool:
        """Whether at most `k` leads of the case pass `lead_can_prepare` (stops at k + 1;
        when it does not stop, it has found them all: `prep_leads` keeps them)."""
        if case.id in self._prep_leads:
            return len(self._prep_leads[case.id]) <= k
        found = []
        for f in self.options.cases[case.id].team.leads:
            if self.lead_can_prepare(case, f):
                found.append(f)
                if len(found) > k:
                    return False
        self._keep_leads(case, found)
        return True

    def _keep_leads(self, case: Case, leads: list[str]) -> tuple[str, ...]:
        index = {f.id: i for i, f in enumerate(self.problem.facilitators)}
        got = tuple(sorted(leads, key=lambda f: (self._lead_cost(case, f), index[f])))
        self._prep_leads[case.id] = got
        return got

    def some_lead_can_prepare(self, case: Case) -> bool:
        """Whether any lead of the case passes `lead_can_prepare` (stops at the first)."""
        if case.id in self._prep_leads:
            return bool(self._prep_leads[case.id])
        return any(self.lead_can_prepare(case, f) for f in self.options.cases[case.id].team.leads)

    def lead_can_prepare(self, case: Case, lead: str) -> bool:
        """A necessary test (exhaustive, everyone else aside) that `lead` could lead the
        whole case (S2: the conference and every session name the same lead): the lead
        alone passes `can_prepare`, and when the case needs more than one facilitator,
        some team with this lead (rule 2) is drawn from the co-facilitators who pass it
        beside the lead (`prep_partners`): every member of a team that could do it would."""
        free: dict[tuple[str, int], tuple[Instant, ...]] = {}  # the lead's, for this case
        if not self.can_prepare(case, (lead,), free):
            return False
        team = self.options.cases[case.id].team
        if team.required < 2:
            return True
        if (case.id, lead) in self._partners:
            return bool(self._partners[case.id, lead])
        one, pool = replace(team, leads=(lead,)), [lead]
        for f in team.cos:  # stops at the first team found (`prep_partners` finds all)
            if f != lead and self.can_prepare(case, (lead, f), free):
                pool.append(f)
                if one.possible(pool):
                    return True
        return False

    def prep_partners(self, case: Case, lead: str) -> tuple[str, ...]:
        """The co-facilitators who pass `can_prepare` beside `lead`, when some team with
        this lead can be drawn from them (else none; cached; assumes the lead passes)."""
        key = (case.id, lead)
        got = self._partners.get(key)
        if got is None:
            team = self.options.cases[case.id].team
            one = replace(team, leads=(lead,))
            free: dict[tuple[str, int], tuple[Instant, ...]] = {}
            pool = [f for f in team.cos if f != lead and self.can_prepare(case, (lead, f), free)]
            got = tuple(pool) if one.possible([lead, *pool]) else ()
            self._partners[key] = got
        return got

    def can_prepare(
        self,
        case: Case,
        members: tuple[str, ...],
        lead_free: dict[tuple[str, int], tuple[Instant, ...]] | None = None,
    ) -> bool:
        """A necessary test (exhaustive, the rest of the team and everyone else aside)
        that `members` (the lead first, then maybe one co-facilitator) could do the whole
        case together: every session has a start at which the lead (and, for a team
        visit, every member, with a whole team free) is available for its facilitators'
        window at a place within their reach, in `after` order on later dates (S3), each
        at its earliest such date; and, with a conference, every member is free at some
        conference start at a venue within everyone's reach, on or after the last of those
        dates plus the preparation gap. `lead_free` keeps the lead's free starts per
        (session, place) between calls for one case and lead (nothing is kept otherwise:
        every lead and co-facilitator of every case would be too much to hold)."""
        lead = members[0]
        o = self.options.cases[case.id]
        clock = self.clock
        avail = self.options.availability.facilitators
        lead_free = {} if lead_free is None else lead_free
        sos = self.session_options(case)
        dates: dict[str, dt.date | None] = {}
        for sid in journey_order(case):
            so = sos[sid]
            after = so.session.after
            before = dates.get(after) if after is not None else None
            if after in dates and before is None:
                return False
            floor = clock.day_start(before + dt.timedelta(days=1)) if before else None
            first: Instant | None = None  # the earliest start over the places
            for pl in so.places:
                if pl.mode == "home" and so.team_visit_home and o.team.required < 2:
                    continue
                whole = so.team_visit(pl.mode) and o.team.required > 1
                attending = members if whole else (lead,)
                if not self._reach(attending, pl):
                    continue
                key = (sid, id(pl))
                free = lead_free.get(key)
                if free is None:
                    free = lead_free[key] = free_starts(so, pl, avail[lead])
                i = 0 if floor is None else bisect.bisect_left(free, floor)
                for st in free[i:]:
                    if first is not None and st >= first:
                        break
                    window = so.on_site(pl.mode, st)
                    if not all(avail[f].contains(*window) for f in attending[1:]):
                        continue
                    short = whole and len(members) < o.team.required  # the rest must exist
                    if short and not self._team_free(case, lead, pl, window):
                        continue
                    first = st
                    break
            if first is None:
                return False
            dates[sid] = clock.local_date(first)
        if not case.conference:
            return True
        co = self.conference_options(case)
        gap = self.problem.policy.preparation_gap_days
        last = max((d for d in dates.values() if d is not None), default=None)
        cut = clock.day_start(last + dt.timedelta(days=gap)) if last is not None else None
        frees = [o.facilitator_starts.get(f, ()) for f in members]
        venues = frozenset.intersection(*(o.reach.get(f, frozenset()) for f in members))
        for v in venues:
            if _first_common([co.venue_starts.get(v, ()), *frees], cut) is not None:
                return True
        return False

    def _team_free(
        self, case: Case, lead: str, pl: SessionPlace, window: tuple[Instant, Instant]
    ) -> bool:
        """Some team with this lead (rule 2) whose members are all available for the
        window and can reach the place (a team visit's necessary test)."""
        o = self.options.cases[case.id]
        fac_avail = self.options.availability.facilitators
        pool = [
            f
            for f in o.team.cos
            if f == lead or (fac_avail[f].contains(*window) and self._reach((f,), pl))
        ]
        return replace(o.team, leads=(lead,)).possible(pool)

    # ------------------------------------------------------------------ the journey

    def place(
        self,
        case: Case,
        order: Order = "first",
        *,
        skip: int = 0,
        tries: int | None = None,
        pinned: dict[str, PlanSession] | None = None,
        prefer: dict[str, PlanSession] | None = None,
        only_meeting: Meeting | None = None,
        prefer_conference: tuple[Instant, str] | None = None,
        spread: int | None = None,
        prefer_team: tuple[str, ...] = (),
        prefer_meeting: Meeting | None = None,
        only_lead: str | None = None,
        at: dict[tuple[str, str], Instant] | None = None,
        strict: bool = False,
    ) -> list[Journey]:
        """Up to `tries` whole journeys of `case` (each with a different conference
        placement or team), none of them held; `skip` skips the first candidates.
        `spread` (days) starts the sessions no earlier than that many days before the
        conference's date less the gap, or, without a conference, that many days after
        the case's first date: variants for the selection model. The case's confirmed
        journey is tried first: `prefer_meeting` as it is when it still keeps every
        rule, and `prefer_team` (lead first). `only_lead` tries teams led by that
        facilitator alone (for cases the usual teams miss: see `prep_leads`). `at` (("session",
        id) or ("conference", case id) → start) tries those starts first: the
        conference only there, each session there before anywhere else (with `strict`,
        only there) (`journey_relax`)."""
        if not self.eligible(case):
            return []
        pinned = pinned or {}
        prefer = prefer or {}
        tries = tries or (CONFERENCE_TRIES if case.conference else TEAM_TRIES)
        out: list[Journey] = []
        teams = self._teams(
            case,
            order,
            tries + skip,
            only_meeting,
            prefer_conference,
            prefer_team,
            prefer_meeting,
            only_lead,
            (at or {}).get(("conference", case.id)),
        )
        for lead, team, meeting in teams:
            got = self._with_team(
                case, order, lead, team, meeting, pinned, prefer, spread, at or {}, strict
            )
            if got is None:
                continue
            if skip > 0:
                skip -= 1
                continue
            out.append(got)
            if len(out) >= tries:
                break
        return out

    def _teams(
        self,
        case: Case,
        order: Order,
        k: int,
        only_meeting: Meeting | None,
        prefer_conference: tuple[Instant, str] | None,
        prefer_team: tuple[str, ...] = (),
        prefer_meeting: Meeting | None = None,
        only_lead: str | None = None,
        at: Instant | None = None,
    ) -> Iterable[tuple[str, tuple[str, ...], Meeting | None]]:
        """(lead, whole team, conference meeting or None) to try, best first."""
        if (
            only_lead is not None
            and prefer_meeting is not None
            and prefer_meeting.lead != only_lead
        ):
            prefer_meeting = None
        if case.conference:
            if only_meeting is not None:
                if only_lead is None or only_meeting.lead == only_lead:
                    yield only_meeting.lead, tuple(only_meeting.facilitators), only_meeting
                return
            o = self.conference_options(case)
            if only_lead is not None:
                o = replace(o, team=replace(o.team, leads=(only_lead,)))
            if at is not None:
                o = replace(
                    o,
                    starts=tuple(x for x in o.starts if x == at),
                    venue_starts={
                        v: tuple(x for x in ss if x == at) for v, ss in o.venue_starts.items()
                    },
                )
                prefer = frozenset(prefer_team)  # that start alone, the given team first
                for pl in search(
                    self.occ, case.id, order="first", k=4, options_of_case=o, prefer=prefer
                ):
                    yield pl.lead, pl.facilitators, pl.to_meeting(self.problem)
                return
            if prefer_meeting is not None and self._still_fits(prefer_meeting):
                yield prefer_meeting.lead, tuple(prefer_meeting.facilitators), prefer_meeting
            if prefer_conference is not None:
                found = search(
                    self.occ,
                    case.id,
                    order="first",
                    options_of_case=o,
                    only=prefer_conference,
                    prefer=frozenset(prefer_team),
                )
                for pl in found:
                    yield pl.lead, pl.facilitators, pl.to_meeting(self.problem, "confirmed")
            # Date by date (a conference that leaves its sessions no time fails the same
            # way at every start of its date): a few placements per local date.
            clock = self.clock
            by_date: dict[dt.date, list[Instant]] = {}
            for st in o.starts:
                by_date.setdefault(clock.local_date(st), []).append(st)
            dates = sorted(by_date)
            if order == "best":
                first_day = self.problem.horizon.start
                dates.sort(key=lambda d: ((d - first_day).days, d))
            pkey = case.id if only_lead is None else f"{case.id}\n{only_lead}"
            if pkey not in self._pickers:
                self._pickers[pkey] = pickers_of(self.options, case, o)
            pickers = self._pickers[pkey]
            for d in dates[: max(DATES_TRIED, k)]:
                lo, hi = clock.day_start(d), clock.day_start(d + dt.timedelta(days=1))
                od = replace(
                    o,
                    starts=tuple(by_date[d]),
                    venue_starts={
                        v: tuple(x for x in o.venue_starts[v] if lo <= x < hi)
                        for v in o.venue_starts
                    },
                )
                for pl in search(
                    self.occ, case.id, order=order, k=2, options_of_case=od, pickers=pickers
                ):
                    yield pl.lead, pl.facilitators, pl.to_meeting(self.problem)
            return
        o = self.options.cases[case.id]
        req = o.team.required
        n = 0
        index = {f.id: i for i, f in enumerate(self.problem.facilitators)}
        leads = sorted(o.team.leads, key=index.__getitem__)
        if only_lead is not None:
            leads = [f for f in leads if f == only_lead]
        pool = sorted(o.team.cos, key=index.__getitem__)
        if order == "best":
            leads = sorted(leads, key=lambda f: (self._lead_cost(case, f), index[f]))
        # Leads matter most: one team per lead, unless some session needs the whole team
        # (then a few, since the co-facilitators must be free for it too).
        whole = (
            any(s.team for s in case.sessions)
            or (case.sensitive_complex or any(p.role == "offender" for p in case.principals))
            and any("home" in s.modes for s in case.sessions)
        )
        per_lead = 4 if whole and req > 1 else 1
        if per_lead > 1:
            score = self._team_session_scores(case, pool)
            pool = sorted(pool, key=lambda f: (-score[f], index[f]))
            leads = sorted(leads, key=lambda f: (-score[f], index[f]))
        if prefer_team:  # the confirmed journey's team first (least disruption)
            leads.sort(key=lambda f: f != prefer_team[0])
            pool.sort(key=lambda f: f not in prefer_team)
        most = k * 6
        if only_lead is not None and per_lead > 1:  # one lead: each of its co-facilitators
            per_lead = most = max(most, ONE_LEAD_TEAMS)
        for lead in leads:
            got = 0
            for others in combinations([f for f in pool if f != lead], req - 1):
                if o.team.team_ok(lead, others):
                    yield lead, (lead, *others), None
                    n += 1
                    got += 1
                    if n >= most:
                        return
                    if got >= per_lead:
                        break

    def _still_fits(self, m: Meeting) -> bool:
        """Whether a confirmed conference, exactly as it was (team, room, waiting rooms),
        still keeps every rule alone and against what is held: least disruption."""
        if pin_problem(self.options, m) is not None:
            return False
        e = Engagement.of_meeting(self.clock, m)
        return pin_clash(self.options, self.occ, e) is None and self.occ.party_no_overlap(e) is None

    def _team_session_scores(self, case: Case, pool: list[str]) -> dict[str, int]:
        """Per facilitator, at how many starts of the case's team sessions they are free
        (the sessions the whole team attends): co-facilitators worth trying first."""
        fac_avail = self.options.availability.facilitators
        sos = self.session_options(case)
        windows: set[tuple[Instant, Instant]] = set()
        for so in sos.values():
            for pl in so.places[:4]:
                if so.team_visit(pl.mode):
                    windows.update(so.on_site(pl.mode, s) for s in pl.starts)
        sample = sorted(windows)
        sample = sample[:: max(1, len(sample) // 150)]  # spread over the horizon, enough to rank
        return {f: sum(1 for lo, hi in sample if fac_avail[f].contains(lo, hi)) for f in pool}

    def _lead_cost(self, case: Case, f: str) -> int:
        fac = self.problem.facilitator_by_id[f]
        pref = case.preferred_facilitators
        cost = self.problem.policy.weights.continuity if pref and f not in pref else 0
        homes = [p.home for p in case.principals if p.home is not None]
        if homes:
            cost += km_rounded_up(min(haversine_km(fac.home, h) for h in homes))
        return cost

    def _with_team(
        self,
        case: Case,
        order: Order,
        lead: str,
        team: tuple[str, ...],
        meeting: Meeting | None,
        pinned: dict[str, PlanSession],
        prefer: dict[str, PlanSession],
        spread: int | None = None,
        at: dict[tuple[str, str], Instant] | None = None,
        strict: bool = False,
    ) -> Journey | None:
        """The journey with this team and conference, its sessions placed one by one
        (held in `occ` while placing, and released again), or None."""
        occ = self.occ
        held: list[Engagement] = []
        conf_e: Engagement | None = None
        if meeting is not None:
            conf_e = Engagement.of_meeting(self.clock, meeting)
            occ.hold(conf_e)
            held.append(conf_e)
        rows: list[PlanSession] = []
        cost = meeting_soft_cost(self.problem, case, meeting) if meeting is not None else 0
        try:
            sos = self.session_options(case)
            dates: dict[str, dt.date] = {}
            floor: dt.date | None = None
            if spread is not None:
                if conf_e is not None:
                    gap = self.problem.policy.preparation_gap_days
                    floor = conf_e.day - dt.timedelta(days=gap + spread)
                else:
                    floor = self.problem.case_earliest(case) + dt.timedelta(days=spread)
            for sid in journey_order(case):
                so = sos[sid]
                after = so.session.after
                not_before = dates[after] + dt.timedelta(days=1) if after in dates else None
                if floor is not None and (not_before is None or not_before < floor):
                    not_before = floor
                got = self._session(
                    so,
                    order,
                    lead,
                    team,
                    meeting,
                    conf_e,
                    not_before,
                    pinned.get(sid),
                    prefer.get(sid),
                    (at or {}).get(("session", sid)),
                    strict,
                )
                if got is None:
                    return None
                row, e, c = got
                occ.hold(e)
                held.append(e)
                rows.append(row)
                dates[sid] = e.day
                cost += c
        finally:
            for e in reversed(held):
                occ.release(e)
        cost += self._no_conference_terms(case, lead, rows)
        engagements = tuple(held)
        return Journey(case.id, meeting, tuple(rows), engagements, lead, team, cost)

    def _no_conference_terms(self, case: Case, lead: str, rows: list[PlanSession]) -> int:
        if case.conference or not rows:
            return 0
        w = self.problem.policy.weights
        last = max(r.start.date() for r in rows)
        cost = (last - self.problem.horizon.start).days * case.priority * w.wait_per_day
        first_lead = min(rows, key=lambda r: (r.start, r.session)).lead
        if case.preferred_facilitators and first_lead not in case.preferred_facilitators:
            cost += w.continuity
        return cost

    def _session(
        self,
        so: SessionOptions,
        order: Order,
        lead: str,
        team: tuple[str, ...],
        meeting: Meeting | None,
        conf_e: Engagement | None,
        not_before: dt.date | None,
        pin: PlanSession | None,
        old: PlanSession | None,
        at: Instant | None = None,
        strict: bool = False,
    ) -> tuple[PlanSession, Engagement, int] | None:
        """The first (or cheapest) feasible start and place of one session."""
        problem = self.problem
        clock = self.clock
        gap = problem.policy.preparation_gap_days
        conf_day = conf_lo = None
        if meeting is not None and conf_e is not None:
            conf_day = conf_e.day
            conf_lo = conf_e.staff[0]
        dur = so.session.duration_minutes
        candidates: list[tuple[int, SessionPlace, tuple[str, ...]]] = []
        for pl in so.places:
            attending = team if so.team_visit(pl.mode) else (lead,)
            if pl.mode == "home" and so.team_visit_home and len(attending) < 2:
                continue
            if not self._reach(attending, pl):
                continue
            candidates.append((self._cost(so, pl, attending), pl, attending))
        if pin is not None:
            candidates = [
                c for c in candidates if _is(c[1], pin) and list(c[2]) == pin.facilitators
            ]
        elif old is not None:
            candidates.sort(key=lambda c: not _is(c[1], old))
        if order == "best":
            candidates.sort(key=lambda c: c[0])
        pin_start = clock.instant(pin.start) if pin is not None else None
        old_start = clock.instant(old.start) if old is not None else None
        lo_cut = clock.day_start(not_before) if not_before is not None else None
        hi_cut = None  # starts must be below this (preparation gap, S3)
        if conf_day is not None and conf_lo is not None:
            hi_cut = clock.day_start(conf_day - dt.timedelta(days=gap - 1))
            if gap == 0:
                hi_cut = min(hi_cut, conf_lo - dur + 1)
        checks = 0
        # With `at`, that start at every place first (not counted as blocked), then as usual.
        trials = [(c, True) for c in candidates] if at is not None and pin is None else []
        if not (strict and at is not None):
            trials += [(c, False) for c in candidates]
        for (cost, pl, attending), at_only in trials:
            free = self._starts_free_for(so, pl, attending)
            i = 0 if lo_cut is None else bisect.bisect_left(free, lo_cut)
            j = len(free) if hi_cut is None else bisect.bisect_left(free, hi_cut)
            window = free[i:j]
            place_checks = 0
            starts: Iterable[Instant] = window
            if at_only and at is not None:
                k = bisect.bisect_left(window, at)
                starts = [at] if k < len(window) and window[k] == at else []
            elif pin_start is not None:
                starts = [pin_start] if pin_start in set(window) else []
            elif (
                old is not None
                and old_start is not None
                and _is(pl, old)
                and old_start in set(window)
            ):
                starts = [old_start, *window]
            for s in starts:
                lo, hi = so.on_site(pl.mode, s)  # attending facilitators are available
                day = clock.local_date(s)
                e = Engagement(
                    case=so.case.id,
                    venue=pl.venue,
                    room=pl.room,
                    waiting_rooms=frozenset(),
                    held=(lo, hi),
                    staff=(lo, hi),
                    day=day,
                    facilitators=attending,
                    presence=tuple((p.id, s, s + dur) for p in so.attendees),
                    kind="session",
                    key=so.session.id,
                    place=pl.place,
                )
                if not self._free(e, attending):
                    if at_only:
                        continue
                    place_checks += 1
                    checks += 1
                    if checks >= self.session_checks:
                        return None  # crowded everywhere: give this team or date up
                    if place_checks >= self.free_checks:
                        break  # this place is crowded: try the next one
                    continue
                status = "proposed"
                if pin is not None:
                    status = "pinned"
                row = PlanSession(
                    case=so.case.id,
                    session=so.session.id,
                    status=status,  # type: ignore[arg-type]
                    mode=pl.mode,  # type: ignore[arg-type]
                    venue=pl.venue,
                    room=pl.room,
                    start=clock.local(s),
                    end=clock.local(s + dur),
                    facilitators=list(attending),
                    on_site=Window(start=clock.local(lo), end=clock.local(hi)),
                )
                return row, e, cost
        return None

    def _starts_free_for(
        self, so: SessionOptions, pl: SessionPlace, attending: tuple[str, ...]
    ) -> tuple[Instant, ...]:
        """The place's starts at which every attending facilitator is available for the
        facilitators' window (S3), worked out once per (session, place, facilitators)."""
        key = (so.session.id, id(pl), attending)
        got = self._free_starts.get(key)
        if got is None:
            got = pl.starts
            for f in attending:
                got = free_starts(so, pl, self.options.availability.facilitators[f], got)
            self._free_starts[key] = got
        return got

    def _free(self, e: Engagement, attending: tuple[str, ...]) -> bool:
        """The cross-engagement rules for session e: room (S4), keep apart (S5),
        double booking and travel (S6), S7."""
        occ = self.occ
        if e.venue is not None and occ.venue_rooms(e) is not None:
            return False
        if e.venue is not None and occ.keep_apart(e) is not None:
            return False
        if occ.party_no_overlap(e) is not None:
            return False
        return all(occ.session_facilitator_free(f, e) for f in attending)

    def _reach(self, attending: tuple[str, ...], pl: SessionPlace) -> bool:
        """S4 (a visited home) and S5 (a venue) within each facilitator's `max_travel_km`."""
        if pl.place is None:
            return True
        fb = self.problem.facilitator_by_id
        for f in attending:
            fac = fb[f]
            if fac.max_travel_km is None:
                continue
            if pl.venue is not None:
                d = self.options.facilitator_km[(f, pl.venue)]
            else:
                d = _km(fac.home.lat, fac.home.lon, pl.place)
            if d > fac.max_travel_km:
                return False
        return True

    def _cost(self, so: SessionOptions, pl: SessionPlace, attending: tuple[str, ...]) -> int:
        """Level 3 for one session (spec journeys.md, objective additions)."""
        problem = self.problem
        w = problem.policy.weights
        fb = problem.facilitator_by_id
        cost = pl.party_cost
        if pl.place is not None:
            cost += w.travel_per_km * sum(
                km_rounded_up(_km(fb[f].home.lat, fb[f].home.lon, pl.place)) for f in attending
            )
        team = [fb[f] for f in attending]
        spoken = {lang for f in team for lang in f.languages}
        for p in so.attendees:
            if p.needs.language not in spoken:
                cost += w.interpreter
            wish = p.facilitator_gender
            if (
                wish is not None
                and not wish.required
                and not any(f.gender == wish.value for f in team)
            ):
                cost += w.gender_preference
        return cost


def free_starts(
    so: SessionOptions,
    pl: SessionPlace,
    avail: Stretches,
    starts: tuple[Instant, ...] | None = None,
) -> tuple[Instant, ...]:
    """The place's starts (or these of them) at which someone with availability `avail`
    is free for the facilitators' window of the session there (S3)."""
    m = 0 if pl.mode == "video" else so.margin
    return fitting(
        pl.starts if starts is None else starts, -m, so.session.duration_minutes + m, avail
    )


def _first_common(lists: list[tuple[Instant, ...]], lo: Instant | None) -> Instant | None:
    """The least instant at or after `lo` in every one of the sorted `lists`, or None."""
    if not lists or not lists[0]:
        return None
    at = lists[0][0] if lo is None else lo
    while True:
        moved = False
        for xs in lists:
            i = bisect.bisect_left(xs, at)
            if i == len(xs):
                return None
            if xs[i] > at:
                at, moved = xs[i], True
        if not moved:
            return at


def _km(lat: float, lon: float, place: tuple[float, float]) -> float:
    from scheduler.domain import Location

    return haversine_km(Location(lat=lat, lon=lon), Location(lat=place[0], lon=place[1]))


def _is(pl: SessionPlace, row: PlanSession) -> bool:
    return (pl.mode, pl.venue, pl.room) == (row.mode, row.venue, row.room) or (
        pl.mode == row.mode == "venue" and pl.venue == row.venue and row.room is None
    )
