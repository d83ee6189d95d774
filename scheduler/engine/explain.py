"""What rules out the options of one case, rule by rule, and the verdict.

Three funnels of counts, each a total, the number each rule removes from what is left
(so the removals add up: total − Σ removed = remaining), and what remains:

- facilitators: rule 2 clauses (custody, conflicts, S&C) → may sit on the case;
  then rule 3 (no free time at any start) and rule 6 (beyond their travel limit of
  every open safe venue) → usable. Leads get their own funnel from those who may sit.
- venues: rules 5, 4, 6 in `options.VENUE_RULES` order (a venue is counted under the
  first rule it fails) → safe; then closed at every start; then unreachable for
  every qualified facilitator.
- starts: the grid starts within the case's dates, then the horizon, the clock
  change, each side's availability (rule 3) → attendees free; then no safe venue
  open; then no qualified team free; then pinned meetings and workload (the exact
  single-case search, pinned meetings kept) → feasible.

The clauses themselves live in `options.py`; this module only counts them. The
attendee funnel re-walks rule 3 clause by clause and ends at `attendee_starts`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from scheduler.domain import Problem, Reason
from scheduler.engine.occupancy import Occupancy
from scheduler.engine.options import CaseOptions, Options, build_options
from scheduler.engine.pins import check_pins
from scheduler.engine.placement import feasible_slots
from scheduler.engine.reasons import lead_requirement, no_common_time, static_reasons
from scheduler.engine.time_rules import ctx_clear
from scheduler.engine.venue_rules import VENUE_RULES, venue_rule_ok


@dataclass(frozen=True)
class Funnel:
    """A total, what each rule removed from what was left, and what remains."""

    name: str
    total: int
    steps: list[tuple[str, int]] = field(default_factory=list)

    @property
    def remaining(self) -> int:
        return self.total - sum(n for _, n in self.steps)


@dataclass(frozen=True)
class Explanation:
    case_id: str
    funnels: list[Funnel]
    needs: list[tuple[str, int]]  # 'at least one' needs: how many who may sit meet each
    options: int  # feasible (start, venue) pairs alone, pinned meetings kept
    reasons: list[Reason]  # the codes the case would get if unscheduled; empty if placeable

    @property
    def verdict(self) -> str:
        if not self.reasons:
            return f"can be placed: {self.options} options (start, venue)"
        return "; ".join(f"{r.code}: {r.message}" for r in self.reasons)


def explain(problem: Problem, case_id: str, options: Options | None = None) -> Explanation:
    """Count what each rule removes for `case_id` and give the verdict (pins kept)."""
    if case_id not in problem.case_by_id:
        raise KeyError(f"no case {case_id!r} in problem {problem.name!r}")
    options = options or build_options(problem)
    case = problem.case_by_id[case_id]
    o = options.cases[case_id]
    funnels = [_facilitators(options, o), _leads(options, o), _venues(options, o)]
    starts = _starts(options, o)
    pins = [m for m in problem.existing if m.status == "pinned" and m.case != case_id]
    kept, _ = check_pins(options, pins)
    slots = feasible_slots(Occupancy(options, kept), case_id, o)
    starts.steps.append(
        ("pinned meetings, workload or travel", starts.remaining - len({s for s, _, _ in slots}))
    )
    funnels.append(starts)
    reasons = static_reasons(problem, case, o)
    if not reasons and not slots:
        reasons = [no_common_time(problem, case, o, bool(kept), options)]
    needs = [(n.label, len(n.members & set(o.team.cos))) for n in o.team.at_least_one]
    return Explanation(case_id, funnels, needs, len(slots), reasons)


def _facilitators(options: Options, o: CaseOptions) -> Funnel:
    problem = options.problem
    case = problem.case_by_id[o.case_id]
    left = [f for f in problem.facilitators]
    f_ = Funnel("facilitators who may sit on the case", len(left))

    def drop(label: str, keep) -> None:  # type: ignore[no-untyped-def]
        nonlocal left
        before = len(left)
        left = [f for f in left if keep(f)]
        f_.steps.append((label, before - len(left)))

    if case.in_custody:
        drop("rule 2: offender in custody, no prison skill", lambda f: f.has("prison"))
    drop(
        "rule 2: declared conflict with a party",
        lambda f: not any(p.id in f.conflicts for p in case.parties),
    )
    if case.sensitive_complex:
        drop(
            "rule 2: sensitive and complex, no sensitive_complex",
            lambda f: f.has("sensitive_complex"),
        )
    assert {f.id for f in left} == set(o.team.cos)
    drop("rule 3: not free at any start", lambda f: f.id in o.facilitator_starts)
    usable = set(o.usable_facilitators)
    drop(
        "rules 2, 6: no open safe venue in their reach that a whole team can reach",
        lambda f: f.id in usable,
    )
    return f_


def _leads(options: Options, o: CaseOptions) -> Funnel:
    problem = options.problem
    case = problem.case_by_id[o.case_id]
    left = [problem.facilitator_by_id[f] for f in o.team.cos]
    f_ = Funnel(f"leads (needs an {lead_requirement(case)})", len(left))

    def drop(label: str, keep) -> None:  # type: ignore[no-untyped-def]
        nonlocal left
        before = len(left)
        left = [f for f in left if keep(f)]
        f_.steps.append((label, before - len(left)))

    drop("rule 2: foundation level", lambda f: f.level != "foundation")
    if case.sensitive_complex:
        drop("rule 2: sensitive and complex, not advanced", lambda f: f.level == "advanced")
    if case.offence in ("domestic_abuse", "sexual_harm"):
        drop(f"rule 2: no {case.offence} skill", lambda f: f.has(case.offence))
    assert {f.id for f in left} == set(o.team.leads)
    return f_


def _venues(options: Options, o: CaseOptions) -> Funnel:
    problem = options.problem
    case = problem.case_by_id[o.case_id]
    left = list(problem.venues)
    f_ = Funnel("venues", len(left))
    labels = {
        "custody": "rule 5: custody",
        "room_capacity": "rule 4: no room big enough",
        "access": "rule 4: step-free or hearing loop",
        "separate_entrances": "rule 4: separate entrances",
        "exclusion_zones": "rule 6: offender's exclusion zone",
        "victim_locality": "rule 6: too near a victim's home",
        "party_travel": "rule 6: beyond a party's travel limit",
    }
    for rule in VENUE_RULES:
        before = len(left)
        left = [v for v in left if venue_rule_ok(problem, case, v, rule)]
        f_.steps.append((labels[rule], before - len(left)))
    before = len(left)
    left = [v for v in left if o.venue_starts.get(v.id)]
    f_.steps.append(("rule 3: closed at every start the attendees are free", before - len(left)))
    before = len(left)
    left = [v for v in left if any(v.id in r for r in o.reach.values())]
    f_.steps.append(("rules 2, 3, 6: no qualified team can reach it when open", before - len(left)))
    return f_


def _starts(options: Options, o: CaseOptions) -> Funnel:
    problem, clock, horizon, timing = (
        options.problem,
        options.clock,
        options.horizon,
        options.timing,
    )
    case = problem.case_by_id[o.case_id]
    grid = []
    day = problem.case_earliest(case)
    step = problem.slot_minutes
    while day <= problem.case_latest(case):
        midnight = dt.datetime.combine(day, dt.time())
        for m in range(0, 1440, step):
            local = midnight + dt.timedelta(minutes=m)
            if clock.is_clear(local):
                grid.append(clock.instant(local))
        day += dt.timedelta(days=1)
    f_ = Funnel("conference starts in the case's dates", len(grid))
    left = grid

    def drop(label: str, keep) -> None:  # type: ignore[no-untyped-def]
        nonlocal left
        before = len(left)
        left = [s for s in left if keep(s)]
        f_.steps.append((label, before - len(left)))

    def inside(s: int) -> bool:
        lo, hi = timing.hull(case, s)
        return horizon.start <= lo and hi <= horizon.end

    drop("rule 3: windows outside the horizon", inside)
    drop(
        "rule 3: windows across the clock change",
        lambda s: ctx_clear(clock, horizon, *timing.hull(case, s)),
    )
    for side in ("victim", "offender"):
        people = case.side_attendees(side)  # type: ignore[arg-type]
        for p in people:
            avail = options.availability.parties[p.id]
            drop(
                f"rule 3: {p.id} ({side} side) not available",
                lambda s, a=avail, sd=side: a.contains(*timing.side_window(case, sd, s)),  # type: ignore[misc]
            )
    attendees = set(o.attendee_starts)
    drop("rule 3 (other clauses)", lambda s: s in attendees)
    open_ = {s for ss in o.venue_starts.values() for s in ss}
    drop("rules 3–6: no safe venue open", lambda s: s in open_)
    usable = set(o.starts)
    drop(
        "rules 2, 3, 6: no qualified team free that can reach an open venue", lambda s: s in usable
    )
    return f_
