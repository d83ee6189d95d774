"""Plans and their meetings in the database.

A plan is saved as a ``draft``; confirming one makes it the ``confirmed`` plan and the
previously confirmed plan ``superseded`` (there is at most one confirmed plan). The
plan document is stored as given, its meetings as rows of their own (each with its
exact document), so ``plan_document`` gives back exactly what ``save_plan`` received.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.domain import Meeting, Plan, PlanSession
from scheduler.formats import load_plan
from scheduler.storage.journeys import plan_session_docs, plan_session_rows, sessions_as_existing
from scheduler.storage.models import MeetingRow, PlanRow

PLAN_STATUSES = ("draft", "confirmed", "superseded")


class PlanNotFoundError(LookupError):
    def __init__(self, plan_id: int) -> None:
        self.plan_id = plan_id
        super().__init__(f"there is no plan {plan_id}")


def _utc(when: dt.datetime) -> dt.datetime:
    if when.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (UTC)")
    return when.astimezone(dt.UTC)


def save_plan(
    session: Session, plan: Plan, *, kind: str, created_at: dt.datetime, status: str = "draft"
) -> int:
    """Store `plan` (made by `kind`: 'allocate', 'replan', 'import', ...); returns its id."""
    if status not in PLAN_STATUSES:
        raise ValueError(f"plan status must be one of {', '.join(PLAN_STATUSES)}, not {status!r}")
    doc = plan.to_doc()
    if "meetings" in doc:
        doc["meetings"] = []  # the meetings are rows; the empty list keeps the key present
    if "sessions" in doc:
        doc["sessions"] = []  # journeys: so are the sessions
    row = PlanRow(
        created_at=_utc(created_at),
        kind=kind,
        status=status,
        problem_name=plan.problem,
        disruption=plan.objective.disruption,
        scheduled_priority=plan.objective.scheduled_priority,
        soft_cost=plan.objective.soft_cost,
        solver_status=plan.solver.status,
        wall_seconds=plan.solver.wall_seconds,
        confirmed_at=_utc(created_at) if status == "confirmed" else None,
        doc=doc,
    )
    row.meetings = [_meeting_row(i, m) for i, m in enumerate(plan.meetings)]
    if status == "confirmed":
        _supersede_confirmed(session)
    session.add(row)
    session.flush()
    for s in plan_session_rows(plan.sessions):
        s.plan_id = row.id
        session.add(s)
    session.flush()
    return row.id


def _meeting_row(position: int, m: Meeting) -> MeetingRow:
    doc = m.to_doc()
    return MeetingRow(
        position=position,
        case_id=m.case,
        status=m.status,
        start=doc["start"],
        end=doc["end"],
        venue=m.venue,
        room=m.room,
        lead=m.lead,
        doc=doc,
    )


def get_plan(session: Session, plan_id: int) -> PlanRow | None:
    return session.get(PlanRow, plan_id)


def get_plan_or_raise(session: Session, plan_id: int) -> PlanRow:
    row = session.get(PlanRow, plan_id)
    if row is None:
        raise PlanNotFoundError(plan_id)
    return row


def latest_plan(session: Session, status: str | None = None) -> PlanRow | None:
    """The newest plan (of `status`, if given), by creation time then id."""
    query = select(PlanRow).order_by(PlanRow.created_at.desc(), PlanRow.id.desc()).limit(1)
    if status is not None:
        query = query.where(PlanRow.status == status)
    return session.scalars(query).first()


def current_plan(session: Session) -> PlanRow | None:
    """The plan in force: the confirmed plan, else the latest draft."""
    return latest_plan(session, "confirmed") or latest_plan(session, "draft")


def plan_document(session: Session, plan_id: int) -> Plan:
    row = get_plan_or_raise(session, plan_id)
    doc: dict[str, Any] = dict(row.doc)
    if row.meetings or "meetings" in doc:
        doc["meetings"] = [m.doc for m in row.meetings]
    sessions = plan_session_docs(session, plan_id)
    if sessions or "sessions" in doc:
        doc["sessions"] = sessions
    return load_plan(doc)


def confirm_plan(session: Session, plan_id: int, *, at: dt.datetime) -> PlanRow:
    """Make `plan_id` the confirmed plan; the one confirmed before is superseded."""
    row = get_plan_or_raise(session, plan_id)
    if row.status != "confirmed":
        _supersede_confirmed(session)
        row.status = "confirmed"
        row.confirmed_at = _utc(at)
        session.flush()
    return row


def _supersede_confirmed(session: Session) -> None:
    for old in session.scalars(select(PlanRow).where(PlanRow.status == "confirmed")):
        old.status = "superseded"
    session.flush()


def confirmed_meetings(session: Session) -> list[Meeting]:
    """The confirmed plan's meetings, as the next re-plan's ``existing``.

    ``existing`` allows only ``confirmed`` and ``pinned``: a meeting the plan proposed is
    confirmed now that the plan is, and a pinned one stays pinned.
    """
    row = latest_plan(session, "confirmed")
    if row is None:
        return []
    out = []
    for m in row.meetings:
        meeting = Meeting.model_validate(m.doc)
        if meeting.status == "proposed":
            meeting = Meeting.model_validate({**m.doc, "status": "confirmed"})
        out.append(meeting)
    return out


def confirmed_sessions(session: Session) -> list[PlanSession]:
    """The confirmed plan's sessions, as the next re-plan's ``existing_sessions``."""
    row = latest_plan(session, "confirmed")
    if row is None:
        return []
    return sessions_as_existing(plan_session_docs(session, row.id))
