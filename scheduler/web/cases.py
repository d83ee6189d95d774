"""Cases: list, view (audited), suggestions and placing one, erasure of cases and parties."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import Response

from scheduler.domain import Meeting, PlanSession
from scheduler.invites.content import Sender
from scheduler.journey_view import journey_rows, steps
from scheduler.web.common import is_json, json_body, not_found, problem_and_plan, validation_detail
from scheduler.web.deps import Ctx, Page, Read, Write, after_form
from scheduler.web.params import Key
from scheduler.web.schemas import (
    CaseDetail,
    CaseSummary,
    ErasureResult,
    Placement,
    PlaceResult,
    ReasonOut,
)
from scheduler.web.templating import render
from scheduler.web_services import erasure, suggestions
from scheduler.web_services.plan_edits import EditError, place
from scheduler.web_services.suggestions import Choice
from scheduler.web_services.views import case_states

router = APIRouter()


def _reasons(state: Any) -> list[ReasonOut]:
    return [ReasonOut(code=r.code, message=r.message) for r in state.reasons]


@router.get("/api/cases", response_model=list[CaseSummary], tags=["cases"])
def list_cases(ctx: Read) -> list[CaseSummary]:
    """Every case with its state in the plan in force (no personal data)."""
    problem, plan, _ = problem_and_plan(ctx)
    states = case_states(problem, plan)
    out = []
    for c in problem.cases:
        s = states[c.id]
        out.append(
            CaseSummary(
                id=c.id, reference=c.reference, offence=c.offence, risk=c.risk, priority=c.priority,
                state=s.state, start=s.meeting.to_doc()["start"] if s.meeting else None,
                venue=s.meeting.venue if s.meeting else None, reasons=_reasons(s),
            )
        )  # fmt: skip
    return out


def _case_detail(ctx: Ctx, case_id: str) -> tuple[Any, Any, Any]:
    problem, plan, _ = problem_and_plan(ctx)
    case = problem.case_by_id.get(case_id)
    if case is None:
        raise not_found(f"case {case_id}")
    ctx.audit("view_case", f"case:{case_id}")  # personal data is about to be shown
    return problem, plan, case


@router.get("/api/cases/{case_id}", response_model=CaseDetail, tags=["cases"])
def get_case(case_id: Key, ctx: Read) -> CaseDetail:
    """The case with its parties (personal data: the view is audited)."""
    problem, plan, case = _case_detail(ctx, case_id)
    s = case_states(problem, plan)[case_id]
    return CaseDetail(
        case=case.to_doc(),
        state=s.state,
        meeting=s.meeting.to_doc() if s.meeting else None,
        reasons=_reasons(s),
        sessions=[row.to_doc() for row in s.sessions],
    )


def _suggestions(ctx: Ctx, case_id: str, k: int) -> tuple[list[Choice] | None, str | None]:
    problem, plan, _ = problem_and_plan(ctx)
    if case_id not in problem.case_by_id:
        raise not_found(f"case {case_id}")
    if plan is None:
        return [], "there is no plan yet: run an allocation first"
    if any(m.case == case_id for m in plan.meetings) or any(
        s.case == case_id for s in plan.sessions
    ):
        return [], "this case is already scheduled"
    found = suggestions.options(problem, plan, case_id, k)
    if found is None:
        return None, "suggestions are not available in this build"
    if not found:
        return [], suggestions.why_none(problem, plan, case_id)
    return found, None


def _placement(i: int, c: Choice) -> Placement:
    """A suggestion for the API: from its first step to its last, with the conference
    (null for a case without one) and, with journeys, every session."""
    first, last = c.first, c.last
    m = c.meeting
    team = list(m.facilitators) if m else list(c.sessions[0].facilitators) if c.sessions else []
    return Placement(
        index=i, start=first.to_doc()["start"] if first else "", end=last.to_doc()["end"] if last else "",
        venue=m.venue if m else None, room=m.room if m else None, lead=c.lead,
        co_facilitators=[f for f in team if f != c.lead], cost=c.cost,
        meeting=m.to_doc() if m else None, sessions=[r.to_doc() for r in c.sessions],
    )  # fmt: skip


@router.get("/api/cases/{case_id}/suggestions", response_model=list[Placement], tags=["cases"])
def get_suggestions(
    case_id: Key, ctx: Read, k: Annotated[int, Query(ge=1, le=20)] = 5
) -> list[Placement]:
    """Up to `k` ways to place an unscheduled case into the plan in force, best first."""
    found, why = _suggestions(ctx, case_id, k)
    if found is None:
        raise HTTPException(501, why)
    return [_placement(i, c) for i, c in enumerate(found)]


class PlaceIn(BaseModel):
    index: int | None = Field(None, ge=0, le=19)
    meeting: dict[str, Any] | None = None
    sessions: list[dict[str, Any]] = Field(default_factory=list, max_length=200)
    k: int = Field(5, ge=1, le=20)


@router.post(
    "/api/cases/{case_id}/place",
    response_model=PlaceResult,
    responses={409: {"model": None}},
    tags=["cases"],
)
async def place_case(case_id: Key, request: Request, ctx: Write) -> Any:
    """Place the case: by `index` into the current suggestions, or a given `meeting` (and,
    with journeys, its `sessions`); saves a new draft."""
    try:
        if is_json(request):
            body = PlaceIn.model_validate(json_body(await request.body()))
        else:
            form = await request.form()
            body = PlaceIn.model_validate(
                {"index": str(form.get("index", "0")), "k": str(form.get("k", "5"))}
            )
    except ValidationError as exc:
        raise HTTPException(422, validation_detail(exc)) from None
    meeting: Meeting | None = None
    rows: list[PlanSession] = []
    if body.meeting is not None or body.sessions:
        try:
            meeting = Meeting.model_validate(body.meeting) if body.meeting is not None else None
        except ValueError as exc:
            raise HTTPException(422, f"meeting: {exc}") from None
        for n, doc in enumerate(body.sessions):
            try:
                rows.append(PlanSession.model_validate(doc))
            except ValueError as exc:
                raise HTTPException(422, f"sessions[{n}]: {exc}") from None
    else:
        found, why = _suggestions(ctx, case_id, max(body.k, (body.index or 0) + 1))
        if not found or body.index is None or not 0 <= body.index < len(found):
            raise HTTPException(409, why or "no such suggestion")
        meeting, rows = found[body.index].meeting, list(found[body.index].sessions)
    try:
        plan_id = place(ctx.session, case_id=case_id, meeting=meeting, sessions=rows, now=ctx.now)
    except EditError as exc:
        raise HTTPException(409, str(exc)) from None
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    ctx.audit("place", f"case:{case_id}", plan_id=plan_id, index=body.index)
    return await after_form(request, PlaceResult(plan_id=plan_id, case=case_id))


def _erasure_out(o: erasure.ErasureOutcome) -> ErasureResult:
    return ErasureResult(
        erased_parties=o.erased_parties, cancelled_meetings=o.cancelled_meetings,
        deleted_messages=o.deleted_messages, plan_id=o.plan_id,
    )  # fmt: skip


@router.post("/api/cases/{case_id}/erase", response_model=ErasureResult, tags=["erasure"])
async def erase_case(case_id: Key, request: Request, ctx: Write) -> Any:
    """Erase a case: cancel its invites, remove it and its parties' personal data."""
    sender = Sender.from_settings(request.app.state.settings)
    try:
        outcome = erasure.erase_case(ctx.session, case_id=case_id, now=ctx.now, sender=sender)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    ctx.audit(
        "erase_case", f"case:{case_id}", parties=outcome.erased_parties, plan_id=outcome.plan_id
    )
    return await after_form(request, _erasure_out(outcome))


