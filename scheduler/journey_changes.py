"""How a draft's sessions differ from the confirmed plan's, in plain words (pure).

For the draft review ("check your answers" before confirming): each session that is
new, dropped, moved, held another way or elsewhere, or given other facilitators, with
what it was and what it will be. People and places by name; a home visit is "a home
visit", never an address. Sessions that did not change are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from scheduler.domain import PlanSession, Problem
from scheduler.journey_view import MODE_WORDS, session_place


@dataclass(frozen=True)
class SessionChange:
    case_id: str
    reference: str
    session_id: str
    change: str  # "new" | "dropped" | "changed"
    details: list[str] = field(default_factory=list)  # "Time: was …; now …"


def _when(row: PlanSession) -> str:
    return f"{row.start.strftime('%a %d %b %Y')} {row.start:%H:%M}–{row.end:%H:%M}"


def _facts(problem: Problem, row: PlanSession) -> dict[str, str]:
    case = problem.case_by_id.get(row.case)
    names = [
        problem.facilitator_by_id[f].name if f in problem.facilitator_by_id else f
        for f in row.facilitators
    ]
    return {
        "Time": _when(row),
        "How": MODE_WORDS[row.mode],
        # A home visit is named as such: the review page is no place for an address.
        "Where": "the party's home" if row.mode == "home" else session_place(problem, case, row),
        "Lead": names[0],
        "With": ", ".join(names[1:]) or "nobody else",
    }


def session_changes(
    problem: Problem, confirmed: Iterable[PlanSession], draft: Iterable[PlanSession]
) -> list[SessionChange]:
    """Every session that differs between the confirmed plan and the draft, by case."""
    before = {r.session: r for r in confirmed}
    after = {r.session: r for r in draft}
    out = []
    for sid in sorted(
        before.keys() | after.keys(), key=lambda s: ((after.get(s) or before[s]).case, s)
    ):
        old, new = before.get(sid), after.get(sid)
        row = new or old
        assert row is not None
        case = problem.case_by_id.get(row.case)
        reference = case.reference if case else row.case
        if old is None:
            facts = _facts(problem, row)
            details = [f"{k}: {v}" for k, v in facts.items()]
            out.append(SessionChange(row.case, reference, sid, "new", details))
        elif new is None:
            out.append(SessionChange(row.case, reference, sid, "dropped", [f"Was: {_when(old)}"]))
        else:
            a, b = _facts(problem, old), _facts(problem, new)
            details = [f"{k}: was {a[k]}; now {b[k]}" for k in a if a[k] != b[k]]
            if details:
                out.append(SessionChange(row.case, reference, sid, "changed", details))
    return out
