"""Planning case journeys (spec journeys.md): every case whole, conference and sessions.

`plan_journeys(problem)` is what `allocate` runs for a problem with journeys:

1. Pins: pinned conferences are checked as before (`pins.check_pins`); pinned sessions
   are kept when their case's journey can be placed around them, else released with
   `PIN_RELEASED` (naming the session).
2. The greedy journeys plan: case after case in the coordinator's order (kept and
   confirmed first, then priority, referral date), each whole at its first feasible
   placement (`journey_placement.JourneyPlacer`): the floor and the hint.
3. Candidate journeys per case against the pins alone: the greedy plan's journey, the
   cheapest few and the first few, each with its own conference placement or team.
4. The CP-SAT selection (`rules.journey_selection`): at most one journey per case, no
   two selected journeys clashing under S4–S6 and rules 4, 7 and 8, the caps of
   rules 9 and S7 as linear rows; levels in order (disruption, scheduled priority, soft
   cost with the max-load term), each solved in its share of the time and then fixed.

Bounds are proven on the problem itself, not on the candidates (`journey_bounds`):
level 1's counts what no plan avoids dropping, level 2's every case that passes
exhaustive necessary tests of being scheduled alone, level 3's each such case at the
least every soft term could be, made up to the plan's priority. The
plan never falls below the greedy plan: the greedy journeys are one selection of the
model, given as its hint, and kept when the model does worse.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from scheduler.domain import (
    Case,
    Meeting,
    Objective,
    Plan,
    PlanSession,
    Problem,
    Reason,
    SolverInfo,
    Unscheduled,
    Warning_,
)
from scheduler.engine import journey_bounds, journey_relax, rules
from scheduler.engine.journey_placement import Journey, JourneyPlacer, Order
from scheduler.engine.objective import DROP
from scheduler.engine.occupancy import Occupancy
from scheduler.engine.options import Options, build_options
from scheduler.engine.pins import check_pins, pin_clash
from scheduler.engine.plan_warnings import change_warnings
from scheduler.engine.reasons import unscheduled_reasons
from scheduler.engine.session_options import session_has_place

Progress = Callable[[float, str], None]
# Candidate journeys per case: (order, how many, sessions' spread in days).
VARIANTS: tuple[tuple[Order, int, int | None], ...] = (
    ("best", 4, None),
    ("first", 2, None),
    ("best", 2, 3),
    ("first", 2, 7),
    ("best", 2, 14),
)
BOUND_SECONDS = 10.0  # at most, for level 3's floors (cases not reached count as 0)
RELAX_SECONDS = 8.0  # at most, for the relaxations of scarce cases (`journey_relax`)
GUIDE_TRIES = 4  # solutions of one relaxation tried as guides (while one is not followed)
GUIDE_SECONDS = 2.0  # at most, for each further solution
# More of them, for a second selection when the first leaves time over.
MORE_VARIANTS: tuple[tuple[Order, int, int | None], ...] = (
    ("best", 10, None),
    ("first", 5, None),
    ("first", 3, 3),
    ("best", 3, 10),
    ("first", 3, 21),
)
LEAD_DRIVEN_WANT = 3  # journeys per case the variants miss, one lead at a time
LEAD_DRIVEN_TRIES = 60  # leads tried for such a case
REPAIR_TRIES = 4  # journeys alone tried per unscheduled case when making room
REPAIR_EJECT = 3  # scheduled cases taken out, at most, to make room for one
REPAIR_PASSES = 4
LEAD_VARIANTS: tuple[tuple[Order, int, int | None], ...] = (
    ("best", 2, None),
    ("first", 1, 7),
    ("first", 1, 14),
    ("best", 1, 21),
)


@dataclass(frozen=True)
class Existing:
    """What the problem says was planned before: pins kept, released, and confirmed."""

    kept_meetings: list[Meeting]
    released: dict[str, str]  # case id → why (conferences)
    pinned_sessions: dict[str, dict[str, PlanSession]]  # case → session id → row
    confirmed_sessions: dict[str, dict[str, PlanSession]]
    confirmed_meetings: dict[str, Meeting]  # case id → confirmed (or released) meeting

    @property
    def pinned_cases(self) -> set[str]:
        """Cases with a kept pinned conference or a pinned session: they stay as they are."""
        return {m.case for m in self.kept_meetings} | set(self.pinned_sessions)


def existing_of(problem: Problem, options: Options) -> Existing:
    pins = [m for m in problem.existing if m.status == "pinned"]
    kept, released = check_pins(options, pins)
    pinned: dict[str, dict[str, PlanSession]] = defaultdict(dict)
    confirmed: dict[str, dict[str, PlanSession]] = defaultdict(dict)
    for row in problem.existing_sessions:
        (pinned if row.status == "pinned" else confirmed)[row.case][row.session] = row
    meetings = {
        m.case: m for m in problem.existing if m.status == "confirmed" or m.case in released
    }
    return Existing(kept, released, dict(pinned), dict(confirmed), meetings)


def order_key(problem: Problem, ex: Existing):  # type: ignore[no-untyped-def]
    """The coordinator's order: cases with something kept or confirmed first, then
    priority (high first), referral date (earliest first), document order."""
    index = {c.id: i for i, c in enumerate(problem.cases)}
    kept = ex.pinned_cases
    old = set(ex.confirmed_meetings) | set(ex.confirmed_sessions)

    def key(case):  # type: ignore[no-untyped-def]
        return (
            case.id not in kept,
            case.id not in old,
            -case.priority,
            case.referred_on or dt.date.max,
            index[case.id],
        )

    return key


def _place_case(  # type: ignore[no-untyped-def]
    placer: JourneyPlacer,
    ex: Existing,
    case,
    order: Order,
    tries: int,
    released_sessions: dict[str, str],
    spread: int | None = None,
    may_release: bool = False,
    only_lead: str | None = None,
) -> list[Journey]:
    """Journeys of one case honouring its kept pins (with `may_release`, the greedy
    plan's call, pins that cannot be kept are released and the case placed without)."""
    kept = next((m for m in ex.kept_meetings if m.case == case.id), None)
    pinned = {
        sid: row
        for sid, row in ex.pinned_sessions.get(case.id, {}).items()
        if sid not in released_sessions
    }
    prefer = dict(ex.confirmed_sessions.get(case.id, {}))
    prefer.update(
        {
            sid: row
            for sid, row in ex.pinned_sessions.get(case.id, {}).items()
            if sid in released_sessions
        }
    )
    old = ex.confirmed_meetings.get(case.id)
    old_key = (placer.clock.instant(old.start), old.venue) if old is not None else None
    team = _old_team(old, prefer)
    got = placer.place(
        case,
        order,
        tries=tries,
        pinned=pinned,
        prefer=prefer,
        only_meeting=kept,
        prefer_conference=old_key,
        spread=spread,
        prefer_team=team,
        prefer_meeting=old,
        only_lead=only_lead,
    )
    if got or not pinned or not may_release:
        return got
    for sid in pinned:
        released_sessions[sid] = (
            f"pinned session {sid} can no longer be held with the rest of case {case.id} "
            "under today's data"
        )
        prefer[sid] = pinned[sid]
    return placer.place(
        case,
        order,
        tries=tries,
        prefer=prefer,
        only_meeting=kept,
        prefer_conference=old_key,
        prefer_team=team,
        prefer_meeting=old,
    )


def _old_team(old: Meeting | None, rows: dict[str, PlanSession]) -> tuple[str, ...]:
    """The team of a case's confirmed journey, lead first: its conference's, else the
    facilitators of its confirmed sessions (the earliest session's lead first)."""
    if old is not None:
        return (old.lead, *[f for f in old.facilitators if f != old.lead])
    if not rows:
        return ()
    first = min(rows.values(), key=lambda r: (r.start, r.session))
    others = sorted({f for r in rows.values() for f in r.facilitators} - {first.lead})
    return (first.lead, *others)


def greedy_journeys(
    problem: Problem, options: Options, ex: Existing, released_sessions: dict[str, str]
) -> list[Journey]:
    """Whole journeys, case after case in the coordinator's order, each at its first
    feasible placement given everything placed before it."""
    occ = Occupancy(options, ex.kept_meetings)
    placer = JourneyPlacer(options, occ)
    out: list[Journey] = []
    for case in sorted(problem.cases, key=order_key(problem, ex)):
        got = _place_case(placer, ex, case, "first", 1, released_sessions, may_release=True)
        if got:
            j = got[0]
            for e in j.engagements:
                occ.hold(e)
            out.append(j)
    return out


def candidates(
    problem: Problem,
    options: Options,
    ex: Existing,
    greedy: list[Journey],
    released_sessions: dict[str, str],
    deadline: float,
    variants: tuple[tuple[Order, int, int | None], ...] = (),
) -> dict[str, list[Journey]]:
    """Candidate journeys per case against the kept pins alone (`greedy`'s first, then
    each of `variants`, by default `VARIANTS`)."""
    variants = variants or VARIANTS
    occ = Occupancy(options, ex.kept_meetings)
    placer = JourneyPlacer(options, occ)
    out: dict[str, list[Journey]] = defaultdict(list)
    for j in greedy:
        out[j.case_id].append(j)
    seen = {(j.case_id, sig(j)) for j in greedy}
    for case in sorted(problem.cases, key=order_key(problem, ex)):
        if time.monotonic() > deadline:
            break
        for order, k, spread in variants:
            if time.monotonic() > deadline:
                break
            for j in _place_case(placer, ex, case, order, k, released_sessions, spread):
                if (case.id, sig(j)) not in seen:
                    seen.add((case.id, sig(j)))
                    out[case.id].append(j)
    for case in sorted(problem.cases, key=order_key(problem, ex)):
        if case.id in out or time.monotonic() > deadline:
            continue
        for j in by_lead(placer, ex, case, released_sessions, deadline, variants=True):
            out[case.id].append(j)
    return out


def by_lead(
    placer: JourneyPlacer,
    ex: Existing,
    case,  # type: ignore[no-untyped-def]
    released_sessions: dict[str, str],
    deadline: float,
    want: int = LEAD_DRIVEN_WANT,
    variants: bool = False,
) -> list[Journey]:
    """Journeys of a case the usual teams miss: led by each lead that passes the
    necessary test (`JourneyPlacer.prep_leads`), cheapest first, until `want` leads
    gave one or `LEAD_DRIVEN_TRIES` leads are tried. With `variants`, a lead that gives
    one also gives its cheapest and later-starting journeys (`LEAD_VARIANTS`), so the
    selection has more than one way to fit the case among the others."""
    out: list[Journey] = []
    found = 0
    for n, lead in enumerate(placer.prep_leads(case)):
        if n >= LEAD_DRIVEN_TRIES or found >= want or time.monotonic() > deadline:
            break
        got = _place_case(placer, ex, case, "first", 1, released_sessions, only_lead=lead)
        if not got:
            continue
        found += 1
        out += got
        seen = {sig(j) for j in got}
        for order, k, spread in LEAD_VARIANTS if variants else ():
            for j in _place_case(
                placer, ex, case, order, k, released_sessions, spread, only_lead=lead
            ):
                if sig(j) not in seen:
                    seen.add(sig(j))
                    out.append(j)
    return out


def sig(j: Journey) -> tuple:  # type: ignore[type-arg]
    m = j.meeting
    head = (m.start, m.venue, m.room, tuple(m.facilitators)) if m is not None else ()
    return head + tuple(
        (s.session, s.start, s.mode, s.venue, tuple(s.facilitators)) for s in j.sessions
    )


# --------------------------------------------------------------------------- objective


def disruption_of(ex: Existing, case_id: str, j: Journey | None) -> int:
    """Level 1 for one case: its confirmed (or released) meeting and confirmed sessions."""
    total = 0
    old = ex.confirmed_meetings.get(case_id)
    if old is not None:
        m = j.meeting if j is not None else None
        if m is None:
            total += DROP
        else:
            moved = m.start != old.start or m.venue != old.venue
            total += (DROP if moved else 0) + len(set(old.facilitators) - set(m.facilitators))
    rows = {s.session: s for s in j.sessions} if j is not None else {}
    old_rows = {**ex.pinned_sessions.get(case_id, {}), **ex.confirmed_sessions.get(case_id, {})}
    for sid, before in old_rows.items():  # a kept pin costs 0; a released one as confirmed
        now = rows.get(sid)
        if now is None:
            total += DROP
            continue
        moved = (now.start, now.mode, now.venue) != (before.start, before.mode, before.venue)
        total += (DROP if moved else 0) + len(set(before.facilitators) - set(now.facilitators))
    return total


def plan_values(problem: Problem, ex: Existing, chosen: dict[str, Journey]) -> Objective:
    w = problem.policy.weights
    cases = {c.id for c in problem.cases}
    dis = sum(disruption_of(ex, cid, chosen.get(cid)) for cid in cases) + gone(problem, ex)
    prio = sum(problem.case_by_id[cid].priority for cid in chosen)
    soft = sum(j.cost for j in chosen.values())
    loads = Counter(f for j in chosen.values() if j.meeting for f in j.meeting.facilitators)
    soft += w.max_load * max(loads.values(), default=0)
    return Objective(disruption=dis, scheduled_priority=prio, soft_cost=soft)


def gone(problem: Problem, ex: Existing) -> int:
    """Level 1 for cases no longer in the problem: their conferences and sessions dropped."""
    cases = problem.case_by_id
    dis = sum(DROP for cid in ex.confirmed_meetings if cid not in cases)
    for old in (ex.confirmed_sessions, ex.pinned_sessions):
        dis += sum(DROP * len(r) for cid, r in old.items() if cid not in cases)
    return dis


def _key(o: Objective) -> tuple[int, int, int]:
    return (o.disruption, -o.scheduled_priority, o.soft_cost)


def priority_bound(problem: Problem, options: Options, placer: JourneyPlacer) -> int:
    """Level 2's proven bound: the priority of the cases that could each be scheduled
    alone as far as exhaustive necessary tests tell (`journey_bounds.possible`)."""
    return sum(c.priority for c in journey_bounds.possible(problem, placer))


# --------------------------------------------------------------------------- the model


def select(
    problem: Problem,
    options: Options,
    ex: Existing,
    cands: dict[str, list[Journey]],
    hint: dict[str, Journey],
    seconds: float,
    workers: int,
) -> tuple[dict[str, Journey], bool]:
    """The CP-SAT selection of journeys, level by level; (chosen, every level proven)."""
    cp = cp_model.CpModel()
    sel = rules.journey_selection(cp, options, ex.kept_meetings, cands)
    cases = list(cands)
    picked = {cid: sum(sel.x[(cid, i)] for i in range(len(js))) for cid, js in cands.items()}
    dis_terms = []
    for cid, js in cands.items():
        drop = disruption_of(ex, cid, None)
        dis_terms.append(drop * (1 - picked[cid]))
        dis_terms += [disruption_of(ex, cid, j) * sel.x[(cid, i)] for i, j in enumerate(js)]
    prio = sum(problem.case_by_id[cid].priority * picked[cid] for cid in cases)
    w = problem.policy.weights
    soft = sum(j.cost * sel.x[(cid, i)] for cid, js in cands.items() for i, j in enumerate(js))
    if w.max_load and sel.loads:
        top = max(len(v) for v in sel.loads.values())
        load = cp.new_int_var(0, top, "max_load")
        for lits in sel.loads.values():
            cp.add(load >= sum(lits))
        soft = soft + w.max_load * load
    for cid, js in cands.items():
        for i, j in enumerate(js):
            cp.add_hint(sel.x[(cid, i)], 1 if hint.get(cid) is j else 0)
    levels = [(sum(dis_terms), False), (prio, True), (soft, False)]
    proven = True
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(1, workers)
    t_end = time.monotonic() + seconds
    best: dict[str, Journey] | None = None
    for n, (expr, maximise) in enumerate(levels):
        left = t_end - time.monotonic()
        if left <= 0.05:
            proven = False
            break
        share = left / (len(levels) - n) if n < len(levels) - 1 else left
        (cp.maximize if maximise else cp.minimize)(expr)
        solver.parameters.max_time_in_seconds = max(0.1, share)
        status = solver.solve(cp)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            proven = False
            break
        proven = proven and status == cp_model.OPTIMAL
        value = round(solver.objective_value)
        best = {
            cid: js[i]
            for cid, js in cands.items()
            for i in range(len(js))
            if solver.value(sel.x[(cid, i)])
        }
        cp.clear_hints()
        for cid, js in cands.items():
            for i, j in enumerate(js):
                cp.add_hint(sel.x[(cid, i)], 1 if best.get(cid) is j else 0)
        if maximise:
            cp.add(expr >= value)
        else:
            cp.add(expr <= value)
    return (best if best is not None else dict(hint)), proven and best is not None


# --------------------------------------------------------------------------- single-case moves


def improve(
    problem: Problem,
    options: Options,
    ex: Existing,
    chosen: dict[str, Journey],
    deadline: float,
) -> dict[str, Journey]:
    """Single-case moves on the whole plan until `deadline`: each unscheduled case is
    tried against everything placed (level 2), then each scheduled case is re-placed
    at its cheapest whole journey given the rest (level 3), kept only when the plan's
    objective improves (levels in order)."""
    chosen = dict(chosen)
    placer = _placer_holding(options, ex, chosen.values())
    occ = placer.occ
    released: dict[str, str] = {}
    best = _key(plan_values(problem, ex, chosen))
    order = sorted(problem.cases, key=order_key(problem, ex))
    for case in [c for c in order if c.id not in chosen] + [c for c in order if c.id in chosen]:
        if time.monotonic() > deadline:
            break
        if any(k.case == case.id for k in ex.kept_meetings) or case.id in ex.pinned_sessions:
            continue  # kept pins stay as they are
        old = chosen.pop(case.id, None)
        if old is not None:
            for e in old.engagements:
                occ.release(e)
        found = [
            j
            for variant in (("best", 3, None), ("first", 1, None), ("best", 1, 7))
            for j in _place_case(placer, ex, case, variant[0], variant[1], released, variant[2])  # type: ignore[arg-type]
        ]
        if not found and old is None:
            found = by_lead(placer, ex, case, released, deadline, want=1)
        pick = old
        for j in found:
            trial = {**chosen, case.id: j}
            key = _key(plan_values(problem, ex, trial))
            if key < best:
                best, pick = key, j
        if pick is not None:
            chosen[case.id] = pick
            for e in pick.engagements:
                occ.hold(e)
    return chosen


def _placer_holding(options: Options, ex: Existing, journeys: Iterable[Journey]) -> JourneyPlacer:
    """A placer whose occupancy holds the kept pins and these journeys."""
    occ = Occupancy(options, ex.kept_meetings)
    for j in journeys:
        _hold(occ, j)
    return JourneyPlacer(options, occ)


def _hold(occ: Occupancy, j: Journey) -> None:
    for e in j.engagements:
        occ.hold(e)


def _release(occ: Occupancy, j: Journey) -> None:
    for e in reversed(j.engagements):
        occ.release(e)


def _clashes(placer: JourneyPlacer, j: Journey) -> bool:
    """Whether journey j breaks a cross-case rule against what `placer.occ` holds (a
    guide for `repair`: what it then places goes through the placer, which decides)."""
    occ = placer.occ
    for e in j.engagements:
        if e.kind == "session":
            if not placer._free(e, e.facilitators):
                return True
        elif (
            pin_clash(placer.options, occ, e) is not None
            or occ.party_no_overlap(e) is not None
            or any(occ.workload(f, e.day) for f in e.facilitators)
        ):
            return True
    return False


def repair(
    problem: Problem,
    options: Options,
    ex: Existing,
    chosen: dict[str, Journey],
    cands: dict[str, list[Journey]],
    deadline: float,
) -> dict[str, Journey]:
    """Making room: for each unscheduled case (highest priority first) with a journey
    alone, the scheduled cases that journey clashes with are taken out, the case is
    placed, and they are placed again, each wherever it fits now (or left out); kept
    only when the plan's objective improves (levels in order), else undone. At most
    `REPAIR_EJECT` cases are taken out for one, and kept pins never."""
    chosen = dict(chosen)
    placer = _placer_holding(options, ex, chosen.values())
    occ = placer.occ
    released: dict[str, str] = {}
    fixed = ex.pinned_cases
    order = sorted(problem.cases, key=order_key(problem, ex))
    best = _key(plan_values(problem, ex, chosen))
    test = _placer_holding(options, ex, ())  # the kept pins and one journey alone
    for case in [c for c in order if c.id not in chosen and cands.get(c.id)]:
        if time.monotonic() > deadline:
            break
        for alone in cands[case.id][:REPAIR_TRIES]:
            if time.monotonic() > deadline:
                break
            _hold(test.occ, alone)
            out = [k for k, j in chosen.items() if k not in fixed and _clashes(test, j)]
            _release(test.occ, alone)
            if not out or len(out) > REPAIR_EJECT:
                continue
            before = {k: chosen.pop(k) for k in out}
            for j in before.values():
                _release(occ, j)
            placed: list[Journey] = []
            for c in [case, *(problem.case_by_id[k] for k in out)]:
                got = _place_again(placer, ex, c, released, deadline)
                if got:
                    chosen[c.id] = got[0]
                    placed.append(got[0])
                    _hold(occ, got[0])
                if c is case and not got:
                    break
            key = _key(plan_values(problem, ex, chosen))
            if key < best:
                best = key
                break  # the case is in: on to the next one
            for j in placed:  # undo
                chosen.pop(j.case_id, None)
                _release(occ, j)
            for k, j in before.items():
                chosen[k] = j
                _hold(occ, j)
    return chosen


def _place_again(
    placer: JourneyPlacer, ex: Existing, case: Case, released: dict[str, str], deadline: float
) -> list[Journey]:
    """A journey of a case taken out to make room, wherever it fits now (or none)."""
    got = _place_case(placer, ex, case, "best", 2, released)
    got = got or _place_case(placer, ex, case, "first", 1, released)
    return got or by_lead(placer, ex, case, released, deadline, want=1)


def relaxed_groups(
    problem: Problem,
    ex: Existing,
    chosen: dict[str, Journey],
    placer: JourneyPlacer,
    cases: list[Case],
    seconds: float,
    workers: int,
) -> list[journey_relax.Relaxed]:
    """The relaxation (`journey_relax`) of each group of scarce cases holding a case the
    plan leaves out although it passes the tests of being scheduled alone (`cases`, the
    possible ones, by `placer` on the kept pins alone). Cases with a kept pin stay out
    of the groups (a held session may lie before the horizon; leaving a case out keeps
    the bound sound)."""
    deadline = time.monotonic() + seconds
    cases = [c for c in cases if c.id not in ex.pinned_cases]
    want = {c.id for c in cases if c.id not in chosen}
    if not want:
        return []
    groups = journey_relax.scarce_groups(placer, cases, want, deadline)
    out = []
    for n, group in enumerate(groups):
        left = deadline - time.monotonic()
        if left <= 0.1:
            break
        out.append(journey_relax.relax(placer, group, left / (len(groups) - n), workers))
    return out


def guided(
    problem: Problem,
    options: Options,
    ex: Existing,
    chosen: dict[str, Journey],
    groups: list[journey_relax.Relaxed],
    alone: JourneyPlacer,
    deadline: float,
    workers: int = 1,
) -> dict[str, Journey]:
    """The relaxation as a guide: for each group whose relaxed solution schedules more
    of its priority than the plan, its journeys are placed at the solution's starts and
    teams among the kept pins alone (`_realise`); the group's own journeys in the plan
    and those the new ones clash with are taken out, the new ones put in, and the others
    placed again wherever they fit (or left out); kept only when the plan's objective
    improves. When the placer cannot follow a solution (the relaxation leaves rooms out,
    for one), other solutions of the relaxation are tried (`GUIDE_TRIES`), by
    `alone` (the placer on the kept pins alone that built it)."""
    fixed = ex.pinned_cases  # never in a group (`relaxed_groups`), never taken out
    released: dict[str, str] = {}
    order = order_key(problem, ex)
    prio = {c.id: c.priority for c in problem.cases}
    for first in groups:
        r = first
        for attempt in range(GUIDE_TRIES):
            if time.monotonic() > deadline:
                return chosen
            if attempt:  # another solution of the same relaxation
                cases = [problem.case_by_id[c] for c in first.cases]
                left = min(GUIDE_SECONDS, (deadline - time.monotonic()) / 2)
                r = journey_relax.relax(alone, cases, left, workers, seed=attempt)
            if sum(prio[c] for c in r.teams) <= sum(prio[c] for c in r.cases if c in chosen):
                break
            test = _placer_holding(options, ex, ())
            new = _realise(problem, test, r)
            out = [
                k for k, j in chosen.items() if k not in fixed and (k in new or _clashes(test, j))
            ]
            trial = {k: j for k, j in chosen.items() if k not in out} | new
            placer = _placer_holding(options, ex, trial.values())
            for case in sorted((problem.case_by_id[k] for k in out if k not in new), key=order):
                got = _place_again(placer, ex, case, released, deadline)
                if got:
                    trial[case.id] = got[0]
                    _hold(placer.occ, got[0])
            if _key(plan_values(problem, ex, trial)) < _key(plan_values(problem, ex, chosen)):
                chosen = trial
                break
            if set(new) >= set(r.teams):
                break  # followed, and still no better: another solution would do no more
    return chosen


def _realise(problem: Problem, test: JourneyPlacer, r: journey_relax.Relaxed) -> dict[str, Journey]:
    """The relaxed solution's journeys, held in `test` one by one: each exactly at its
    starts and team first, then those that failed near them."""
    new: dict[str, Journey] = {}
    for strict in (True, False):
        for cid, team in r.teams.items():
            if cid in new:
                continue
            case = problem.case_by_id[cid]
            got = test.place(
                case, "first", only_lead=team[0], at=r.at, strict=strict, prefer_team=team, tries=1
            )
            if got:
                new[cid] = got[0]
                _hold(test.occ, got[0])
    return new


# --------------------------------------------------------------------------- reasons


def _alone(placer: JourneyPlacer, case) -> bool:  # type: ignore[no-untyped-def]
    """Whether the placer finds a whole journey of the case (its usual teams, then one
    lead at a time): the reasons say CAPACITY only when one exists."""
    if placer.place(case, "first", tries=1) or placer.place(case, "best", tries=3):
        return True
    return any(
        placer.place(case, "first", tries=1, only_lead=lead)
        for lead in placer.prep_leads(case)[:LEAD_DRIVEN_TRIES]
    )


def journey_reasons(
    problem: Problem,
    options: Options,
    ex: Existing,
    meetings: list[Meeting],
    missing: list[str],
) -> dict[str, list[Reason]]:
    """The reasons for unscheduled cases, read for journeys (spec journeys.md), given
    the plan's conferences (`meetings`)."""
    pins = list(ex.kept_meetings)
    placer = JourneyPlacer(options, Occupancy(options, pins))
    conf_missing = [cid for cid in missing if problem.case_by_id[cid].conference]
    conf = (
        unscheduled_reasons(problem, options, pins + meetings, conf_missing) if conf_missing else {}
    )
    out: dict[str, list[Reason]] = {}
    for cid in missing:
        case = problem.case_by_id[cid]
        o = options.cases[cid]
        static = list(o.ineligible)
        if not o.team_possible:
            static.append(
                Reason(
                    code="NO_QUALIFIED_FACILITATOR", message="no set of facilitators meets rule 2"
                )
            )
        if case.conference:
            given = conf.get(cid, [])
            codes = {r.code for r in given}
            if codes & {
                "NO_CONSENT",
                "NOT_ELIGIBLE_DIRECT",
                "MISSING_APPROPRIATE_ADULT",
                "NO_QUALIFIED_FACILITATOR",
                "NO_SAFE_VENUE",
                "NO_COMMON_TIME",
            }:
                out[cid] = given
                continue
            if not _alone(placer, case):
                names = ", ".join(s.id for s in case.sessions)
                out[cid] = [
                    Reason(
                        code="NO_PREPARATION_TIME",
                        message=(
                            f"the conference could be placed alone, but not together with its "
                            f"sessions ({names}) at least {problem.policy.preparation_gap_days} "
                            "day(s) before it with the same lead"
                        ),
                    )
                ]
            else:
                out[cid] = given or [
                    Reason(code="CAPACITY", message="the case could be scheduled alone")
                ]
            continue
        placeless = [s.id for s in case.sessions if not session_has_place(problem, case, s)]
        if placeless:
            static.append(
                Reason(
                    code="NO_SAFE_VENUE",
                    message=f"no allowed mode and place meets S4–S5 for session(s) {', '.join(placeless)}",
                )
            )
        if static:
            out[cid] = static
            continue
        if _alone(placer, case):
            out[cid] = [
                Reason(
                    code="CAPACITY",
                    message="its sessions could be placed if the case were alone; "
                    "the plan used their times and facilitators for other cases",
                )
            ]
        else:
            out[cid] = [
                Reason(
                    code="NO_COMMON_TIME",
                    message="its sessions' people are never free together, or the sessions "
                    "cannot all be placed with one lead in their order",
                )
            ]
    return out


# --------------------------------------------------------------------------- the plan


def plan_journeys(
    problem: Problem,
    *,
    time_limit: float = 60.0,
    workers: int = 2,
    progress: Progress | None = None,
    options: Options | None = None,
) -> Plan:
    """Plan every case of a problem with journeys, whole (see the module's docstring)."""
    t0 = time.monotonic()
    options = options or build_options(problem)
    ex = existing_of(problem, options)
    released_sessions: dict[str, str] = {}
    if progress:
        progress(0.05, "greedy journeys")
    greedy = greedy_journeys(problem, options, ex, released_sessions)
    # The reasons and the bound need their time at the end (a fifth of it, at least 1 s).
    reserve = max(1.0, 0.2 * time_limit)
    cand_end = t0 + 0.5 * time_limit
    if progress:
        progress(0.15, "candidate journeys")
    cands = candidates(problem, options, ex, greedy, released_sessions, cand_end)
    hint = {j.case_id: j for j in greedy}
    chosen, proven = hint, False
    left = time_limit - (time.monotonic() - t0) - reserve
    if cands and left > 0.3:
        if progress:
            progress(0.4, "CP-SAT selection of journeys")
        got, proven = select(problem, options, ex, cands, hint, left, workers)
        if _key(plan_values(problem, ex, got)) <= _key(plan_values(problem, ex, hint)):
            chosen = got
        else:
            proven = False
    if time.monotonic() - t0 < time_limit - reserve:
        if progress:
            progress(0.85, "single-case moves")
        for _ in range(5):  # passes, while one improves and time is left
            if time.monotonic() > t0 + time_limit - reserve:
                break
            moved = improve(problem, options, ex, chosen, t0 + time_limit - reserve)
            if _key(plan_values(problem, ex, moved)) >= _key(plan_values(problem, ex, chosen)):
                break
            chosen, proven = moved, False
    if time.monotonic() - t0 < time_limit - reserve:
        if progress:
            progress(0.88, "making room for unscheduled cases")
        for _ in range(REPAIR_PASSES):  # while one improves and time is left
            repaired = repair(problem, options, ex, chosen, cands, t0 + time_limit - reserve)
            if _key(plan_values(problem, ex, repaired)) >= _key(plan_values(problem, ex, chosen)):
                break
            chosen, proven = repaired, False
    # Scarce cases left out: a relaxation of their group, its bound and its guide.
    alone = JourneyPlacer(options, Occupancy(options, ex.kept_meetings))  # for the bounds
    cases = journey_bounds.possible(problem, alone)
    seconds = min(RELAX_SECONDS, 0.25 * reserve)
    groups = relaxed_groups(problem, ex, chosen, alone, cases, seconds, workers)
    if groups:
        if progress:
            progress(0.885, "placing scarce cases as a relaxation fits them")
        until = t0 + time_limit - 0.5 * reserve
        moved = guided(problem, options, ex, chosen, groups, alone, until, workers)
        if _key(plan_values(problem, ex, moved)) < _key(plan_values(problem, ex, chosen)):
            chosen, proven = moved, False
    if time.monotonic() - t0 < 0.5 * time_limit and cands:
        # Time left: a second selection over more journeys of every case, from the plan.
        if progress:
            progress(0.89, "a second selection over more journeys")
        more_end = t0 + 0.5 * (time_limit - reserve) + 0.5 * (time.monotonic() - t0)
        wider = candidates(
            problem, options, ex, list(chosen.values()), released_sessions, more_end, MORE_VARIANTS
        )
        for cid, js in cands.items():
            seen = {sig(j) for j in wider[cid]}
            wider[cid] += [j for j in js if sig(j) not in seen]
        left = time_limit - (time.monotonic() - t0) - reserve
        if left > 0.3:
            got, again = select(problem, options, ex, wider, dict(chosen), left, workers)
            if _key(plan_values(problem, ex, got)) < _key(plan_values(problem, ex, chosen)):
                chosen, proven = got, again
    if progress:
        progress(0.9, "reasons")
    lost = sum(r.lost for r in groups)
    return build_plan(
        problem, options, ex, chosen, released_sessions, t0, proven, lost, (alone, cases)
    )


def build_plan(
    problem: Problem,
    options: Options,
    ex: Existing,
    chosen: dict[str, Journey],
    released_sessions: dict[str, str],
    t0: float,
    proven: bool,
    lost: int = 0,
    possible: tuple[JourneyPlacer, list[Case]] | None = None,
) -> Plan:
    """The plan of the chosen journeys, its reasons and its bounds; `lost` is priority
    that no valid plan schedules by a relaxation of scarce cases (`journey_relax`),
    `possible` the placer on the kept pins alone and the cases it found possible."""
    meetings: list[Meeting] = []
    sessions: list[PlanSession] = []
    for cid, j in chosen.items():
        if j.meeting is not None:
            m = j.meeting
            old = ex.confirmed_meetings.get(cid)
            status = m.status
            if any(k.case == cid for k in ex.kept_meetings):
                status = "pinned"
            elif old is not None and (old.start, old.venue) == (m.start, m.venue):
                status = "confirmed"
            else:
                status = "proposed"
            meetings.append(m.model_copy(update={"status": status}))
        for row in j.sessions:
            status = row.status
            old_row = ex.confirmed_sessions.get(cid, {}).get(row.session)
            if status != "pinned":
                same = old_row is not None and (old_row.start, old_row.mode, old_row.venue) == (
                    row.start,
                    row.mode,
                    row.venue,
                )
                status = "confirmed" if same else "proposed"
            sessions.append(row.model_copy(update={"status": status}))
    meetings.sort(key=lambda m: (m.start, m.case))
    sessions.sort(key=lambda s: (s.start, s.session))
    missing = [c.id for c in problem.cases if c.id not in chosen]
    conferences = [j.meeting for j in chosen.values() if j.meeting is not None]
    reasons = journey_reasons(problem, options, ex, conferences, missing) if missing else {}
    value = plan_values(problem, ex, chosen)
    if possible is None:
        placer = JourneyPlacer(options, Occupancy(options, ex.kept_meetings))
        cases = journey_bounds.possible(problem, placer)
    else:
        placer, cases = possible
    # Proven on the problem itself, not on the candidates (see `journey_bounds`).
    confirmed = {c.id: disruption_of(ex, c.id, None) for c in problem.cases}
    raw = journey_bounds.bounds(
        problem,
        placer,
        confirmed,
        gone(problem, ex),
        value,
        time.monotonic() + BOUND_SECONDS,
        lost,
        cases,
    )
    bound = Objective(  # a valid plan is never beaten; kept so if a bound were ever wrong
        disruption=min(raw.disruption, value.disruption),
        scheduled_priority=raw.scheduled_priority,
        soft_cost=min(raw.soft_cost, value.soft_cost),
    )
    solver_status = "OPTIMAL" if _key(bound) == _key(value) and proven else "FEASIBLE"
    warnings = change_warnings(problem, meetings, ex.released)
    warnings += [
        Warning_(
            code="PIN_RELEASED",
            case=problem.case_of_session[sid].id if sid in problem.case_of_session else "",
            session=sid,
            message=why,
        )
        for sid, why in sorted(released_sessions.items())
    ]
    return Plan(
        format="rj-plan/1",
        problem=problem.name,
        meetings=meetings,
        sessions=sessions,
        unscheduled=[Unscheduled(case=c, reasons=reasons[c]) for c in missing],
        objective=value,
        solver=SolverInfo(
            status=solver_status,  # type: ignore[arg-type]
            wall_seconds=round(time.monotonic() - t0, 3),
            bound=bound,
        ),
        warnings=warnings,
    )


def greedy_plan(problem: Problem, options: Options | None = None) -> Plan:
    """The greedy journeys plan alone (the bench's baseline for journeys problems)."""
    t0 = time.monotonic()
    options = options or build_options(problem)
    ex = existing_of(problem, options)
    released: dict[str, str] = {}
    chosen = {j.case_id: j for j in greedy_journeys(problem, options, ex, released)}
    return build_plan(problem, options, ex, chosen, released, t0, False)