@router.post("/api/parties/{party_id}/erase", response_model=ErasureResult, tags=["erasure"])
async def erase_party(party_id: Key, request: Request, ctx: Write) -> Any:
    """Erase one party (withdrawal): cancel the invites it affects, remove its personal data."""
    sender = Sender.from_settings(request.app.state.settings)
    try:
        outcome = erasure.erase_party(ctx.session, party_id=party_id, now=ctx.now, sender=sender)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    ctx.audit("erase_party", f"party:{party_id}", plan_id=outcome.plan_id)
    return await after_form(request, _erasure_out(outcome))


# --------------------------------------------------------------------------- pages


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(case_id: Key, ctx: Page) -> Response:
    problem, plan, case = _case_detail(ctx, case_id)
    state = case_states(problem, plan)[case_id]
    found, why = _suggestions(ctx, case_id, 5) if state.state != "scheduled" else ([], None)
    return render(
        ctx.request,
        "case.html",
        case=case,
        state=state,
        problem=problem,
        suggestions=[
            (c, steps(problem, case_id, c.meeting, c.sessions) if c.sessions else [])
            for c in found or []
        ],
        journey=journey_rows(problem, plan, case_id),
        suggestions_note=why,
        erased={p.id for p in case.parties if p.name == erasure.ERASED_NAME},
    )
