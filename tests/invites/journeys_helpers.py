"""The journeys test data (a problem with sessions and a valid plan of them), for invites."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

from scheduler.domain import Plan, Problem
from scheduler.formats import load_plan, load_problem
from tests.paths import DATA

_PROBLEM = json.loads((DATA / "journeys.problem.json").read_text(encoding="utf-8"))
_PLAN = json.loads((DATA / "journeys.plan.json").read_text(encoding="utf-8"))


def journeys_problem_doc() -> dict[str, Any]:
    return copy.deepcopy(_PROBLEM)


def journeys_plan_doc() -> dict[str, Any]:
    return copy.deepcopy(_PLAN)


def journeys_problem(edit: Any = None) -> Problem:
    doc = journeys_problem_doc()
    if edit is not None:
        edit(doc)
    return load_problem(doc)


def journeys_plan(edit: Any = None) -> Plan:
    doc = journeys_plan_doc()
    if edit is not None:
        edit(doc)
    return load_plan(doc)


def session_doc(plan: dict[str, Any], session_id: str) -> dict[str, Any]:
    return next(s for s in plan["sessions"] if s["session"] == session_id)


def shift_session(row: dict[str, Any], days: int) -> None:
    """Move a plan session by whole days (same wall clock), in place."""

    def move(text: str) -> str:
        when = dt.datetime.strptime(text, "%Y-%m-%dT%H:%M") + dt.timedelta(days=days)
        return when.strftime("%Y-%m-%dT%H:%M")

    row["start"], row["end"] = move(row["start"]), move(row["end"])
    row["on_site"] = {k: move(v) for k, v in row["on_site"].items()}
