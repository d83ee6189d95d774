"""Load and write plan documents.

With a problem, `load_plan` also checks that the plan's references resolve in it.
This is structure only: whether the plan obeys the hard rules is `rjsched verify`'s job.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import ValidationError

from scheduler.domain import Meeting, Plan, Problem
from scheduler.formats.errors import DocumentError, Issue
from scheduler.formats.problem import parse_json
from scheduler.formats.pydantic_errors import issues_from
from scheduler.formats.session_checks import plan_session_issues, plan_session_reference_issues


def load_plan(data: dict[str, Any] | str | bytes, problem: Problem | None = None) -> Plan:
    """A validated `Plan`, or `DocumentError` listing every problem found."""
    if isinstance(data, str | bytes):
        data = parse_json(data, "plan")
    if not isinstance(data, dict):
        raise DocumentError([Issue("", "must be a JSON object")], "plan")
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise DocumentError(issues_from(exc), "plan") from None
    shape = list(plan_session_issues(plan.sessions))
    if shape:
        raise DocumentError(shape, "plan")
    if problem is not None:
        issues = list(plan_reference_issues(plan, problem))
        if issues:
            raise DocumentError(issues, "plan")
    return plan


def plan_reference_issues(plan: Plan, problem: Problem) -> Iterator[Issue]:
    """Every reference of `plan` that does not resolve in `problem`."""
    if plan.problem != problem.name:
        yield Issue("problem", f"the plan is for problem {plan.problem!r}, not {problem.name!r}")
    seen: dict[str, str] = {}
    rows = [(f"meetings[{i}].case", m.case) for i, m in enumerate(plan.meetings)]
    rows += [(f"unscheduled[{i}].case", u.case) for i, u in enumerate(plan.unscheduled)]
    rows += _sessions_only_rows(plan, problem)
    for path, case_id in rows:
        if case_id not in problem.case_by_id:
            yield Issue(path, f"no case has id {case_id!r}")
        elif case_id in seen:
            yield Issue(path, f"case {case_id!r} appears again (first at {seen[case_id]})")
        else:
            seen[case_id] = path
    for case in problem.cases:
        if case.id not in seen:
            yield Issue(
                "unscheduled",
                f"case {case.id!r} is neither scheduled (in meetings, or by its sessions "
                "when it has no conference) nor in unscheduled",
            )
    for i, m in enumerate(plan.meetings):
        yield from _meeting_refs(f"meetings[{i}]", m, problem)
        owner = problem.case_by_id.get(m.case)
        if owner is not None and not owner.conference:
            yield Issue(
                f"meetings[{i}].case", f"case {owner.id!r} has no conference (conference is false)"
            )
    yield from plan_session_reference_issues(plan.sessions, problem)
    for i, w in enumerate(plan.warnings):
        if w.case not in problem.case_by_id:
            yield Issue(f"warnings[{i}].case", f"no case has id {w.case!r}")
        elif w.session is not None and problem.case_by_id[w.case].session(w.session) is None:
            yield Issue(f"warnings[{i}].session", f"case {w.case!r} has no session {w.session!r}")


def _sessions_only_rows(plan: Plan, problem: Problem) -> list[tuple[str, str]]:
    """A case without a conference is scheduled by its sessions: one row per such case."""
    out: dict[str, str] = {}
    for i, s in enumerate(plan.sessions):
        case = problem.case_by_id.get(s.case)
        if case is not None and not case.conference:
            out.setdefault(s.case, f"sessions[{i}].case")
    return [(path, c) for c, path in out.items()]


def _meeting_refs(at: str, m: Meeting, problem: Problem) -> Iterator[Issue]:
    venue = problem.venue_by_id.get(m.venue)
    if venue is None:
        yield Issue(f"{at}.venue", f"no venue has id {m.venue!r}")
    elif venue.room(m.room) is None:
        yield Issue(f"{at}.room", f"venue {venue.id!r} has no room {m.room!r}")
    for path, fid in [(f"{at}.lead", m.lead)] + [
        (f"{at}.co_facilitators[{j}]", f) for j, f in enumerate(m.co_facilitators)
    ]:
        if fid not in problem.facilitator_by_id:
            yield Issue(path, f"no facilitator has id {fid!r}")
    case = problem.case_by_id.get(m.case)
    seen: set[str] = set()
    for j, a in enumerate(m.attendance):
        row = f"{at}.attendance[{j}]"
        if case is not None and case.party(a.party) is None:
            yield Issue(f"{row}.party", f"case {case.id!r} has no party {a.party!r}")
        elif a.party in seen:
            yield Issue(f"{row}.party", f"{a.party!r} has more than one attendance row")
        seen.add(a.party)
        if venue is not None and a.waiting_room not in venue.waiting_rooms:
            yield Issue(
                f"{row}.waiting_room", f"venue {venue.id!r} has no waiting room {a.waiting_room!r}"
            )
        if (
            venue is not None
            and a.entrance is not None
            and a.entrance not in (venue.entrances or [])
        ):
            yield Issue(f"{row}.entrance", f"venue {venue.id!r} has no entrance {a.entrance!r}")


def dump_plan(plan: Plan) -> dict[str, Any]:
    return plan.to_doc()
