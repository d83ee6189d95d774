"""Turn pydantic's errors into `Issue`s with JSON paths and plain reasons."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from scheduler import domain
from scheduler.formats.errors import Issue, path_key


def json_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = path_key(part)
            out += key if key.startswith("[") else ("." if out else "") + key
    return out


def _whole_number_keys() -> frozenset[str]:
    """Keys whose value is a whole number, so a range error can say "a whole number ≥ 0"."""
    keys = set()
    for obj in vars(domain).values():
        if isinstance(obj, type) and issubclass(obj, BaseModel):
            for name, f in obj.model_fields.items():
                args = typing.get_args(f.annotation) or (f.annotation,)
                # ClockMinutes ("from"/"to") are ints inside but times of day outside.
                if int in args:
                    keys.add(f.alias or name)
    return frozenset(keys - {"from", "to"})


WHOLE_NUMBER_KEYS = _whole_number_keys()

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
    "string_too_short": "must not be empty",
    "finite_number": "must be a finite number",
}


def _kind_of_number(loc: tuple[int | str, ...]) -> str:
    last = next((p for p in reversed(loc) if isinstance(p, str)), "")
    return "a whole number" if last in WHOLE_NUMBER_KEYS else "a number"


def reason_of(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    loc = tuple(err.get("loc", ()))
    if kind in _TYPE_REASONS:
        return _TYPE_REASONS[kind]
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected', '')}".replace("'", "")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign, bound = {
            "greater_than_equal": ("≥", ctx.get("ge")),
            "greater_than": (">", ctx.get("gt")),
            "less_than_equal": ("≤", ctx.get("le")),
            "less_than": ("<", ctx.get("lt")),
        }[kind]
        return f"must be {_kind_of_number(loc)} {sign} {bound}"
    if kind == "too_short":
        n = ctx.get("min_length")
        return "must not be empty" if n == 1 else f"must have at least {n} items"
    if kind == "too_long":
        n = ctx.get("max_length")
        return f"must have at most {n} item{'s' if n != 1 else ''}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    msg = str(err["msg"])
    return msg[0].lower() + msg[1:]


def issues_from(error: ValidationError, prefix: tuple[int | str, ...] = ()) -> list[Issue]:
    """Every error of `error`, its path prefixed with `prefix` (the record's place in the document)."""
    out = []
    for err in error.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        out.append(Issue(json_path(prefix + loc), reason_of({**err, "loc": loc})))
    return out
