"""Rule 10: pinned meetings stay as they were, unless released for a real reason."""

from __future__ import annotations

from scheduler.domain import Meeting, Plan
from scheduler.verify.plan_context import Context
from scheduler.verify.rules import hard_rule_violations, same_arrangement
from scheduler.verify.violation import Violation

PIN_RELEASED = "PIN_RELEASED"


def released_cases(plan: Plan) -> set[str]:
    return {w.case for w in plan.warnings if w.code == PIN_RELEASED and w.session is None}


def pinned_existing(ctx: Context) -> dict[str, Meeting]:
    return {m.case: m for m in ctx.problem.existing if m.status == "pinned"}


def broken_pins(ctx: Context) -> dict[str, list[Violation]]:
    """Pinned cases whose meeting, as pinned, breaks a hard rule under today's data.

    The pinned meetings are checked together (rules 1–9), because two pins can only
    clash with each other: proposals are movable and never justify a release.
    """
    pins = [m for m in pinned_existing(ctx).values() if m.case in ctx.problem.case_by_id]
    # Only `meetings` is read by the rules; the rest of the probe plan is never looked at.
    probe = Context(ctx.problem, ctx.plan.model_copy(update={"meetings": pins}))
    out: dict[str, list[Violation]] = {}
    for m in pins:
        why = _stale_length(ctx, m)
        if why:
            out.setdefault(m.case, []).append(Violation(10, m.case, why))
    for v in hard_rule_violations(probe):
        for c in v.cases:
            out.setdefault(c, []).append(v)
    # Journeys: a pinned conference may clash with a pinned session (S2–S7).
    from scheduler.verify.session_pins import conference_pins_broken_by_sessions

    for c, vs in conference_pins_broken_by_sessions(ctx).items():
        out.setdefault(c, []).extend(vs)
    return out


def rule_10_pinned(ctx: Context) -> list[Violation]:
    """Each pin kept unchanged; or released with a PIN_RELEASED warning and a real reason."""
    out = []
    pins = pinned_existing(ctx)
    released = released_cases(ctx.plan)
    planned = {m.case: m for m in ctx.plan.meetings}
    broken = broken_pins(ctx) if pins else {}
    for c, pin in pins.items():
        kept = planned.get(c)
        unchanged = kept is not None and same_arrangement(pin, kept)
        if c in released:
            if c not in broken:
                out.append(
                    Violation(
                        10,
                        c,
                        f"pinned meeting at {pin.venue} {pin.start:%Y-%m-%dT%H:%M} is released, "
                        "but it breaks no hard rule under today's data",
                    )
                )
        elif not unchanged:
            what = (
                "dropped"
                if kept is None
                else (
                    f"changed (was {pin.start:%Y-%m-%dT%H:%M} at {pin.venue}/{pin.room} led by {pin.lead}, "
                    f"now {kept.start:%Y-%m-%dT%H:%M} at {kept.venue}/{kept.room} led by {kept.lead}, or its "
                    "co-facilitators, waiting rooms or entrances changed)"
                )
            )
            out.append(Violation(10, c, f"pinned meeting {what} without a {PIN_RELEASED} warning"))
    return out


def _stale_length(ctx: Context, pin: Meeting) -> str | None:
    """Why a pin can no longer be kept as pinned because the case's length changed.

    Choice where the spec is silent: a pin whose ``end`` is not start + today's
    ``duration_minutes`` (the coordinator changed the length after pinning) cannot
    appear unchanged, so releasing it is justified, as the engine does (it then keeps
    or moves the meeting as a confirmed one). Keeping it at its start with the new
    length is accepted too: rule 10's "unchanged" does not include the end.
    """
    case = ctx.problem.case_by_id[pin.case]
    clock = ctx.clock
    if not (clock.exists(pin.start) and clock.exists(pin.end)):
        return None  # a time that does not exist is reported by the rules themselves
    s, e = clock.instant(pin.start, "start"), clock.instant(pin.end, "end")
    if e - s == case.duration_minutes:
        return None
    return f"pinned meeting lasts {e - s} min but the case now lasts {case.duration_minutes} min"
