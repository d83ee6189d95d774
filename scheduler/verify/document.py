"""Document-level checks (rule "plan"): each case once, attendance rows, derived times, status."""

from __future__ import annotations

from collections import Counter

from scheduler.domain import Meeting
from scheduler.verify.pinned import PIN_RELEASED, pinned_existing, released_cases
from scheduler.verify.plan_context import Context, attending
from scheduler.verify.rules import same_arrangement
from scheduler.verify.session_document import (
    check_session_rows,
    check_session_status,
    check_session_warnings,
)
from scheduler.verify.violation import Violation


def _plan(case: str | None, message: str) -> Violation:
    return Violation("plan", case, message)


def check_cases_once(ctx: Context) -> list[Violation]:
    out = []
    known = ctx.problem.case_by_id
    seen = Counter([m.case for m in ctx.plan.meetings] + [u.case for u in ctx.plan.unscheduled])
    # Journeys: a case without a conference is scheduled by its sessions (once).
    in_meetings = {m.case for m in ctx.plan.meetings}
    for c in {s.case for s in ctx.plan.sessions}:
        case = known.get(c)
        if case is not None and not case.conference and c not in in_meetings:
            seen[c] += 1
    if ctx.plan.problem != ctx.problem.name:
        out.append(
            _plan(None, f"plan is for problem {ctx.plan.problem!r}, not {ctx.problem.name!r}")
        )
    for c in known:
        if seen[c] == 0:
            out.append(_plan(c, "case is neither scheduled nor in unscheduled"))
        elif seen[c] > 1:
            out.append(_plan(c, f"case appears {seen[c]} times in meetings and unscheduled"))
    for c in seen:
        if c not in known:
            out.append(_plan(c, "no such case in the problem"))
    return out


def check_cases_known_once(ctx: Context) -> list[Violation]:
    """No meeting for an unknown case, and no case twice (a case left out is not checked)."""
    known = ctx.problem.case_by_id
    seen = Counter([m.case for m in ctx.plan.meetings] + [u.case for u in ctx.plan.unscheduled])
    out = [
        _plan(c, f"case appears {n} times in meetings and unscheduled")
        for c, n in seen.items()
        if n > 1 and c in known
    ]
    return out + [_plan(c, "no such case in the problem") for c in seen if c not in known]


def check_references(ctx: Context) -> list[Violation]:
    """Venue and facilitator ids exist (the rules skip what does not)."""
    out = []
    for m in ctx.plan.meetings:
        if m.venue not in ctx.problem.venue_by_id:
            out.append(_plan(m.case, f"no such venue {m.venue}"))
        for f in m.facilitators:
            if f not in ctx.problem.facilitator_by_id:
                out.append(_plan(m.case, f"no such facilitator {f}"))
        if m.lead in m.co_facilitators:
            out.append(_plan(m.case, f"lead {m.lead} is also listed as a co-facilitator"))
    return out


def check_meeting_times(ctx: Context) -> list[Violation]:
    """End = start + duration (real minutes); start on the slot grid; on-site window."""
    out = []
    slot = ctx.problem.slot_minutes
    for m, case, _, t in ctx.checkable:
        c = case.id
        if (m.start.hour * 60 + m.start.minute) % slot:
            out.append(_plan(c, f"start {m.start:%Y-%m-%dT%H:%M} is not on the {slot}-minute grid"))
        if not ctx.clock.exists(m.start):
            out.append(
                _plan(c, f"start {m.start:%Y-%m-%dT%H:%M} is a local time that does not exist")
            )
        if ctx.clock.local(t.e) != m.end:
            out.append(
                _plan(
                    c,
                    f"end {m.end:%Y-%m-%dT%H:%M} should be {ctx.fmt(t.e)} "
                    f"(start + {case.duration_minutes} min)",
                )
            )
        site = (ctx.clock.local(t.on_site[0]), ctx.clock.local(t.on_site[1]))
        if (m.facilitators_on_site.start, m.facilitators_on_site.end) != site:
            out.append(_plan(c, f"facilitators_on_site should be {ctx.fmt_window(t.on_site)}"))
    return out


