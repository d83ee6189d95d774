"""The CP-SAT model's variables, one `CaseVars` per case, built from the options.

Integer start variables and optional intervals only (no time-indexed booleans, no
all-pairs terms over meetings). The hard rules add themselves in `rules.py`; the
objective levels are in `objective.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from scheduler.domain import Case, Meeting, Problem
from scheduler.engine.options import CaseOptions, Options
from scheduler.timeutil import Instant


@dataclass
class CaseVars:
    """The decision variables of one case.

    `start` is the conference start instant; `y[v]` venue, `x[f]` on the team,
    `lead[f]` leads, `room[(v, r)]` meeting room, `wait[(v, w)]` waiting rooms (only
    at venues hosting a pinned meeting, see `rules.venue_rooms`), `day[d]` the local
    date of the start, `day_start`/`week_start` the instants of that date's midnight
    and of its ISO week's Monday midnight.
    """

    case: Case
    opts: CaseOptions
    sched: cp_model.IntVar
    start: cp_model.IntVar
    y: dict[str, cp_model.IntVar]
    x: dict[str, cp_model.IntVar]
    lead: dict[str, cp_model.IntVar]
    day: dict[dt.date, cp_model.IntVar]
    day_start: cp_model.IntVar
    week_start: cp_model.IntVar
    room: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    wait: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    pinned: Meeting | None = None

    @property
    def hull_offsets(self) -> tuple[int, int]:
        """(offset of the on-site window's start from s, its length)."""
        return self.before, self.length

    before: int = 0
    length: int = 0


@dataclass
class Model:
    """A CP-SAT model of some cases of a problem, with every variable kept for hints."""

    problem: Problem
    options: Options
    cp: cp_model.CpModel
    cases: dict[str, CaseVars]
    pinned: dict[str, Meeting]  # kept pins by case id
    travel_cuts: set[tuple[str, str, str, str, str]] = field(default_factory=set)

    def all_vars(self) -> list[cp_model.IntVar]:
        out: list[cp_model.IntVar] = []
        for cv in self.cases.values():
            out += [cv.sched, cv.start, cv.day_start, cv.week_start]
            for d in (cv.y, cv.x, cv.lead, cv.day, cv.room, cv.wait):
                out += list(d.values())
        return out


def _domain(values: list[int]) -> cp_model.Domain:
    return cp_model.Domain.from_values(sorted(set(values)))


def new_case_vars(
    cp: cp_model.CpModel, options: Options, case: Case, pinned: Meeting | None
) -> CaseVars:
    """Variables of one case with the options as domains (rules 2–6 static parts)."""
    opts = options.cases[case.id]
    clock = options.clock
    starts: list[Instant] = list(opts.starts) if opts.eligible and opts.team_possible else []
    pin_start = clock.instant(pinned.start) if pinned is not None else None
    if pin_start is not None:
        starts.append(pin_start)
    sched = cp.new_bool_var(f"sched[{case.id}]")
    if not starts:
        cp.add(sched == 0)
        starts = [options.horizon.start]
    start = cp.new_int_var_from_domain(_domain(starts), f"start[{case.id}]")

    venues = [v for v in opts.venues if v in opts.open_venues]
    if pinned is not None and pinned.venue not in venues:
        venues.append(pinned.venue)
    y = {v: cp.new_bool_var(f"venue[{case.id},{v}]") for v in venues}
    cp.add(sum(y.values()) == sched)
    for v, lit in y.items():
        allowed = list(opts.venue_starts.get(v, ()))
        if pinned is not None and v == pinned.venue and pin_start is not None:
            allowed.append(pin_start)
        if not allowed:
            cp.add(lit == 0)
            continue
        cp.add_linear_expression_in_domain(start, _domain(allowed)).only_enforce_if(lit)

    facs = list(opts.usable_facilitators)
    if pinned is not None:
        facs += [f for f in pinned.facilitators if f not in facs]
    x = {f: cp.new_bool_var(f"on[{case.id},{f}]") for f in facs}
    leads = [f for f in facs if f in opts.team.leads or (pinned is not None and f == pinned.lead)]
    lead = {f: cp.new_bool_var(f"lead[{case.id},{f}]") for f in leads}
    for f, lit in x.items():
        allowed = list(opts.facilitator_starts.get(f, ()))
        if pinned is not None and f in pinned.facilitators and pin_start is not None:
            allowed.append(pin_start)
        cp.add_linear_expression_in_domain(start, _domain(allowed)).only_enforce_if(lit)

    days = sorted({clock.local_date(s) for s in starts})
    day = {d: cp.new_bool_var(f"day[{case.id},{d}]") for d in days}
    cp.add(sum(day.values()) == sched)
    day_starts = {d: clock.day_start(d) for d in days}
    week_starts = {d: clock.day_start(d - dt.timedelta(days=d.weekday())) for d in days}
    day_start = cp.new_int_var_from_domain(_domain(list(day_starts.values())), f"day0[{case.id}]")
    week_start = cp.new_int_var_from_domain(
        _domain(list(week_starts.values())), f"week0[{case.id}]"
    )
    for d, lit in day.items():
        nxt = clock.day_start(d + dt.timedelta(days=1))
        cp.add(start >= day_starts[d]).only_enforce_if(lit)
        cp.add(start < nxt).only_enforce_if(lit)
        cp.add(day_start == day_starts[d]).only_enforce_if(lit)
        cp.add(week_start == week_starts[d]).only_enforce_if(lit)

    timing = options.timing
    lo, hi = timing.hull(case, 0)
    return CaseVars(
        case=case,
        opts=opts,
        sched=sched,
        start=start,
        y=y,
        x=x,
        lead=lead,
        day=day,
        day_start=day_start,
        week_start=week_start,
        pinned=pinned,
        before=-lo,
        length=hi - lo,
    )
