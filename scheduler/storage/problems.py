"""Import and export of the problem document (the coordinator's data) in the database.

Choices where the spec is silent:

- ``import_problem`` upserts by id. Records that the document does not mention are left
  alone, so a coordinator can import one new batch of cases without losing the rest;
  with ``replace=True`` they are deleted, so re-importing a full export makes the
  database equal to the document.
- A case is one record: importing it sets its parties to exactly those listed (a
  supporter who withdrew is removed), and keep-apart pairs naming a party that no
  longer exists are removed with it.
- The problem's own keys (name, timezone, horizon, slot, policy, ``existing``) are one
  record, overwritten by each import.
- When records were left alone, the merged result is validated as a whole document, so
  a partial import can never leave a database that would not export as a valid problem.

Nothing here commits: the caller's transaction makes an import all or nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from scheduler.domain import Case, Facilitator, Party, Problem, Venue
from scheduler.formats import load_problem
from scheduler.storage.journeys import attach_sessions, case_doc_without_sessions, put_sessions
from scheduler.storage.models import (
    CaseRow,
    FacilitatorRow,
    KeepApartRow,
    PartyRow,
    ProblemMeta,
    VenueRow,
)

# The problem keys stored as rows of their own; the meta document keeps an empty list
# under each key that was present, so an export gives back exactly the keys given.
LIST_KEYS = ("facilitators", "venues", "cases", "keep_apart")
PERSONAL_KEYS = ("name", "email", "home")


class NoProblemError(LookupError):
    """Nothing has been imported yet."""

    def __init__(self) -> None:
        super().__init__("no problem has been imported into this database yet")


@dataclass
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        """Records of this kind that the document listed."""
        return self.added + self.updated + self.unchanged


@dataclass
class ImportSummary:
    name: str
    replace: bool
    facilitators: Counts = field(default_factory=Counts)
    venues: Counts = field(default_factory=Counts)
    cases: Counts = field(default_factory=Counts)
    parties: Counts = field(default_factory=Counts)
    keep_apart: Counts = field(default_factory=Counts)
    kept: int = 0  # records not in the document, left alone (replace=False)

    def kinds(self) -> dict[str, Counts]:
        return {
            "facilitators": self.facilitators,
            "venues": self.venues,
            "cases": self.cases,
            "parties": self.parties,
            "keep-apart pairs": self.keep_apart,
        }


# --------------------------------------------------------------------------- import


def import_problem(
    session: Session, problem: Problem, *, replace: bool = False, now: dt.datetime | None = None
) -> ImportSummary:
    """Upsert every record of `problem` in the caller's transaction (see module docstring)."""
    summary = ImportSummary(name=problem.name, replace=replace)
    _put_meta(session, problem, now)
    for model, records, values_of, counts in (
        (FacilitatorRow, problem.facilitators, _facilitator_values, summary.facilitators),
        (VenueRow, problem.venues, _venue_values, summary.venues),
    ):
        leftovers = _upsert(session, model, records, values_of, counts)
        summary.kept += _drop_or_keep(session, leftovers, len(records), counts, replace)
    old_cases = _upsert(session, CaseRow, problem.cases, _case_values, summary.cases)
    session.flush()  # new cases exist before their parties point at them
    summary.kept += _put_parties(session, problem, summary.parties, replace)
    put_sessions(session, problem, replace=replace)
    # Cases go after their parties, so the summary counts the parties removed with them.
    summary.kept += _drop_or_keep(session, old_cases, len(problem.cases), summary.cases, replace)
    summary.kept += _put_keep_apart(session, problem, summary.keep_apart, replace)
    session.flush()
    if summary.kept:
        # Raises DocumentError naming what the merge broke; the caller rolls back.
        load_problem(_export_doc(session))
    return summary


def _put_meta(session: Session, problem: Problem, now: dt.datetime | None) -> None:
    doc = problem.to_doc()
    for key in LIST_KEYS:
        if key in doc:
            doc[key] = []
    meta = session.get(ProblemMeta, 1) or ProblemMeta(id=1)
    meta.name = problem.name
    meta.timezone = problem.timezone
    meta.horizon_start = problem.horizon.start.isoformat()
    meta.horizon_end = problem.horizon.end.isoformat()
    meta.slot_minutes = problem.slot_minutes
    meta.doc = doc
    meta.imported_at = now
    session.add(meta)


def _facilitator_values(f: Facilitator) -> dict[str, Any]:
    return {"name": f.name, "email": f.email, "level": f.level, "doc": f.to_doc()}


def _venue_values(v: Venue) -> dict[str, Any]:
    return {"name": v.name, "kind": v.kind, "prison": v.prison, "doc": v.to_doc()}


def _case_values(c: Case) -> dict[str, Any]:
    doc = case_doc_without_sessions(c.to_doc())
    doc["parties"] = []
    return {
        "reference": c.reference,
        "offence": c.offence,
        "risk": c.risk,
        "priority": c.priority,
        "doc": doc,
    }


def _party_values(p: Party) -> dict[str, Any]:
    """Columns for a party: name, email and home leave the document (explicit nulls stay)."""
    doc = p.to_doc()
    for key in PERSONAL_KEYS:
        if doc.get(key) is not None:
            del doc[key]
    return {
        "role": p.role,
        "name": p.name,
        "email": p.email,
        "home_lat": p.home.lat if p.home else None,
        "home_lon": p.home.lon if p.home else None,
        "doc": doc,
    }


