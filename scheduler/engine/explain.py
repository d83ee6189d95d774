"""What rules out the options of one case, rule by rule, and the verdict in plain words.

The verdict (`Explanation.headline`, `.why`) leads, with people and places by name;
each funnel step is a plain phrase ("are never free at a time the case could start")
with the spec's rule behind it kept beside it (`Funnel.rules`) as small print.

Four funnels of counts, each a total, the number each rule removes from what is left
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

from scheduler.domain import Case, Meeting, Problem, Reason
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
    rules: list[str] = field(default_factory=list)  # the spec's rule behind each step
    note: str = ""  # what the total is of, when the name alone does not say

    @property
    def remaining(self) -> int:
        return self.total - sum(n for _, n in self.steps)

    def add(self, label: str, rule: str, removed: int) -> None:
        self.steps.append((label, removed))
        self.rules.append(rule)

    def sentence(self) -> str:
        """'110 facilitators: 59 lack …, 47 are never free …; 4 left.' (steps removing none left out)."""
        said = [f"{n} {_singular(label) if n == 1 else label}" for label, n in self.steps if n]
        left = "none left" if self.remaining == 0 else f"{self.remaining} left"
        body = ", ".join(said) if said else "nothing rules any out"
        note = f"; {self.note}" if self.note else ""
        return f"{self.name} ({self.total} in all{note}): {body}; {left}."


_SINGULAR = {"are": "is", "have": "has", "lack": "lacks", "fall": "falls"}


def _singular(label: str) -> str:
    verb, _, rest = label.partition(" ")
    return f"{_SINGULAR[verb]} {rest}" if verb in _SINGULAR else label


@dataclass(frozen=True)
class Explanation:
    case_id: str
    funnels: list[Funnel]
    needs: list[tuple[str, int]]  # 'at least one' needs: how many who may sit meet each
    options: int  # feasible (start, venue) pairs alone, pinned meetings kept
    reasons: list[Reason]  # the codes the case would get if unscheduled; empty if placeable
    problem: Problem | None = None  # for names in what people read

    @property
    def placeable(self) -> bool:
        return not self.reasons

    @property
    def headline(self) -> str:
        if not self.reasons:
            n = self.options
            return (
                f"can be scheduled: {n} possible time{'s' if n != 1 else ''} and place"
                f"{'s' if n != 1 else ''}, keeping the pinned meetings"
            )
        return "cannot be scheduled"

    @property
    def why(self) -> list[str]:
        """Each reason in plain words, people and places by name, the code as small print."""
        from scheduler.wording import humanise, reason_words

        case = self.problem.case_by_id.get(self.case_id) if self.problem else None
        out = []
        for r in self.reasons:
            detail = humanise(r.message, self.problem, case) if self.problem else r.message
            out.append(f"{reason_words(r.code).capitalize()}: {detail} ({r.code})")
        return out

    @property
    def verdict(self) -> str:
        """The verdict in one line of plain words."""
        if not self.reasons:
            return self.headline
        return f"{self.headline}. " + " ".join(self.why)


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
    starts.add(
        "are taken by pinned meetings, or break a workload cap or travel between meetings",
        "rules 8-10",
        starts.remaining - len({s for s, _, _ in slots}),
    )
    funnels.append(starts)
    reasons = static_reasons(problem, case, o)
    if not case.conference:  # journeys: the venue and time reasons are the sessions'
        reasons = [r for r in reasons if r.code != "NO_SAFE_VENUE"]
    elif not reasons and not slots:
        reasons = [no_common_time(problem, case, o, bool(kept), options)]
    if case.sessions and not reasons:
        reasons = session_reasons(problem, options, case, kept)
    needs = [(n.label, len(n.members & set(o.team.cos))) for n in o.team.at_least_one]
    return Explanation(case_id, funnels, needs, len(slots), reasons, problem)


def _dropper(f_: Funnel, left: list):  # type: ignore[no-untyped-def,type-arg]
    """A `drop(label, rule, keep)` that filters `left` in place and records the step."""

    def drop(label: str, rule: str, keep) -> None:  # type: ignore[no-untyped-def]
        before = len(left)
        left[:] = [x for x in left if keep(x)]
        f_.add(label, rule, before - len(left))

    return drop


def _facilitators(options: Options, o: CaseOptions) -> Funnel:
    problem = options.problem
    case = problem.case_by_id[o.case_id]
    left = list(problem.facilitators)
    f_ = Funnel("Facilitators", len(left))
    drop = _dropper(f_, left)
    if case.in_custody:
        drop(
            "lack the prison skill (the offender is in custody)",
            "rule 2",
            lambda f: f.has("prison"),
        )
    drop(
        "have declared a conflict with a party",
        "rule 2",
        lambda f: not any(p.id in f.conflicts for p in case.parties),
    )
    if case.sensitive_complex:
        drop(
            "lack the sensitive and complex skill this case needs",
            "rule 2",
            lambda f: f.has("sensitive_complex"),
        )
    assert {f.id for f in left} == set(o.team.cos)
    drop(
        "are never free at a time the case could start",
        "rule 3",
        lambda f: f.id in o.facilitator_starts,
    )
    usable = set(o.usable_facilitators)
    drop(
        "cannot reach a suitable open venue with a whole team",
        "rules 2, 6",
        lambda f: f.id in usable,
    )
    return f_


def _leads(options: Options, o: CaseOptions) -> Funnel:
    problem = options.problem
    case = problem.case_by_id[o.case_id]
    left = [problem.facilitator_by_id[f] for f in o.team.cos]
    f_ = Funnel("Possible leads", len(left), note=f"a lead must be an {lead_requirement(case)}")
    drop = _dropper(f_, left)
    drop("are at foundation level", "rule 2", lambda f: f.level != "foundation")
    if case.sensitive_complex:
        drop(
            "are not advanced (the case is sensitive and complex)",
            "rule 2",
            lambda f: f.level == "advanced",
        )
    if case.offence in ("domestic_abuse", "sexual_harm"):
        words = case.offence.replace("_", " ")
        drop(f"lack the {words} skill", "rule 2", lambda f: f.has(case.offence))
    assert {f.id for f in left} == set(o.team.leads)
    return f_


_VENUE_LABELS = {
    "custody": ("are the wrong custody setting for this case", "rule 5"),
    "room_capacity": ("have no room big enough for everyone", "rule 4"),
    "access": ("lack step-free access or a hearing loop an attendee needs", "rule 4"),
    "separate_entrances": ("have no separate entrances", "rule 4"),
    "exclusion_zones": ("are inside an offender's exclusion zone", "rule 6"),
    "victim_locality": ("are too near a victim's home", "rule 6"),
    "party_travel": ("are beyond an attendee's travel limit", "rule 6"),
}


def _venues(options: Options, o: CaseOptions) -> Funnel:
    problem = options.problem
    case = problem.case_by_id[o.case_id]
    left = list(problem.venues)
    f_ = Funnel("Venues", len(left))
    drop = _dropper(f_, left)
    for rule in VENUE_RULES:
        label, ref = _VENUE_LABELS[rule]
        drop(label, ref, lambda v, r=rule: venue_rule_ok(problem, case, v, r))  # type: ignore[misc]
    drop(
        "are closed whenever the attendees are free",
        "rule 3",
        lambda v: bool(o.venue_starts.get(v.id)),
    )
    drop(
        "cannot be reached, while open, by a qualified team",
        "rules 2, 3, 6",
        lambda v: any(v.id in r for r in o.reach.values()),
    )
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
    f_ = Funnel("Start times in the case's dates", len(grid))
    left = grid
    drop = _dropper(f_, left)

    def inside(s: int) -> bool:
        lo, hi = timing.hull(case, s)
        return horizon.start <= lo and hi <= horizon.end

    drop("would run outside the planning period", "rule 3", inside)
    drop(
        "would run across the clock change",
        "rule 3",
        lambda s: ctx_clear(clock, horizon, *timing.hull(case, s)),
    )
    for side in ("victim", "offender"):
        people = case.side_attendees(side)  # type: ignore[arg-type]
        for p in people:
            avail = options.availability.parties[p.id]
            drop(
                f"fall when {p.name} ({p.id}, {side} side) is not free",
                "rule 3",
                lambda s, a=avail, sd=side: a.contains(*timing.side_window(case, sd, s)),  # type: ignore[misc]
            )
    attendees = set(o.attendee_starts)
    drop("are ruled out by the rest of the presence rules", "rule 3", lambda s: s in attendees)
    open_ = {s for ss in o.venue_starts.values() for s in ss}
    drop("have no suitable venue open", "rules 3-6", lambda s: s in open_)
    usable = set(o.starts)
    drop(
        "have no qualified team free that can reach an open venue",
        "rules 2, 3, 6",
        lambda s: s in usable,
    )
    return f_


def session_reasons(
    problem: Problem, options: Options, case: Case, kept: list[Meeting]
) -> list[Reason]:
    """Journeys: the session that cannot be placed and why, or why the whole case cannot
    (pinned meetings kept); empty when the case's whole journey can be placed alone."""
    from scheduler.engine.journey_placement import JourneyPlacer

    placer = JourneyPlacer(options, Occupancy(options, kept))
    out = []
    for sid, so in placer.session_options(case).items():
        who = so.party.name or so.party.id
        if not so.places:
            out.append(
                Reason(
                    code="NO_SAFE_VENUE" if not case.conference else "NO_COMMON_TIME",
                    message=f"session {sid} with {who}: no allowed mode "
                    f"({', '.join(so.session.modes)}) has a place and time that meets the rules",
                )
            )
        elif not placer.session_alone(case, so):
            out.append(
                Reason(
                    code="NO_COMMON_TIME",
                    message=f"session {sid} with {who}: no qualified lead is free and within "
                    "reach at any time the party can come",
                )
            )
    if out:
        return out
    if placer.place(case, "first", tries=1) or placer.place(case, "best", tries=2):
        return []
    if case.conference:
        return [
            Reason(
                code="NO_PREPARATION_TIME",
                message=f"the conference fits alone, but not with its sessions at least "
                f"{problem.policy.preparation_gap_days} day(s) before it with the same lead",
            )
        ]
    return [
        Reason(
            code="NO_COMMON_TIME",
            message="the sessions cannot all be placed with one lead in their order",
        )
    ]
