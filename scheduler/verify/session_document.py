"""Session rows of a plan as a document (rule "plan"), and S1's whole-case coverage.

Rows: the case and session exist and belong together, each session appears once, the
facilitators and (for `venue`) the venue and room exist, `venue`/`room` only for
`venue`, `end` and `on_site` derived from the start and today's length, `status` as
the spec says. Coverage: a scheduled case has its conference (if it has one) and every
session; never a part of it.
"""

from __future__ import annotations

from collections import Counter

from scheduler.domain import PlanSession
from scheduler.verify.plan_context import Context
from scheduler.verify.session_pins import (
    PIN_RELEASED,
    pinned_sessions,
    released_sessions,
    same_session_arrangement,
)
from scheduler.verify.violation import Violation


def _plan(case: str | None, message: str, sid: str | None = None) -> Violation:
    return Violation("plan", case, message, engagements=(("session", sid),) if sid else ())


def check_session_rows(ctx: Context) -> list[Violation]:
    out = []
    p = ctx.problem
    counts = Counter(row.session for row in ctx.plan.sessions)
    for sid, n in counts.items():
        if n > 1:
            owner = p.case_of_session.get(sid)
            out.append(_plan(owner.id if owner else None, f"session {sid} appears {n} times", sid))
    for row in ctx.plan.sessions:
        c, sid = row.case, row.session
        case = p.case_by_id.get(c)
        if case is None:
            out.append(_plan(c, f"session {sid} names no case of the problem"))
        elif case.session(sid) is None:
            owner = p.case_of_session.get(sid)
            where = f" (it is a session of {owner.id})" if owner else ""
            out.append(_plan(c, f"case {c} has no session {sid}{where}"))
        for f in row.facilitators:
            if f not in p.facilitator_by_id:
                out.append(_plan(c, f"session {sid}: no such facilitator {f}", sid))
        if len(set(row.facilitators)) != len(row.facilitators):
            out.append(_plan(c, f"session {sid} names a facilitator twice", sid))
        if row.mode == "venue":
            if row.venue is None or row.room is None:
                out.append(_plan(c, f"session {sid} at a venue names no venue or room", sid))
            elif row.venue not in p.venue_by_id:
                out.append(_plan(c, f"session {sid}: no such venue {row.venue}", sid))
        elif row.venue is not None or row.room is not None:
            out.append(_plan(c, f"session {sid} by {row.mode} names a venue or room", sid))
        if not ctx.clock.exists(row.start):
            out.append(
                _plan(
                    c,
                    f"session {sid} starts {row.start:%Y-%m-%dT%H:%M}, a local time that does not exist",
                    sid,
                )
            )
    for u in ctx.session_uses:
        c, sid = u.case.id, u.spec.id
        if ctx.clock.local(u.e) != u.row.end:
            out.append(
                _plan(
                    c,
                    f"session {sid} ends {u.row.end:%Y-%m-%dT%H:%M}, should be {ctx.fmt(u.e)} "
                    f"(start + {u.spec.duration_minutes} min)",
                    sid,
                )
            )
        site = (ctx.clock.local(u.on_site[0]), ctx.clock.local(u.on_site[1]))
        if (u.row.on_site.start, u.row.on_site.end) != site:
            out.append(
                _plan(c, f"session {sid}: on_site should be {ctx.fmt_window(u.on_site)}", sid)
            )
    return out


def expected_session_status(ctx: Context, row: PlanSession) -> str:
    """pinned: a pin kept unchanged; confirmed: a confirmed (or released) session kept at the
    same start, mode and venue; proposed otherwise."""
    before = next((s for s in ctx.problem.existing_sessions if s.session == row.session), None)
    if before is None:
        return "proposed"
    released = (row.case, row.session) in released_sessions(ctx.plan)
    if before.status == "pinned" and not released and same_session_arrangement(before, row):
        return "pinned"
    if (before.status == "confirmed" or released) and (before.start, before.mode, before.venue) == (
        row.start,
        row.mode,
        row.venue,
    ):
        return "confirmed"
    return "proposed"


def check_session_status(ctx: Context) -> list[Violation]:
    out = []
    for row in ctx.plan.sessions:
        want = expected_session_status(ctx, row)
        if row.status != want:
            out.append(
                _plan(
                    row.case,
                    f"session {row.session}: status is {row.status}, should be {want}",
                    row.session,
                )
            )
    return out


def check_session_warnings(ctx: Context) -> list[Violation]:
    """A PIN_RELEASED warning naming a session: that session was pinned, once per session;
    `session` is given only on PIN_RELEASED warnings."""
    out = []
    pins = pinned_sessions(ctx)
    seen: Counter[tuple[str, str]] = Counter()
    for w in ctx.plan.warnings:
        if w.session is None:
            continue
        if w.code != PIN_RELEASED:
            out.append(
                _plan(
                    w.case, f"warning {w.code} names session {w.session}; only {PIN_RELEASED} does"
                )
            )
            continue
        seen[(w.case, w.session)] += 1
        pin = pins.get(w.session)
        if pin is None or pin.case != w.case:
            out.append(
                _plan(
                    w.case,
                    f"{PIN_RELEASED} warning for session {w.session}, which was not pinned",
                    w.session,
                )
            )
    for (c, sid), n in seen.items():
        if n > 1:
            out.append(_plan(c, f"{n} {PIN_RELEASED} warnings for session {sid}", sid))
    return out


def s1_whole_cases(ctx: Context) -> list[Violation]:
    """A case is scheduled whole (its conference if it has one, and every session) or not at all."""
    out = []
    p = ctx.problem
    in_meetings = {m.case for m in ctx.plan.meetings}
    in_unscheduled = {u.case for u in ctx.plan.unscheduled}
    rows: dict[str, set[str]] = {}
    for row in ctx.plan.sessions:
        rows.setdefault(row.case, set()).add(row.session)
    for case in p.cases:
        c = case.id
        held = rows.get(c, set())
        if not case.conference and c in in_meetings:
            out.append(
                Violation(
                    "S1", c, "the case has no conference (conference is false), but has a meeting"
                )
            )
        scheduled = c in in_meetings or bool(held)
        if not scheduled:
            continue
        if c in in_unscheduled:
            if held and case.conference and c not in in_meetings:
                out.append(
                    Violation(
                        "S1",
                        c,
                        f"unscheduled, but its session(s) {', '.join(sorted(held))} are in the plan",
                        engagements=tuple(("session", s) for s in sorted(held)),
                    )
                )
            continue  # otherwise listed twice: the document checks say so
        missing = [s.id for s in case.sessions if s.id not in held]
        if case.conference and c not in in_meetings:
            out.append(
                Violation(
                    "S1",
                    c,
                    "scheduled in part: its sessions are in the plan but its conference is not",
                    engagements=tuple(("session", s) for s in sorted(held)),
                )
            )
        if missing:
            out.append(
                Violation(
                    "S1",
                    c,
                    f"scheduled in part: session(s) {', '.join(missing)} are missing from the plan",
                )
            )
    return out
