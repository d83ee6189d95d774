"""Load and write plan documents."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from scheduler.domain import Plan, Problem
from scheduler.formats.errors import DocumentError, Issue
from scheduler.formats.problem import parse_json
from scheduler.formats.pydantic_errors import issues_from


def load_plan(data: dict[str, Any] | str | bytes, problem: Problem | None = None) -> Plan:
    if isinstance(data, str | bytes):
        data = parse_json(data, "plan")
    if not isinstance(data, dict):
        raise DocumentError([Issue("", "must be a JSON object")], "plan")
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise DocumentError(issues_from(exc), "plan") from None


def dump_plan(plan: Plan) -> dict[str, Any]:
    return plan.to_doc()