def _assign(row: Any, values: dict[str, Any]) -> bool:
    """Set `values` on `row`; True if anything changed."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


def _upsert(session, model, records, values_of, counts: Counts) -> list[Any]:  # type: ignore[no-untyped-def]
    """Upsert `records` of one kind by id, in document order; returns the rows not listed."""
    rows = {row.id: row for row in session.scalars(select(model).order_by(model.position))}
    for position, record in enumerate(records):
        values = {"position": position, **values_of(record)}
        row = rows.pop(record.id, None)
        if row is None:
            session.add(model(id=record.id, **values))
            counts.added += 1
        elif _assign(row, {k: v for k, v in values.items() if k != "position"}):
            row.position = position
            counts.updated += 1
        else:
            row.position = position
            counts.unchanged += 1
    return list(rows.values())


def _drop_or_keep(
    session: Session, leftovers: list[Any], first: int, counts: Counts, replace: bool
) -> int:
    """Delete the rows the document left out (replace) or move them after its records."""
    if replace:
        for row in leftovers:
            session.delete(row)
        counts.removed += len(leftovers)
        return 0
    for offset, row in enumerate(leftovers):
        row.position = first + offset
    return len(leftovers)


def _put_parties(session: Session, problem: Problem, counts: Counts, replace: bool) -> int:
    rows = {
        row.id: row
        for row in session.scalars(select(PartyRow).order_by(PartyRow.case_id, PartyRow.position))
    }
    for case in problem.cases:
        for position, party in enumerate(case.parties):
            values = {"case_id": case.id, **_party_values(party)}
            row = rows.pop(party.id, None)
            if row is None:
                session.add(PartyRow(id=party.id, position=position, **values))
                counts.added += 1
            else:
                changed = _assign(row, values)
                row.position = position
                if changed:
                    counts.updated += 1
                else:
                    counts.unchanged += 1
    listed_cases = {c.id for c in problem.cases}
    # Parties of a listed case that the document no longer lists are gone, whatever `replace`.
    gone = [r for r in rows.values() if replace or r.case_id in listed_cases]
    for row in gone:
        session.delete(row)
    counts.removed += len(gone)
    session.flush()
    if gone:
        ids = [r.id for r in gone]
        session.execute(
            delete(KeepApartRow).where(
                KeepApartRow.party_a.in_(ids) | KeepApartRow.party_b.in_(ids)
            )
        )
    return len(rows) - len(gone)


def _put_keep_apart(session: Session, problem: Problem, counts: Counts, replace: bool) -> int:
    rows = {
        frozenset((r.party_a, r.party_b)): r
        for r in session.scalars(select(KeepApartRow).order_by(KeepApartRow.position))
    }
    for position, (a, b) in enumerate(problem.keep_apart):
        row = rows.pop(frozenset((a, b)), None)
        if row is None:
            session.add(KeepApartRow(position=position, party_a=a, party_b=b))
            counts.added += 1
        else:
            # Same unordered pair: take the document's order so an export matches it.
            if _assign(row, {"party_a": a, "party_b": b}):
                counts.updated += 1
            else:
                counts.unchanged += 1
            row.position = position
    return _drop_or_keep(session, list(rows.values()), len(problem.keep_apart), counts, replace)


# --------------------------------------------------------------------------- export


def export_problem(session: Session) -> Problem:
    """The problem document held in the database (import → export gives it back unchanged)."""
    return load_problem(_export_doc(session))


def _export_doc(session: Session) -> dict[str, Any]:
    meta = session.get(ProblemMeta, 1)
    if meta is None:
        raise NoProblemError()
    doc = dict(meta.doc)
    lists: dict[str, list[Any]] = {
        "facilitators": [
            r.doc for r in session.scalars(select(FacilitatorRow).order_by(FacilitatorRow.position))
        ],
        "venues": [r.doc for r in session.scalars(select(VenueRow).order_by(VenueRow.position))],
        "cases": _case_docs(session),
        "keep_apart": [
            [r.party_a, r.party_b]
            for r in session.scalars(select(KeepApartRow).order_by(KeepApartRow.position))
        ],
    }
    for key in LIST_KEYS:
        if lists[key] or key in doc:
            doc[key] = lists[key]
    return doc


def _case_docs(session: Session) -> list[dict[str, Any]]:
    parties: dict[str, list[dict[str, Any]]] = {}
    for row in session.scalars(select(PartyRow).order_by(PartyRow.case_id, PartyRow.position)):
        parties.setdefault(row.case_id, []).append(party_doc(row))
    docs = [
        {**row.doc, "parties": parties.get(row.id, [])}
        for row in session.scalars(select(CaseRow).order_by(CaseRow.position))
    ]
    return attach_sessions(session, docs)


def party_doc(row: PartyRow) -> dict[str, Any]:
    """The party's document: its stored keys with name, email and home put back."""
    doc = dict(row.doc)
    doc["name"] = row.name
    if row.email is not None:
        doc["email"] = row.email
    if row.home_lat is not None and row.home_lon is not None:
        doc["home"] = {"lat": row.home_lat, "lon": row.home_lon}
    return doc


def has_problem(session: Session) -> bool:
    return session.get(ProblemMeta, 1) is not None