def check_attendance(ctx: Context) -> list[Violation]:
    """One row per attendee and no other; side, entrance, arrive and leave as derived."""
    out = []
    for m, case, venue, t in ctx.checkable:
        c = case.id
        expected = {p.id: side for p, side in attending(case)}
        rows = Counter(r.party for r in m.attendance)
        for pid in expected:
            if rows[pid] != 1:
                out.append(
                    _plan(c, f"{pid} has {rows[pid]} attendance rows, should have exactly 1")
                )
        for pid in rows:
            if pid not in expected:
                out.append(_plan(c, f"{pid} has an attendance row but does not attend this case"))
        named = bool(venue.entrances)
        for r in m.attendance:
            side = expected.get(r.party)
            if side is None:
                continue
            if r.side != side:
                out.append(_plan(c, f"{r.party} is on the {side} side, not {r.side}"))
            if named and r.entrance is None:
                out.append(
                    _plan(
                        c,
                        f"{r.party}'s row names no entrance; venue {venue.id} names its entrances",
                    )
                )
            elif named and r.entrance not in (venue.entrances or []):
                out.append(
                    _plan(
                        c, f"{r.party}'s entrance {r.entrance!r} is not one of venue {venue.id}'s"
                    )
                )
            elif not named and r.entrance is not None:
                out.append(
                    _plan(
                        c,
                        f"{r.party}'s row names entrance {r.entrance!r}; venue {venue.id} names none",
                    )
                )
            w = t.side_window(side)
            if (r.arrive, r.leave) != (ctx.clock.local(w[0]), ctx.clock.local(w[1])):
                out.append(
                    _plan(
                        c,
                        f"{r.party} arrives {r.arrive:%Y-%m-%dT%H:%M} and leaves "
                        f"{r.leave:%Y-%m-%dT%H:%M}; the {side} side's window is {ctx.fmt_window(w)}",
                    )
                )
    return out


def expected_status(ctx: Context, m: Meeting) -> str:
    """pinned: a pin kept unchanged; confirmed: a confirmed (or released) meeting kept at the
    same start and venue; proposed otherwise."""
    before = next((e for e in ctx.problem.existing if e.case == m.case), None)
    if before is None:
        return "proposed"
    released = m.case in released_cases(ctx.plan)
    if before.status == "pinned" and not released and same_arrangement(before, m):
        return "pinned"
    if (
        (before.status == "confirmed" or released)
        and before.start == m.start
        and before.venue == m.venue
    ):
        return "confirmed"
    return "proposed"


def check_status(ctx: Context) -> list[Violation]:
    out = []
    for m in ctx.plan.meetings:
        want = expected_status(ctx, m)
        if m.status != want:
            out.append(_plan(m.case, f"status is {m.status}, should be {want}"))
    return out


def check_warnings(ctx: Context) -> list[Violation]:
    out = []
    pins = pinned_existing(ctx)
    seen: Counter[tuple[str, str, str | None]] = Counter()
    for w in ctx.plan.warnings:
        seen[(w.code, w.case, w.session)] += 1
        if not w.code.strip() or not w.message.strip():
            out.append(_plan(w.case, "warning with an empty code or message"))
        if w.case not in ctx.problem.case_by_id:
            out.append(_plan(w.case, f"warning {w.code} names no case of the problem"))
        elif w.code == PIN_RELEASED and w.session is None and w.case not in pins:
            out.append(_plan(w.case, f"{PIN_RELEASED} warning, but the case had no pinned meeting"))
    for (code, c, sid), n in seen.items():
        if n > 1 and code == PIN_RELEASED and sid is None:
            out.append(_plan(c, f"{n} {PIN_RELEASED} warnings for one case"))
    return out


def check_solver_bound(ctx: Context) -> list[Violation]:
    """`solver.bound` is a bound on the plan's own objective, and equals it when OPTIMAL.

    Spec: the bound is, per level, the best value reachable with the earlier levels at
    the values found; so it is never worse than the plan (disruption and soft cost are
    minimised, scheduled priority maximised), and OPTIMAL ("every level proven
    optimal") leaves no gap at any level.
    """
    got, bound, status = ctx.plan.objective, ctx.plan.solver.bound, ctx.plan.solver.status
    out = []
    if bound.disruption > got.disruption:
        out.append(
            _plan(
                None,
                f"bound disruption {bound.disruption} is worse than the plan's {got.disruption}",
            )
        )
    if bound.scheduled_priority < got.scheduled_priority:
        out.append(
            _plan(
                None,
                f"bound scheduled priority {bound.scheduled_priority} is worse than the plan's "
                f"{got.scheduled_priority}",
            )
        )
    if bound.soft_cost > got.soft_cost:
        out.append(
            _plan(
                None, f"bound soft cost {bound.soft_cost} is worse than the plan's {got.soft_cost}"
            )
        )
    if status == "OPTIMAL" and bound != got:
        out.append(
            _plan(None, "solver.status is OPTIMAL, but solver.bound differs from the objective")
        )
    return out


DOCUMENT_CHECKS = (
    check_cases_once,
    check_references,
    check_meeting_times,
    check_attendance,
    check_status,
    check_warnings,
    check_solver_bound,
    check_session_rows,
    check_session_status,
    check_session_warnings,
)
