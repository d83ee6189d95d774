"""Keep a re-planned meeting's details as they were when changing them gains nothing.

The objective charges nothing for swapping lead and co roles or changing a room, a
waiting room or an entrance, so a solver may change them freely; but every such change
sends the people concerned an update. Choice where the spec is silent: for a meeting
kept at the same start and venue with the same facilitators, the old details come back
whenever the plan stays valid (`scheduler.verify`) and its objective is no worse.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scheduler.domain import Meeting, Objective, Plan, Problem

MAX_SINGLE_TRIALS = 200  # each trial verifies the whole plan; beyond this, keep the solver's


def _details(m: Meeting) -> dict[str, Any]:
    doc = m.to_doc()
    doc.pop("status", None)
    doc["co_facilitators"] = sorted(doc.get("co_facilitators", []))
    doc["attendance"] = sorted(doc["attendance"], key=lambda a: a["party"])
    return doc


def _rank(o: Objective) -> tuple[int, int, int]:
    return (o.disruption, -o.scheduled_priority, o.soft_cost)


def stabilise(problem: Problem, before: Sequence[Meeting], plan: Plan) -> tuple[Plan, list[str]]:
    """`plan` with old details restored where harmless; and the cases restored."""
    from scheduler.verify import compute_objective, verify

    old = {m.case: m for m in before}
    candidates = [
        i
        for i, m in enumerate(plan.meetings)
        if (o := old.get(m.case)) is not None
        and (o.start, o.venue) == (m.start, m.venue)
        and set(o.facilitators) == set(m.facilitators)
        and _details(o) != _details(m)
    ]
    if not candidates:
        return plan, []

    def attempt(indices: list[int]) -> Plan | None:
        doc = plan.to_doc()
        for i in indices:
            m = plan.meetings[i]
            doc["meetings"][i] = {**old[m.case].to_doc(), "status": m.status}
        trial = Plan.model_validate(doc)
        value = compute_objective(problem, trial)
        if _rank(value) > _rank(plan.objective):
            return None
        # A restored meeting is as it was: its MEETING_CHANGED warning no longer holds.
        restored = {plan.meetings[i].case for i in indices}
        warnings = [
            w for w in trial.warnings if not (w.code == "MEETING_CHANGED" and w.case in restored)
        ]
        trial = trial.model_copy(update={"objective": value, "warnings": warnings})
        return None if verify(problem, trial) else trial

    every = attempt(candidates)
    if every is not None:
        return every, [plan.meetings[i].case for i in candidates]
    kept: list[int] = []
    current = plan
    for i in candidates[:MAX_SINGLE_TRIALS]:
        trial = attempt([*kept, i])
        if trial is not None:
            kept.append(i)
            current = trial
    return current, [plan.meetings[i].case for i in kept]
