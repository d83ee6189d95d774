"""The problem a re-plan solves, and what changed between two plans (pure functions).

Choices where the spec is silent (written down here, the one place they live):

- Meetings on or before the run date are *pinned* as they are: the ones before it took
  place, and one later that same day is hours away and its people are on their way, so
  the overnight job never moves it. Nothing new is scheduled before the day after.
- Every later meeting of the confirmed plan is ``existing`` as ``confirmed`` (moving or
  dropping it costs disruption), except that a meeting the imported problem itself
  lists as pinned stays pinned (a coordinator pinned it).
- Case journeys: the confirmed plan's sessions are ``existing_sessions`` the same way:
  one on or before the run date is pinned as it is, a later one confirmed (a session
  the coordinator pinned stays pinned); sessions of cases taken out go with them.
- A confirmed meeting that no longer fits today's data structurally (its case, venue,
  room or lead is gone) cannot be ``existing``; it is left out and reported, so the new
  plan schedules the case afresh and the invites then say what changed. Attendance rows
  of parties no longer in the case are dropped first, which keeps most meetings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scheduler.domain import Meeting, Plan, PlanSession, Problem
from scheduler.formats import DocumentError, load_problem

_EXISTING_PATH = re.compile(r"^existing\[(\d+)\]")


@dataclass(frozen=True)
class ReplanInput:
    problem: Problem
    pinned: list[str]  # cases whose meeting is frozen
    left_out: list[str] = field(default_factory=list)  # cases whose old meeting no longer fits
    expired: list[str] = field(default_factory=list)  # cases whose dates ended by the run day


def replan_problem(
    problem: Problem,
    confirmed: Sequence[Meeting],
    run_date: dt.date,
    sessions: Sequence[PlanSession] = (),
) -> ReplanInput:
    """`problem` with `existing` = the confirmed meetings, those up to `run_date` pinned
    (and `existing_sessions` = the confirmed sessions, the same way)."""
    frozen_before = run_date + dt.timedelta(days=1)
    coordinator_pins = {m.case for m in problem.existing if m.status == "pinned"}
    doc = problem.to_doc()
    existing: list[dict[str, Any]] = []
    pinned: list[str] = []
    left_out: list[str] = []
    for m in confirmed:
        case = problem.case_by_id.get(m.case)
        if case is None:
            left_out.append(m.case)
            continue
        frozen = m.start.date() < frozen_before
        status = "pinned" if frozen or m.case in coordinator_pins else "confirmed"
        if status == "pinned":
            pinned.append(m.case)
        known = {p.id for p in case.parties}
        mdoc = m.to_doc()
        mdoc["status"] = status
        mdoc["attendance"] = [a for a in mdoc["attendance"] if a["party"] in known]
        existing.append(mdoc)
    # Only a pinned meeting may stay in the past: a moved or new one starts after the run day.
    first_day = frozen_before.isoformat()
    expired: list[str] = []
    for case_doc in doc.get("cases", []):
        if case_doc["id"] in pinned:
            continue
        if (case_doc.get("latest") or doc["horizon"]["end"]) < first_day:
            expired.append(case_doc["id"])
        elif (case_doc.get("earliest") or doc["horizon"]["start"]) < first_day:
            case_doc["earliest"] = first_day
    _remove_cases(doc, set(expired))
    doc["existing"] = [m for m in existing if m["case"] not in expired]
    if sessions or "existing_sessions" in doc:
        doc["existing_sessions"] = _existing_sessions(problem, sessions, frozen_before, expired)
    return _load_dropping_unfit(doc, pinned, left_out, expired)


def _existing_sessions(
    problem: Problem, sessions: Sequence[PlanSession], frozen_before: dt.date, expired: list[str]
) -> list[dict[str, Any]]:
    """The confirmed sessions as `existing_sessions`: up to the run date pinned, else
    confirmed (a coordinator's pin kept); those whose case or session is gone left out."""
    pins = {s.session for s in problem.existing_sessions if s.status == "pinned"}
    out = []
    for row in sessions:
        case = problem.case_by_id.get(row.case)
        if case is None or case.id in expired or case.session(row.session) is None:
            continue
        sdoc = row.to_doc()
        frozen = row.start.date() < frozen_before
        sdoc["status"] = "pinned" if frozen or row.session in pins else "confirmed"
        out.append(sdoc)
    return out


def _remove_cases(doc: dict[str, Any], case_ids: set[str]) -> None:
    """Take cases out of the document, with every reference to their parties."""
    if not case_ids:
        return
    gone = {p["id"] for c in doc["cases"] if c["id"] in case_ids for p in c["parties"]}
    doc["cases"] = [c for c in doc["cases"] if c["id"] not in case_ids]
    if "keep_apart" in doc:
        doc["keep_apart"] = [pair for pair in doc["keep_apart"] if not gone & set(pair)]
    for f in doc.get("facilitators", []):
        if "conflicts" in f:
            f["conflicts"] = [p for p in f["conflicts"] if p not in gone]


def complete_plan(plan: Plan, expired: Sequence[str], run_date: dt.date) -> Plan:
    """Add the cases left out because their dates ended by the run date, as unscheduled."""
    if not expired:
        return plan
    doc = plan.to_doc()
    doc.setdefault("unscheduled", [])
    for case_id in expired:
        message = f"the case's dates end on or before the re-plan of {run_date.isoformat()}"
        doc["unscheduled"].append(
            {"case": case_id, "reasons": [{"code": "NO_COMMON_TIME", "message": message}]}
        )
    return Plan.model_validate(doc)


def _load_dropping_unfit(
    doc: dict[str, Any], pinned: list[str], left_out: list[str], expired: list[str]
) -> ReplanInput:
    """Load the document; existing meetings it refuses are left out, and it is loaded again."""
    while True:
        try:
            problem = load_problem(doc)
            return ReplanInput(problem=problem, pinned=pinned, left_out=left_out, expired=expired)
        except DocumentError as exc:
            matches = [_EXISTING_PATH.match(issue.path) for issue in exc.issues]
            if not all(matches):
                raise  # the problem itself is broken: a re-plan cannot fix that
            for i in sorted({int(m.group(1)) for m in matches if m}, reverse=True):
                case_id = doc["existing"][i]["case"]
                left_out.append(case_id)
                if case_id in pinned:
                    pinned.remove(case_id)
                del doc["existing"][i]


@dataclass(frozen=True)
class Changes:
    """How a new plan differs from the meetings it replaces, case by case."""

    added: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # a different start or venue
    restaffed: list[str] = field(
        default_factory=list
    )  # same time and place, other facilitators or roles
    adjusted: list[str] = field(default_factory=list)  # room, waiting rooms, entrances or arrivals
    unchanged: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.dropped or self.moved or self.restaffed or self.adjusted)


def describe_changes(before: Sequence[Meeting], after: Plan) -> Changes:
    old = {m.case: m for m in before}
    new = {m.case: m for m in after.meetings}
    changes = Changes(dropped=sorted(set(old) - set(new)), added=sorted(set(new) - set(old)))
    for case_id in sorted(set(old) & set(new)):
        a, b = old[case_id], new[case_id]
        if (a.start, a.venue) != (b.start, b.venue):
            changes.moved.append(case_id)
        elif (a.lead, set(a.co_facilitators)) != (b.lead, set(b.co_facilitators)):
            changes.restaffed.append(case_id)
        elif _details(a) != _details(b):
            changes.adjusted.append(case_id)
        else:
            changes.unchanged.append(case_id)
    return changes


def _details(m: Meeting) -> dict[str, Any]:
    doc = m.to_doc()
    doc.pop("status", None)
    doc["attendance"] = sorted(doc["attendance"], key=lambda a: a["party"])
    return doc
