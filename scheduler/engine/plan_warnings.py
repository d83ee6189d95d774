"""The plan's warnings about pins and confirmed meetings: PIN_RELEASED, MEETING_CHANGED,
MEETING_DROPPED (people and places by id here; the reports name them)."""

from __future__ import annotations

from scheduler.domain import Meeting, Problem, Warning_


def change_warnings(
    problem: Problem, meetings: list[Meeting], released: dict[str, str]
) -> list[Warning_]:
    """PIN_RELEASED, and for each confirmed meeting what changed (MEETING_CHANGED / _DROPPED)."""
    out = [
        Warning_(code="PIN_RELEASED", case=c, message=why) for c, why in sorted(released.items())
    ]
    new = {m.case: m for m in meetings}
    for old in problem.existing:
        if old.status != "confirmed" and old.case not in released:
            continue
        m = new.get(old.case)
        if m is None:
            out.append(Warning_(code="MEETING_DROPPED", case=old.case, message="meeting dropped"))
            continue
        parts = []
        if m.start != old.start:
            parts.append(f"start {old.start:%Y-%m-%dT%H:%M} → {m.start:%Y-%m-%dT%H:%M}")
        if m.venue != old.venue:
            parts.append(f"venue {old.venue} → {m.venue}")
        gone = [f for f in old.facilitators if f not in m.facilitators]
        came = [f for f in m.facilitators if f not in old.facilitators]
        for i, f in enumerate(gone):
            parts.append(
                f"facilitator {f} replaced by {came[i]}"
                if i < len(came)
                else f"facilitator {f} removed"
            )
        if m.room != old.room:
            parts.append(f"room {old.room} → {m.room}")
        if parts:
            out.append(Warning_(code="MEETING_CHANGED", case=old.case, message="; ".join(parts)))
    return out
