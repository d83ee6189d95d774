"""Response models of the API (so /openapi.json describes what really comes back)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class IssueOut(BaseModel):
    path: str
    reason: str


class Problems(BaseModel):
    """A rejected document or sheet: every problem found, nothing written."""

    detail: list[IssueOut]


class Message(BaseModel):
    detail: str


class CountsOut(BaseModel):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


class ImportResult(BaseModel):
    name: str
    counts: dict[str, CountsOut]


class CsvImportResult(BaseModel):
    rows: dict[str, int] = Field(description="data rows read from each sheet")
    counts: dict[str, CountsOut]


class ReasonOut(BaseModel):
    code: str
    message: str


class CaseSummary(BaseModel):
    id: str
    reference: str
    offence: str
    risk: str
    priority: int
    state: str = Field(description="scheduled, unscheduled or open (no plan yet)")
    start: str | None = None
    venue: str | None = None
    reasons: list[ReasonOut] = []


class CaseDetail(BaseModel):
    case: dict[str, Any] = Field(
        description="the case record of the problem document, parties included"
    )
    state: str
    meeting: dict[str, Any] | None = None
    reasons: list[ReasonOut] = []
    sessions: list[dict[str, Any]] = Field(
        default=[], description="journeys: the plan's sessions of the case, earliest first"
    )


class PersonSummary(BaseModel):
    id: str
    name: str
    detail: str


class FeedTokenOut(BaseModel):
    id: int
    facilitator: str
    created_at: str
    revoked_at: str | None
    url: str | None = Field(None, description="the feed address; only given once, when created")


class JobOut(BaseModel):
    id: int
    kind: str
    status: str
    progress: int
    message: str | None
    plan_id: int | None
    error: str | None
    fresh: bool = Field(False, description="a fresh allocation that ignores the confirmed plan")
    created_at: str | None = None


class PlanSummary(BaseModel):
    id: int
    status: str
    kind: str
    created_at: str
    scheduled: int
    unscheduled: int
    disruption: int
    scheduled_priority: int
    soft_cost: int


class ConfirmResult(BaseModel):
    plan_id: int
    status: str
    queued: int = Field(0, description="messages queued for sending")
    acknowledged: list[str] = Field(
        default_factory=list, description="the confirmed meetings it moved or dropped (kind:case)"
    )


class SendResult(BaseModel):
    sent: int
    failed: int = 0


class PinResult(BaseModel):
    plan_id: int
    case: str
    status: str


class Placement(BaseModel):
    """A suggestion: from its first step's start to its last step's end; the conference
    (`meeting`, with `venue` and `room`; null for a case without one) and, for a problem
    with journeys, every session (plan session rows)."""

    index: int
    start: str
    end: str
    venue: str | None
    room: str | None
    lead: str
    co_facilitators: list[str]
    cost: int | None = None
    meeting: dict[str, Any] | None
    sessions: list[dict[str, Any]] = []


class PlaceResult(BaseModel):
    plan_id: int
    case: str


class ErasureResult(BaseModel):
    erased_parties: list[str]
    cancelled_meetings: list[str]
    deleted_messages: int
    plan_id: int | None


class AuditEntry(BaseModel):
    id: int
    at: str
    actor: str
    action: str
    target: str | None
    details: dict[str, Any] | None


class ViolationOut(BaseModel):
    rule: int | str = Field(description="hard rule 1-10, or 'plan' for the document checks")
    case: str | None
    message: str


class PlanRejection(BaseModel):
    message: str
    plan_id: int
    violations: list[ViolationOut]


class PlanRejectedOut(BaseModel):
    """A confirmation refused by the independent checker: nothing confirmed or queued."""

    detail: PlanRejection
