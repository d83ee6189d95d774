"""Phase one of loading a problem: the shape of every record, one record at a time.

Each facilitator, venue, case and existing meeting is validated on its own, so that
one broken record neither hides the errors of the others nor stops the semantic
checks (phase two) from running on the records that did parse. Ids of records that
did *not* parse are still collected from the raw JSON, so a broken facilitator does
not make every reference to it look dangling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from scheduler.domain import (
    Case,
    Facilitator,
    Horizon,
    Id,
    Meeting,
    PlanSession,
    Policy,
    Problem,
    Venue,
)
from scheduler.formats.errors import Issue
from scheduler.formats.pydantic_errors import issues_from

# The lists validated record by record; everything else is validated as one object.
RECORD_LISTS: dict[str, type[BaseModel]] = {
    "facilitators": Facilitator,
    "venues": Venue,
    "cases": Case,
    "existing": Meeting,
    "existing_sessions": PlanSession,
}

_KEEP_APART = TypeAdapter(list[list[Id]])


@dataclass
class Parts:
    """What parsed, each record with its index in the document, plus raw ids of what did not."""

    timezone: str | None = None
    horizon: Horizon | None = None
    slot_minutes: int | None = None
    policy: Policy | None = None
    facilitators: list[tuple[int, Facilitator]] = field(default_factory=list)
    venues: list[tuple[int, Venue]] = field(default_factory=list)
    cases: list[tuple[int, Case]] = field(default_factory=list)
    keep_apart: list[tuple[int, list[str]]] = field(default_factory=list)
    existing: list[tuple[int, Meeting]] = field(default_factory=list)
    existing_sessions: list[tuple[int, PlanSession]] = field(default_factory=list)
    # Ids seen in records that failed to parse: references to them are not reported.
    unparsed_ids: dict[str, set[str]] = field(default_factory=dict)
    # party id → case id (or None) for parties of cases that failed to parse.
    unparsed_party_case: dict[str, str | None] = field(default_factory=dict)
    # Record lists present but not lists at all: no reference into them is reported.
    unreadable: set[str] = field(default_factory=set)


def parse_parts(data: dict[str, Any]) -> tuple[Parts, list[Issue]]:
    """Validate the shape of `data` record by record; never raises."""
    issues: list[Issue] = []
    parts = Parts()
    top = dict(data)
    for key, model in RECORD_LISTS.items():
        items = data.get(key)
        if not isinstance(items, list):
            if key in data:
                parts.unreadable.add(key)
            continue  # the top-level validation reports the wrong type
        top[key] = []
        parsed: list[tuple[int, Any]] = getattr(parts, key)
        for i, item in enumerate(items):
            try:
                parsed.append((i, model.model_validate(item)))
            except ValidationError as exc:
                issues.extend(issues_from(exc, (key, i)))
                _remember_raw_ids(parts, key, item)
    try:
        shell = Problem.model_validate(top)
        parts.timezone, parts.horizon = shell.timezone, shell.horizon
        parts.slot_minutes, parts.policy = shell.slot_minutes, shell.policy
        parts.keep_apart = list(enumerate(shell.keep_apart))
    except ValidationError as exc:
        issues.extend(issues_from(exc))
        _salvage_top(parts, data)
    return parts, issues


def _salvage_top(parts: Parts, data: dict[str, Any]) -> None:
    """The top-level values that are fine on their own, when the top level as a whole is not."""
    tz = data.get("timezone", "Europe/London")
    parts.timezone = tz if isinstance(tz, str) else None
    parts.horizon = _quietly(Horizon, data.get("horizon"))
    slot = data.get("slot_minutes", 15)
    ok_slot = isinstance(slot, int) and not isinstance(slot, bool) and 1 <= slot <= 1440
    parts.slot_minutes = slot if ok_slot else None
    parts.policy = _quietly(Policy, data.get("policy", {}))
    pairs = data.get("keep_apart", [])
    if isinstance(pairs, list):
        for i, pair in enumerate(pairs):
            try:
                parsed = _KEEP_APART.validate_python([pair])[0]
            except ValidationError:
                continue
            if len(parsed) == 2:
                parts.keep_apart.append((i, parsed))


def _quietly(model: type[BaseModel], value: Any) -> Any:
    try:
        return model.model_validate(value)
    except ValidationError:
        return None


def _remember_raw_ids(parts: Parts, key: str, item: Any) -> None:
    if not isinstance(item, dict):
        return
    if isinstance(item.get("id"), str):
        parts.unparsed_ids.setdefault(key, set()).add(item["id"])
    if key == "venues" and isinstance(item.get("prison"), str):
        parts.unparsed_ids.setdefault("prisons", set()).add(item["prison"])
    if key == "cases" and isinstance(item.get("parties"), list):
        case_id = item["id"] if isinstance(item.get("id"), str) else None
        for p in item["parties"]:
            if isinstance(p, dict) and isinstance(p.get("id"), str):
                parts.unparsed_party_case[p["id"]] = case_id
    if key == "cases" and isinstance(item.get("sessions"), list):
        for s in item["sessions"]:
            if isinstance(s, dict) and isinstance(s.get("id"), str):
                parts.unparsed_ids.setdefault("sessions", set()).add(s["id"])
