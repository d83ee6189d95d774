"""S8: pinned sessions stay as they were, unless released with `PIN_RELEASED` for a real reason.

A pinned session is released justly when, under today's data, it breaks a session rule
on its own or together with the other pins (pinned sessions and pinned conferences
only: a proposal is movable and never justifies a release), or when its length
changed (as for conferences, see `pinned._stale_length`).
"""

from __future__ import annotations

from scheduler.domain import Plan, PlanSession
from scheduler.verify.plan_context import Context
from scheduler.verify.violation import Violation

PIN_RELEASED = "PIN_RELEASED"


def released_sessions(plan: Plan) -> set[tuple[str, str]]:
    """(case, session) of every PIN_RELEASED warning naming a session."""
    return {(w.case, w.session) for w in plan.warnings if w.code == PIN_RELEASED and w.session}


def pinned_sessions(ctx: Context) -> dict[str, PlanSession]:
    return {s.session: s for s in ctx.problem.existing_sessions if s.status == "pinned"}


def same_session_arrangement(a: PlanSession, b: PlanSession) -> bool:
    """S8's "unchanged": start, mode, venue, room, lead and set of facilitators."""
    return (
        a.start == b.start
        and a.mode == b.mode
        and a.venue == b.venue
        and a.room == b.room
        and a.lead == b.lead
        and set(a.facilitators) == set(b.facilitators)
    )


def probe_violations(ctx: Context) -> list[Violation]:
    """Every session-rule violation among the pins alone (pinned conferences and sessions)."""
    from scheduler.verify.session_rules_list import PROBE_RULES

    problem = ctx.problem
    meetings = [
        m for m in problem.existing if m.status == "pinned" and m.case in problem.case_by_id
    ]
    sessions = [
        s
        for s in pinned_sessions(ctx).values()
        if s.case in problem.case_by_id and problem.case_by_id[s.case].session(s.session)
    ]
    probe = Context(
        problem, ctx.plan.model_copy(update={"meetings": meetings, "sessions": sessions})
    )
    return [v for rule in PROBE_RULES for v in rule(probe)]


def broken_pinned_sessions(ctx: Context) -> dict[str, list[str]]:
    """Pinned session id → why it breaks a rule today (empty dict: none does)."""
    out: dict[str, list[str]] = {}
    for sid, pin in pinned_sessions(ctx).items():
        case = ctx.problem.case_by_id.get(pin.case)
        spec = case.session(sid) if case is not None else None
        clock = ctx.clock
        if spec is not None and clock.exists(pin.start) and clock.exists(pin.end):
            length = clock.instant(pin.end, "end") - clock.instant(pin.start, "start")
            if length != spec.duration_minutes:
                out.setdefault(sid, []).append(
                    f"pinned session lasts {length} min but it now lasts {spec.duration_minutes} min"
                )
    for v in probe_violations(ctx):
        for kind, ident in v.engagements:
            if kind == "session":
                out.setdefault(ident, []).append(str(v))
    return out


def s8_pinned(ctx: Context) -> list[Violation]:
    """Each pinned session kept unchanged, or released with a PIN_RELEASED warning naming it
    and a real reason."""
    pins = pinned_sessions(ctx)
    if not pins:
        return []
    out = []
    released = released_sessions(ctx.plan)
    planned = {s.session: s for s in ctx.plan.sessions}
    broken = broken_pinned_sessions(ctx)
    for sid, pin in pins.items():
        kept = planned.get(sid)
        key = (("session", sid),)
        if (pin.case, sid) in released:
            if sid not in broken:
                out.append(
                    Violation(
                        "S8",
                        pin.case,
                        f"pinned session {sid} at {pin.start:%Y-%m-%dT%H:%M} is released, but it "
                        "breaks no rule under today's data",
                        engagements=key,
                    )
                )
        elif kept is None or not same_session_arrangement(pin, kept):
            what = (
                "dropped"
                if kept is None
                else (
                    f"changed (was {pin.mode} {pin.start:%Y-%m-%dT%H:%M} with {', '.join(pin.facilitators)}, "
                    f"now {kept.mode} {kept.start:%Y-%m-%dT%H:%M} with {', '.join(kept.facilitators)}, "
                    "or its venue or room changed)"
                )
            )
            out.append(
                Violation(
                    "S8",
                    pin.case,
                    f"pinned session {sid} {what} without a {PIN_RELEASED} warning naming it",
                    engagements=key,
                )
            )
    return out


def conference_pins_broken_by_sessions(ctx: Context) -> dict[str, list[Violation]]:
    """Pinned conferences that clash with a pinned session (case id → violations)."""
    if not ctx.problem.existing_sessions:
        return {}
    out: dict[str, list[Violation]] = {}
    for v in probe_violations(ctx):
        for kind, ident in v.engagements:
            if kind == "conference":
                out.setdefault(ident, []).append(v)
    return out
