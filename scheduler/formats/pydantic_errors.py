"""Turn pydantic's errors into `Issue`s with JSON paths and plain reasons."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from scheduler.formats.errors import Issue


def json_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_TYPE_REASONS = {
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "int_parsing": "must be a whole number",
    "float_type": "must be a number",
    "float_parsing": "must be a number",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be text",
    "list_type": "must be a list",
    "dict_type": "must be an object",
    "model_type": "must be an object",
    "model_attributes_type": "must be an object",
    "missing": "is required",
    "extra_forbidden": "is not a known key",
}


def reason_of(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind in _TYPE_REASONS:
        reason = _TYPE_REASONS[kind]
    elif kind == "literal_error":
        reason = f"must be one of {ctx.get('expected', '')}".replace("'", "")
    elif kind == "greater_than_equal":
        reason = f"must be ≥ {ctx.get('ge')}"
    elif kind == "greater_than":
        reason = f"must be > {ctx.get('gt')}"
    elif kind == "less_than_equal":
        reason = f"must be ≤ {ctx.get('le')}"
    elif kind == "less_than":
        reason = f"must be < {ctx.get('lt')}"
    elif kind == "too_short":
        reason = f"must have at least {ctx.get('min_length')} item(s)"
    elif kind == "too_long":
        reason = f"must have at most {ctx.get('max_length')} item(s)"
    elif kind == "string_too_short":
        reason = "must not be empty"
    elif kind == "value_error":
        reason = str(ctx.get("error", err["msg"]))
    else:
        reason = err["msg"][0].lower() + err["msg"][1:]
    return reason


def issues_from(error: ValidationError, prefix: tuple[int | str, ...] = ()) -> list[Issue]:
    out = []
    for err in error.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        out.append(Issue(json_path(prefix + loc), reason_of(dict(err))))
    return out
