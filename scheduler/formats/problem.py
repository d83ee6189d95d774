"""Load (strictly) and write problem documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scheduler.domain import Problem
from scheduler.formats.errors import DocumentError, Issue
from scheduler.formats.pydantic_errors import issues_from


def parse_json(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentError([Issue("", f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")], what) from None


def load_problem(data: dict[str, Any] | str | bytes) -> Problem:
    """A validated `Problem`, or `DocumentError` listing every problem found."""
    if isinstance(data, str | bytes):
        data = parse_json(data, "problem")
    if not isinstance(data, dict):
        raise DocumentError([Issue("", "must be a JSON object")], "problem")
    try:
        problem = Problem.model_validate(data)
    except ValidationError as exc:
        raise DocumentError(issues_from(exc), "problem") from None
    return problem


def load_problem_file(path: str | Path) -> Problem:
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise DocumentError([Issue("", f"cannot read {path}: {exc.strerror}")], "problem") from None
    return load_problem(text)


def dump_problem(problem: Problem) -> dict[str, Any]:
    """The problem document: exactly the keys that were given."""
    return problem.to_doc()
