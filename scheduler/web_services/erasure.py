"""Erasure of a party (withdrawal) or a whole case (retention end).

What happens, in the caller's transaction:

1. The confirmed plan loses what the erased people were part of: a victim's or
   offender's meeting is dropped (the case becomes unscheduled, ``NO_CONSENT``); an
   erased supporter's attendance row is removed and the meeting kept. The result is
   saved and confirmed through the invites outbox, which queues a CANCEL for everyone
   whose event is gone (the other side too, without a reason) and an update where a
   meeting changed.
2. Personal data goes: a party keeps only its id, role, whom it supports and
   ``consent: false`` (so no plan can schedule it again); name becomes ``[erased]``;
   email and home are removed. An erased case is removed from the problem altogether
   (its parties and keep-apart pairs with it). In the invites tables: unsent
   invitations to the erased people are deleted; the stored invite state loses
   address, name and every text field at once (the CANCEL is already rendered, so
   nothing needs it); messages already sent (or refused for good) lose their address,
   text and last error.
   The one exception is a CANCEL queued in step 1 for an event the person did receive:
   their calendar must drop the appointment, so that message keeps its address and
   text until it is sent (choice: the person's interest in not keeping a stale
   appointment outweighs holding the address a little longer).
   Journeys: a home visit's facilitator invites hold the visited party's address; they
   lose it before the CANCEL is rendered (`scheduler.invites.scrub.forget_home_visits`). `scrub_delivered`
   blanks it once it has gone or failed for good: the outbox runs it for each message
   it marks sent or failed (`scheduler.invites.scrub`), whoever sends, and every later
   erasure runs it over all messages. Mail already handed to the transport
   (an SMTP server, the outbox folder's .eml files) is beyond this database.
3. The audit keeps ids, the time and the fact of erasure (written by the caller).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scheduler.domain import Plan
from scheduler.invites.content import Sender, session_key
from scheduler.invites.outbox import confirm_plan
from scheduler.invites.scrub import ERASED_NAME, forget_home_visits, scrub_delivered
from scheduler.storage.mail_models import InviteState, OutboxMessage
from scheduler.storage.models import CaseRow, KeepApartRow, PartyRow
from scheduler.storage.plans import latest_plan, plan_document, save_plan
from scheduler.storage.problems import export_problem


@dataclass
class ErasureOutcome:
    erased_parties: list[str] = field(default_factory=list)
    cancelled_meetings: list[str] = field(default_factory=list)
    deleted_messages: int = 0
    plan_id: int | None = None


def erase_party(
    session: Session, *, party_id: str, now: dt.datetime, sender: Sender
) -> ErasureOutcome:
    row = session.get(PartyRow, party_id)
    if row is None:
        raise LookupError(f"there is no party {party_id}")
    return _erase(session, party_ids=[party_id], case_id=None, now=now, sender=sender)


def erase_case(
    session: Session, *, case_id: str, now: dt.datetime, sender: Sender
) -> ErasureOutcome:
    case = session.get(CaseRow, case_id)
    if case is None:
        raise LookupError(f"there is no case {case_id}")
    ids = [p.id for p in case.parties]
    return _erase(session, party_ids=ids, case_id=case_id, now=now, sender=sender)


def _erase(
    session: Session, *, party_ids: list[str], case_id: str | None, now: dt.datetime, sender: Sender
) -> ErasureOutcome:
    outcome = ErasureOutcome(erased_parties=list(party_ids))
    problem = export_problem(session)
    confirmed = latest_plan(session, "confirmed")
    new_plan: Plan | None = None
    if confirmed is not None:
        new_plan = _without(
            problem, plan_document(session, confirmed.id), set(party_ids), case_id, outcome
        )
    # Journeys: the visiting facilitators' invites forget the erased people's address
    # before the cancellations are rendered from them.
    forget_home_visits(
        session,
        [
            session_key(c.id, s.id)
            for c in problem.cases
            for s in c.sessions
            if s.party in party_ids
        ],
    )
    # Blank the people first: the outbox then sees them as no longer invited.
    for pid in party_ids:
        _blank_party(session, pid, now)
    if case_id is not None:
        session.execute(
            delete(KeepApartRow).where(
                KeepApartRow.party_a.in_(party_ids) | KeepApartRow.party_b.in_(party_ids)
            )
        )
        case_row = session.get(CaseRow, case_id)
        session.delete(case_row)
    session.flush()
    if new_plan is not None and new_plan != plan_document(session, confirmed.id):  # type: ignore[union-attr]
        from scheduler.verify import compute_objective

        doc = new_plan.to_doc()
        doc["objective"] = compute_objective(export_problem(session), new_plan).to_doc()
        plan_id = save_plan(session, Plan.model_validate(doc), kind="erasure", created_at=now)
        # Not checked first: this plan is the one in force less the erased people, so it
        # breaks no rule the plan in force did not; refusing it for an older breach (a
        # facilitator since marked away) would block an erasure the law requires.
        confirm_plan(session, plan_id=plan_id, now=now, sender=sender, verify_first=False)
        outcome.plan_id = plan_id
    session.flush()
    outcome.deleted_messages = _scrub_mail(session, party_ids)
    return outcome


def _without(
    problem: Any, plan: Plan, gone: set[str], case_id: str | None, outcome: ErasureOutcome
) -> Plan:
    """The plan without the erased people (see the module docstring)."""
    doc = plan.to_doc()
    meetings, unscheduled = [], [u for u in doc.get("unscheduled", []) if u["case"] != case_id]
    for m in doc.get("meetings", []):
        case = problem.case_by_id.get(m["case"])
        principals = {p.id for p in case.principals} if case else set()
        if m["case"] == case_id or principals & gone:
            outcome.cancelled_meetings.append(m["case"])
            if m["case"] != case_id:
                reason = {
                    "code": "NO_CONSENT",
                    "message": "a party withdrew and their details were erased",
                }
                unscheduled.append({"case": m["case"], "reasons": [reason]})
            continue
        m = {**m, "attendance": [a for a in m["attendance"] if a["party"] not in gone]}
        meetings.append(m)
    if "sessions" in doc:
        doc["sessions"] = _sessions_without(problem, doc, meetings, unscheduled, gone, case_id)
    if case_id is None:
        for u in unscheduled:
            case = problem.case_by_id.get(u["case"])
            if (
                case
                and {p.id for p in case.principals} & gone
                and not any(r["code"] == "NO_CONSENT" for r in u["reasons"])
            ):
                u["reasons"] = [
                    *u["reasons"],
                    {"code": "NO_CONSENT", "message": "a party withdrew"},
                ]
    doc["meetings"] = meetings
    doc["unscheduled"] = unscheduled
    return Plan.model_validate(doc)


def _sessions_without(
    problem: Any,
    doc: dict[str, Any],
    meetings: list[dict[str, Any]],
    unscheduled: list[dict[str, Any]],
    gone: set[str],
    case_id: str | None,
) -> list[dict[str, Any]]:
    """Journeys: a case is scheduled whole or not at all, so a case that lost its
    conference loses its sessions too, and a case without a conference whose victim or
    offender is erased becomes unscheduled (``NO_CONSENT``)."""
    kept_cases = {m["case"] for m in meetings}
    listed = {u["case"] for u in unscheduled}
    out = []
    for s in doc["sessions"]:
        case = problem.case_by_id.get(s["case"])
        if case is None or s["case"] == case_id:
            continue
        if case.conference:
            if s["case"] in kept_cases:
                out.append(s)
            continue
        if not {p.id for p in case.principals} & gone:
            out.append(s)
        elif s["case"] not in listed:
            listed.add(s["case"])
            reason = {
                "code": "NO_CONSENT",
                "message": "a party withdrew and their details were erased",
            }
            unscheduled.append({"case": s["case"], "reasons": [reason]})
    return out


def _blank_party(session: Session, party_id: str, now: dt.datetime) -> None:
    row = session.get(PartyRow, party_id)
    if row is None:
        return
    keep: dict[str, Any] = {
        k: row.doc[k] for k in ("id", "role", "supports", "relationship") if k in row.doc
    }
    row.doc = {**keep, "consent": False}
    row.name = ERASED_NAME
    row.email = None
    row.home_lat = row.home_lon = None
    row.erased_at = now


def _scrub_mail(session: Session, party_ids: list[str]) -> int:
    """Delete unsent invitations to them, blank their invite state and delivered mail."""
    deleted = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.recipient_kind == "party",
            OutboxMessage.recipient_id.in_(party_ids),
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.method != "CANCEL",
        )
    ).rowcount  # type: ignore[attr-defined]
    for state in session.scalars(
        select(InviteState).where(
            InviteState.recipient_kind == "party", InviteState.recipient_id.in_(party_ids)
        )
    ):
        _blank_state(state)
    session.flush()
    scrub_delivered(session)
    return int(deleted or 0)


# Event fields that identify nobody: kept so the stored state still parses.
_EVENT_KEEP = {
    "case_id", "session_id", "recipient_kind", "recipient_id", "start", "end", "fingerprint",
}  # fmt: skip


def _blank_state(state: InviteState) -> None:
    state.email = ERASED_NAME
    state.event = {
        k: (
            v
            if k in _EVENT_KEEP
            else None
            if k == "url"
            else ERASED_NAME
            if k in ("name", "email")
            else ""
        )
        for k, v in state.event.items()
    }
