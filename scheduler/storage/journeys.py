"""Case journeys in the database: a case's sessions, and the sessions of a plan, as rows.

As for parties, a case is one record: importing it sets its sessions to exactly those
listed, each row keeping its exact session document (unset keys stay unset); the case
document keeps an empty `sessions` list when the key was given, so an export gives back
exactly the keys imported. `existing_sessions` is one of the problem's own keys and is
stored with them (`ProblemMeta.doc`). A party's `address` stays in the party's stored
document: erasure replaces that document, so it goes with the rest (see
`scheduler.web_services.erasure`).

Choice where the spec is silent: a partial import (``replace=False``) may not give a
session an id that a case left alone in the database already uses; it is refused, as
the whole document would be (session ids are unique across the problem).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from scheduler.domain import PlanSession, Problem
from scheduler.formats import DocumentError, Issue
from scheduler.storage.models import CaseSessionRow, PlanSessionRow


def case_doc_without_sessions(doc: dict[str, Any]) -> dict[str, Any]:
    if "sessions" in doc:
        doc["sessions"] = []
    return doc


def put_sessions(session: Session, problem: Problem, *, replace: bool) -> None:
    """Upsert every case's sessions; a listed case keeps exactly the sessions it lists.

    Sessions of cases the document does not list are left to their case (kept, or
    deleted with it when ``replace``).
    """
    rows = {r.id: r for r in session.scalars(select(CaseSessionRow))}
    listed = {c.id for c in problem.cases}
    clashes = [
        Issue(
            f"cases[{i}].sessions[{j}].id",
            f"session id {s.id!r} is used by case {rows[s.id].case_id!r} in the database",
        )
        for i, c in enumerate(problem.cases)
        for j, s in enumerate(c.sessions)
        if s.id in rows and rows[s.id].case_id not in listed and not replace
    ]
    if clashes:
        raise DocumentError(clashes, "problem")
    for case in problem.cases:
        for position, s in enumerate(case.sessions):
            values = {
                "case_id": case.id,
                "position": position,
                "party_id": s.party,
                "doc": s.to_doc(),
            }
            row = rows.pop(s.id, None)
            if row is None:
                session.add(CaseSessionRow(id=s.id, **values))
            else:
                for key, value in values.items():
                    if getattr(row, key) != value:
                        setattr(row, key, value)
    for row in rows.values():
        if row.case_id in listed:
            session.delete(row)  # a listed case no longer lists it
    session.flush()


def attach_sessions(session: Session, case_docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Put each case's session rows back into its document (where the key was given)."""
    by_case: dict[str, list[dict[str, Any]]] = {}
    for row in session.scalars(
        select(CaseSessionRow).order_by(CaseSessionRow.case_id, CaseSessionRow.position)
    ):
        by_case.setdefault(row.case_id, []).append(row.doc)
    for doc in case_docs:
        held = by_case.get(doc["id"], [])
        if held or "sessions" in doc:
            doc["sessions"] = held
    return case_docs


# --------------------------------------------------------------------------- plans


def plan_session_rows(plan_sessions: list[PlanSession]) -> list[PlanSessionRow]:
    out = []
    for position, s in enumerate(plan_sessions):
        doc = s.to_doc()
        out.append(
            PlanSessionRow(
                position=position,
                case_id=s.case,
                session_id=s.session,
                status=s.status,
                mode=s.mode,
                start=doc["start"],
                end=doc["end"],
                venue=s.venue,
                room=s.room,
                lead=s.lead,
                doc=doc,
            )
        )
    return out


def plan_session_docs(session: Session, plan_id: int) -> list[dict[str, Any]]:
    query = select(PlanSessionRow).where(PlanSessionRow.plan_id == plan_id)
    return [r.doc for r in session.scalars(query.order_by(PlanSessionRow.position))]


def sessions_as_existing(docs: list[dict[str, Any]]) -> list[PlanSession]:
    """A confirmed plan's sessions as the next re-plan's `existing_sessions`: a proposed
    session is confirmed now that the plan is, and a pinned one stays pinned."""
    out = []
    for doc in docs:
        row = PlanSession.model_validate(doc)
        if row.status == "proposed":
            row = PlanSession.model_validate({**doc, "status": "confirmed"})
        out.append(row)
    return out
