"""Read models for pages and the API: cases with their state, meetings by person and week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from scheduler.domain import Meeting, Plan, PlanSession, Problem, Reason
from scheduler.journey_view import block_span


@dataclass
class CaseState:
    case_id: str
    state: str  # scheduled | unscheduled | open
    meeting: Meeting | None = None
    reasons: list[Reason] = field(default_factory=list)
    sessions: list[PlanSession] = field(default_factory=list)  # journeys, earliest first

    @property
    def start(self) -> dt.datetime | None:
        """When the case's plan starts: its conference, else (no conference) its first session."""
        if self.meeting is not None:
            return self.meeting.start
        return self.sessions[0].start if self.sessions else None


def case_states(problem: Problem, plan: Plan | None) -> dict[str, CaseState]:
    """Every case of the problem: scheduled (with its meeting), unscheduled (with reasons) or open.

    A case without a conference is scheduled when the plan holds its sessions.
    """
    meetings = {m.case: m for m in plan.meetings} if plan else {}
    reasons = {u.case: u.reasons for u in plan.unscheduled} if plan else {}
    sessions: dict[str, list[PlanSession]] = {}
    for row in sorted(plan.sessions, key=lambda r: r.start) if plan else []:
        sessions.setdefault(row.case, []).append(row)
    out = {}
    for case in problem.cases:
        mine = sessions.get(case.id, [])
        if case.id in meetings:
            out[case.id] = CaseState(case.id, "scheduled", meeting=meetings[case.id], sessions=mine)
        elif not case.conference and mine:
            out[case.id] = CaseState(case.id, "scheduled", sessions=mine)
        elif case.id in reasons:
            out[case.id] = CaseState(case.id, "unscheduled", reasons=list(reasons[case.id]))
        else:
            out[case.id] = CaseState(case.id, "open")  # imported after the plan was made
    return out


def week_of(day: dt.date) -> dt.date:
    """The Monday of `day`'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


@dataclass
class Block:
    """One meeting on a timeline: where it sits in its day column and what it says."""

    case_id: str
    reference: str
    day: dt.date
    start: str  # HH:MM
    end: str
    top: float  # percent of the visible day
    height: float
    label: str
    status: str


def week_blocks(
    problem: Problem, meetings: list[Meeting], monday: dt.date, *, staff: bool = True
) -> dict[dt.date, list[Block]]:
    """The week's meetings as blocks per day (facilitators' on-site window when `staff`)."""
    days = {monday + dt.timedelta(days=i): [] for i in range(7)}  # type: dict[dt.date, list[Block]]
    for m in meetings:
        start, end = (
            (m.facilitators_on_site.start, m.facilitators_on_site.end)
            if staff
            else (m.start, m.end)
        )
        if start.date() not in days:
            continue
        top, height = block_span(start, end)
        case = problem.case_by_id.get(m.case)
        reference = case.reference if case else m.case
        days[start.date()].append(
            Block(
                case_id=m.case,
                reference=reference,
                day=start.date(),
                start=start.strftime("%H:%M"),
                end=end.strftime("%H:%M"),
                top=top,
                height=height,
                label=f"{reference} · {_venue_name(problem, m.venue)}, room {m.room} · "
                f"{_fac_name(problem, m.lead)}",
                status=m.status,
            )
        )
    for blocks in days.values():
        blocks.sort(key=lambda b: b.start)
    return days


def _venue_name(problem: Problem, venue_id: str) -> str:
    v = problem.venue_by_id.get(venue_id)
    return v.name if v else venue_id


def _fac_name(problem: Problem, fid: str) -> str:
    f = problem.facilitator_by_id.get(fid)
    return f.name if f else fid


def as_shown(plan: Plan, plan_status: str) -> Plan:
    """`plan` with each meeting's status as a person should read it (a confirmed plan's
    proposals are confirmed: `plan_review.shown_status`); for pages, never stored."""
    from scheduler.plan_review import shown_status

    if not any(shown_status(plan_status, m.status) != m.status for m in plan.meetings):
        return plan
    meetings = [
        m.model_copy(update={"status": shown_status(plan_status, m.status)}) for m in plan.meetings
    ]
    return plan.model_copy(update={"meetings": meetings})
