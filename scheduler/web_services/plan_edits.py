"""Changes a coordinator makes to plans by hand: pin, unpin, place a suggested meeting.

Choices where the spec is silent:

- Only meetings of the confirmed plan can be pinned (pins are what the next re-plan must
  keep, and it reads the confirmed plan's meetings as ``existing``). Unpinning makes the
  meeting ``confirmed`` again: it still counts as agreed, it just may move.
- Placing a suggestion never edits a stored plan: it saves a new draft (kind ``place``)
  equal to the plan in force plus the placed meeting, checked by the independent
  verifier; the coordinator then confirms it like any other draft. Its objective is
  recomputed, and its solver block says what the solver had said for the plan it came
  from (the placement itself was not optimised).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from scheduler.domain import Meeting, Plan, PlanSession, Problem
from scheduler.storage.models import PlanRow
from scheduler.storage.plans import current_plan, latest_plan, plan_document, save_plan
from scheduler.storage.problems import export_problem


class EditError(ValueError):
    """The change cannot be made (message is safe to show); maps to 409."""


def set_pinned(session: Session, *, plan_id: int, case_id: str, pinned: bool) -> PlanRow:
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise LookupError(f"there is no plan {plan_id}")
    if row.status != "confirmed":
        raise EditError(
            f"plan {plan_id} is {row.status}: only meetings of the confirmed plan can be pinned"
        )
    meeting = next((m for m in row.meetings if m.case_id == case_id), None)
    if meeting is None:
        raise LookupError(f"plan {plan_id} has no meeting for case {case_id}")
    status = "pinned" if pinned else "confirmed"
    meeting.status = status
    meeting.doc = {**meeting.doc, "status": status}  # a new dict, so the JSON change is saved
    session.flush()
    return row


def base_plan(session: Session) -> tuple[Problem, Plan | None, int | None]:
    """The problem and the plan in force (confirmed, else the latest draft)."""
    problem = export_problem(session)
    row = current_plan(session)
    if row is None:
        return problem, None, None
    return problem, plan_document(session, row.id), row.id


def place(
    session: Session,
    *,
    case_id: str,
    meeting: Meeting | None,
    now: dt.datetime,
    sessions: Sequence[PlanSession] = (),
) -> int:
    """Save a new draft: the plan in force with `meeting` (and, with journeys, the
    case's `sessions`) placed for `case_id`; its id. Every hard rule (1–10, S1–S8) and
    the document checks of this case must hold, else `EditError` and nothing is saved."""
    from scheduler.verify import compute_objective, verify

    problem, plan, _ = base_plan(session)
    if case_id not in problem.case_by_id:
        raise LookupError(f"there is no case {case_id}")
    if plan is None:
        raise EditError("there is no plan yet: run an allocation first")
    if any(m.case == case_id for m in plan.meetings) or any(
        s.case == case_id for s in plan.sessions
    ):
        raise EditError(f"case {case_id} is already scheduled in the plan in force")
    if meeting is None and not sessions:
        raise EditError("give the meeting or the sessions to place")
    for what in [meeting, *sessions]:
        if what is not None and what.case != case_id:
            raise EditError(f"the suggestion is for case {what.case}, not {case_id}")
    doc: dict[str, Any] = plan.to_doc()
    if meeting is not None:
        doc["meetings"] = [*doc.get("meetings", []), {**meeting.to_doc(), "status": "proposed"}]
    if sessions:
        rows = [{**r.to_doc(), "status": "proposed"} for r in sessions]
        doc["sessions"] = [*doc.get("sessions", []), *rows]
    doc["unscheduled"] = [u for u in doc.get("unscheduled", []) if u["case"] != case_id]
    try:
        candidate = Plan.model_validate(doc)
    except ValueError as exc:
        raise EditError(f"the placement is not a valid plan: {exc}") from None
    # Hard rules, and this case's document checks (S1's coverage among them); the
    # objective is recomputed and the other cases' reasons are unchanged here.
    broken = [v for v in verify(problem, candidate) if _blocks(v.rule, v.case, case_id)]
    if broken:
        raise EditError("the placement breaks the rules: " + "; ".join(str(v) for v in broken[:3]))
    doc["objective"] = compute_objective(problem, candidate).to_doc()
    return save_plan(session, Plan.model_validate(doc), kind="place", created_at=now)


def _blocks(rule: int | str, case: str | None, case_id: str) -> bool:
    if isinstance(rule, int) or rule.startswith("S"):
        return True
    return rule == "plan" and case == case_id


def latest_draft_id(session: Session) -> int | None:
    row = latest_plan(session, "draft")
    return row.id if row else None
