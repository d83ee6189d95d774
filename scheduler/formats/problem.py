"""Load (strictly) and write problem documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scheduler.domain import Problem
from scheduler.formats.errors import DocumentError, Issue
from scheduler.formats.parsed_records import parse_parts
from scheduler.formats.problem_checks import check_problem
from scheduler.formats.pydantic_errors import issues_from
from scheduler.formats.untrusted_json import parse_untrusted_json


def parse_json(text: str | bytes, what: str) -> Any:
    """The parsed JSON of an untrusted text (see `untrusted_json`): sizes, depth, numbers."""
    return parse_untrusted_json(text, what)


def problem_issues(data: Any) -> list[Issue]:
    """Every problem found in a problem document (already parsed from JSON); [] if it is valid."""
    if not isinstance(data, dict):
        return [Issue("", "must be a JSON object")]
    parts, issues = parse_parts(data)
    return issues + check_problem(parts)


def load_problem(data: dict[str, Any] | str | bytes) -> Problem:
    """A validated `Problem`, or `DocumentError` listing every problem found.

    Phase one checks the shape of each record on its own; phase two the rules that tie
    records together (ids, references, dates, clock changes), on whatever parsed.
    """
    if isinstance(data, str | bytes):
        data = parse_json(data, "problem")
    issues = problem_issues(data)
    if issues:
        raise DocumentError(issues, "problem")
    try:
        return Problem.model_validate(data)
    except ValidationError as exc:  # not expected: phase one covers the whole shape
        raise DocumentError(issues_from(exc), "problem") from None


def load_problem_file(path: str | Path) -> Problem:
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise DocumentError([Issue("", f"cannot read {path}: {exc.strerror}")], "problem") from None
    return load_problem(text)


def dump_problem(problem: Problem) -> dict[str, Any]:
    """The problem document: exactly the keys that were given."""
    return problem.to_doc()
