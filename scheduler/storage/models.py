"""The core tables: the problem's records, plans and their meetings, and job bookkeeping.

Each problem record keeps its exact document JSON in ``doc`` (so an export gives back
precisely what was imported, unset keys staying unset) beside real columns for what
the service queries. The columns are copies taken from the document on import, with
one exception: a party's ``name``, ``email`` and ``home`` live *only* in columns
(never in ``doc``), so that erasing a person blanks every copy of those details.

``position`` keeps the document order of each list, so an export lists records in
the order they were imported.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from scheduler.storage.base import Base

ID = String(64)


class ProblemMeta(Base):
    """The problem's own keys (name, timezone, horizon, slot, policy, existing): one row."""

    __tablename__ = "problem_meta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    horizon_start: Mapped[str] = mapped_column(String(10))
    horizon_end: Mapped[str] = mapped_column(String(10))
    slot_minutes: Mapped[int] = mapped_column(Integer)
    # The document without facilitators, venues, cases and keep_apart.
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)
    imported_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


class FacilitatorRow(Base):
    __tablename__ = "facilitators"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), index=True)
    level: Mapped[str] = mapped_column(String(20))
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)


class VenueRow(Base):
    __tablename__ = "venues"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    prison: Mapped[str | None] = mapped_column(String(200))
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(100), index=True)
    offence: Mapped[str] = mapped_column(String(40))
    risk: Mapped[str] = mapped_column(String(10))
    priority: Mapped[int] = mapped_column(Integer)
    # The case document without its parties (they are rows of their own).
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)

    parties: Mapped[list[PartyRow]] = relationship(
        back_populates="case", order_by="PartyRow.position", cascade="all, delete-orphan"
    )
    # Journeys: the case's sessions (its `sessions` list, in document order).
    sessions: Mapped[list[CaseSessionRow]] = relationship(
        order_by="CaseSessionRow.position", cascade="all, delete-orphan"
    )


class PartyRow(Base):
    """A party; name, email and home are columns only, so that erasure can blank them."""

    __tablename__ = "parties"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    home_lat: Mapped[float | None] = mapped_column(Float)
    home_lon: Mapped[float | None] = mapped_column(Float)
    erased_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The party document without name, email and home (unless they were explicit nulls).
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)

    case: Mapped[CaseRow] = relationship(back_populates="parties")


class CaseSessionRow(Base):
    """A case's session (journeys): its exact document, and the party it is with."""

    __tablename__ = "case_sessions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)  # unique across the problem
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    party_id: Mapped[str] = mapped_column(ID, index=True)
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)


class KeepApartRow(Base):
    """One unordered pair of parties from different cases, in document order."""

    __tablename__ = "keep_apart"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    position: Mapped[int] = mapped_column(Integer)
    party_a: Mapped[str] = mapped_column(ID, index=True)
    party_b: Mapped[str] = mapped_column(ID, index=True)


class PlanRow(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(20))  # 'allocate', 'replan', 'import', ...
    status: Mapped[str] = mapped_column(String(20), index=True)
    problem_name: Mapped[str] = mapped_column(String(200))
    disruption: Mapped[int] = mapped_column(Integer)
    scheduled_priority: Mapped[int] = mapped_column(Integer)
    soft_cost: Mapped[int] = mapped_column(Integer)
    solver_status: Mapped[str] = mapped_column(String(20))
    wall_seconds: Mapped[float] = mapped_column(Float)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)

    meetings: Mapped[list[MeetingRow]] = relationship(
        back_populates="plan", order_by="MeetingRow.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'confirmed', 'superseded')", name="status"),
    )


class MeetingRow(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(ID, index=True)
    status: Mapped[str] = mapped_column(String(20))
    start: Mapped[str] = mapped_column(String(16))  # local YYYY-MM-DDTHH:MM
    end: Mapped[str] = mapped_column(String(16))
    venue: Mapped[str] = mapped_column(ID)
    room: Mapped[str] = mapped_column(ID)
    lead: Mapped[str] = mapped_column(ID)
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)

    plan: Mapped[PlanRow] = relationship(back_populates="meetings")

    __table_args__ = (UniqueConstraint("plan_id", "case_id"),)


class PlanSessionRow(Base):
    """A session of a plan (journeys), with its exact document."""

    __tablename__ = "plan_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[str] = mapped_column(ID, index=True)
    session_id: Mapped[str] = mapped_column(ID)
    status: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(10))
    start: Mapped[str] = mapped_column(String(16))  # local YYYY-MM-DDTHH:MM
    end: Mapped[str] = mapped_column(String(16))
    venue: Mapped[str | None] = mapped_column(ID)
    room: Mapped[str | None] = mapped_column(ID)
    lead: Mapped[str] = mapped_column(ID)
    doc: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("plan_id", "session_id"),
        CheckConstraint("mode IN ('venue', 'home', 'video')", name="mode"),
    )


class PlanRequest(Base):
    """A queued allocation or re-plan, with progress for the web page that asked for it."""

    __tablename__ = "plan_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), index=True, default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        CheckConstraint("kind IN ('allocate', 'replan')", name="kind"),
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="status"
        ),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
    )


class ReplanRun(Base):
    """One nightly re-plan; the unique date makes a second run of the same night a no-op."""

    __tablename__ = "replan_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_date: Mapped[dt.date] = mapped_column(unique=True)
    status: Mapped[str] = mapped_column(String(20))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The lease (0004): who runs it now, its last heartbeat, and until when it holds the
    # date; after `lease_until` another process may take the run over.
    owner: Mapped[str | None] = mapped_column(String(200))
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


CORE_TABLES = tuple(
    m.__table__.name  # type: ignore[attr-defined]
    for m in (
        ProblemMeta,
        FacilitatorRow,
        VenueRow,
        CaseRow,
        PartyRow,
        KeepApartRow,
        PlanRow,
        MeetingRow,
        CaseSessionRow,
        PlanSessionRow,
        PlanRequest,
        ReplanRun,
    )
)
