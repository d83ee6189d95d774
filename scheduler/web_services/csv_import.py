"""CSV sheets of facilitators, venues, cases and parties, merged into the stored problem.

Each sheet is parsed cell by cell into document records, merged (by id) into the problem
already in the database, and the whole result is validated with the same strict checks
as a JSON import. Every error names its sheet, row (the header is row 1, as in a
spreadsheet) and column; nothing is written unless every row of every sheet is valid.
Columns are documented in ``docs/web.md``.

Choices where the spec is silent: a problem document must have been imported first (the
sheets carry no horizon, timezone or policy); an empty cell means "not given" (the
document's default applies); cases and parties come as two sheets (a case needs its
parties), and a case's parties are exactly the rows of the parties sheet naming it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scheduler.formats import DocumentError, Issue, load_problem
from scheduler.storage.problems import export_problem, has_problem

KINDS = ("facilitators", "venues", "cases", "parties")


class SheetError(ValueError):
    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues))


class _Bad(ValueError):
    """One cell that cannot be read."""


# --------------------------------------------------------------------------- cell readers


def _text(v: str) -> str:
    return v


def _number(v: str) -> float:
    try:
        return float(v)
    except ValueError:
        raise _Bad("must be a number") from None


def _whole(v: str) -> int:
    if not re.fullmatch(r"-?\d+", v):
        raise _Bad("must be a whole number")
    return int(v)


def _flag(v: str) -> bool:
    low = v.lower()
    if low in ("true", "yes", "y", "1"):
        return True
    if low in ("false", "no", "n", "0"):
        return False
    raise _Bad("must be true or false")


def _list(v: str) -> list[str]:
    return [x.strip() for x in v.split(";") if x.strip()]


def _json(v: str) -> Any:
    try:
        return json.loads(v)
    except json.JSONDecodeError as exc:
        raise _Bad(f"must be JSON ({exc.msg})") from None


def _rooms(v: str) -> list[dict[str, Any]]:
    out = []
    for item in _list(v):
        rid, sep, cap = item.partition(":")
        if not sep or not re.fullmatch(r"\d+", cap.strip()):
            raise _Bad("must list rooms as id:capacity separated by ';' (e.g. R1:10;R2:6)")
        out.append({"id": rid.strip(), "capacity": int(cap)})
    return out


Reader = Callable[[str], Any]

# column → (document key path, reader); a key path with "." nests (home.lat).
FACILITATOR_COLUMNS: dict[str, tuple[str, Reader]] = {
    "id": ("id", _text), "name": ("name", _text), "email": ("email", _text),
    "home_lat": ("home.lat", _number), "home_lon": ("home.lon", _number),
    "level": ("level", _text), "skills": ("skills", _list), "languages": ("languages", _list),
    "gender": ("gender", _text), "max_meetings_per_day": ("max_meetings_per_day", _whole),
    "max_meetings_per_week": ("max_meetings_per_week", _whole),
    "max_travel_km": ("max_travel_km", _number), "conflicts": ("conflicts", _list),
    "availability": ("availability", _json),
}  # fmt: skip
VENUE_COLUMNS: dict[str, tuple[str, Reader]] = {
    "id": ("id", _text), "name": ("name", _text), "kind": ("kind", _text),
    "address": ("address", _text), "lat": ("location.lat", _number), "lon": ("location.lon", _number),
    "rooms": ("rooms", _rooms), "waiting_rooms": ("waiting_rooms", _list),
    "separate_entrances": ("separate_entrances", _flag), "entrances": ("entrances", _list),
    "step_free": ("step_free", _flag), "hearing_loop": ("hearing_loop", _flag),
    "prison": ("prison", _text), "availability": ("availability", _json),
}  # fmt: skip
CASE_COLUMNS: dict[str, tuple[str, Reader]] = {
    "id": ("id", _text), "reference": ("reference", _text), "offence": ("offence", _text),
    "risk": ("risk", _text), "referred_on": ("referred_on", _text), "priority": ("priority", _whole),
    "earliest": ("earliest", _text), "latest": ("latest", _text),
    "duration_minutes": ("duration_minutes", _whole),
    "facilitators_required": ("facilitators_required", _whole),
    "victim_initiated": ("victim_initiated", _flag),
    "protect_victim_locality": ("protect_victim_locality", _flag),
    "requires_separate_entrances": ("requires_separate_entrances", _flag),
    "first_to_arrive": ("first_to_arrive", _text),
    "preferred_facilitators": ("preferred_facilitators", _list),
}  # fmt: skip
PARTY_COLUMNS: dict[str, tuple[str, Reader]] = {
    "case": ("", _text), "id": ("id", _text), "role": ("role", _text), "supports": ("supports", _text),
    "relationship": ("relationship", _text), "name": ("name", _text), "email": ("email", _text),
    "home_lat": ("home.lat", _number), "home_lon": ("home.lon", _number), "age": ("age", _whole),
    "consent": ("consent", _flag), "in_custody": ("in_custody", _text),
    "step_free": ("needs.step_free", _flag), "hearing_loop": ("needs.hearing_loop", _flag),
    "language": ("needs.language", _text), "facilitator_gender": ("facilitator_gender.value", _text),
    "facilitator_gender_required": ("facilitator_gender.required", _flag),
    "max_travel_km": ("max_travel_km", _number), "exclusion_zones": ("exclusion_zones", _json),
    "availability": ("availability", _json),
}  # fmt: skip
COLUMNS = {
    "facilitators": FACILITATOR_COLUMNS,
    "venues": VENUE_COLUMNS,
    "cases": CASE_COLUMNS,
    "parties": PARTY_COLUMNS,
}
REQUIRED = {
    "facilitators": ("id",), "venues": ("id",), "cases": ("id",), "parties": ("case", "id"),
}  # fmt: skip


@dataclass
class _Row:
    sheet: str
    number: int  # spreadsheet row number (header = 1)
    record: dict[str, Any]
    key_of: dict[str, str]  # document key → column (for mapping validation errors back)
    case: str | None = None


def _where(sheet: str, row: int | None, column: str | None, reason: str) -> Issue:
    parts = [f"{sheet}.csv"]
    if row is not None:
        parts.append(f"row {row}")
    if column:
        parts.append(f"column {column}")
    return Issue(", ".join(parts), reason)


def read_sheet(sheet: str, text: str) -> tuple[list[_Row], list[Issue]]:
    columns = COLUMNS[sheet]
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    issues = [_where(sheet, 1, h, "unknown column") for h in header if h not in columns]
    issues += [
        _where(sheet, 1, c, "required column is missing")
        for c in REQUIRED[sheet]
        if c not in header
    ]
    if issues:
        return [], issues
    rows: list[_Row] = []
    for number, raw in enumerate(reader, start=2):
        if None in raw:
            issues.append(_where(sheet, number, None, "has more cells than the header"))
            continue
        record: dict[str, Any] = {}
        key_of: dict[str, str] = {}
        case = None
        for column, value in raw.items():
            value = (value or "").strip()
            column = (column or "").strip()
            if not value:
                continue
            path, read = columns[column]
            try:
                parsed = read(value)
            except _Bad as bad:
                issues.append(_where(sheet, number, column, str(bad)))
                continue
            if sheet == "parties" and column == "case":
                case = parsed
                continue
            _put(record, path, parsed)
            key_of.setdefault(path.split(".")[0], column)
        for column in REQUIRED[sheet]:
            if not (raw.get(column) or "").strip():
                issues.append(_where(sheet, number, column, "must not be empty"))
        rows.append(_Row(sheet, number, record, key_of, case))
    return rows, issues


def _put(record: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        record = record.setdefault(key, {})
    record[last] = value


# --------------------------------------------------------------------------- merge


def merge_sheets(
    base: dict[str, Any], sheets: dict[str, str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The problem document with the sheets' records upserted; raises SheetError.

    Also returns what the sheets listed (a partial document for `import_problem`).
    """
    unknown = [k for k in sheets if k not in KINDS]
    if unknown:
        raise SheetError([Issue(k, f"unknown sheet: expected {', '.join(KINDS)}") for k in unknown])
    parsed: dict[str, list[_Row]] = {}
    issues: list[Issue] = []
    for sheet, text in sheets.items():
        parsed[sheet], found = read_sheet(sheet, text)
        issues += found
    if "parties" in parsed and "cases" not in parsed:
        issues.append(
            Issue(
                "parties.csv", "needs the cases sheet too (a case is imported with all its parties)"
            )
        )
    if issues:
        raise SheetError(issues)
    doc = json.loads(json.dumps(base))
    locate: dict[str, tuple[_Row, str]] = {}  # document path prefix → row
    for kind in ("facilitators", "venues", "cases"):
        if kind in parsed:
            _upsert(doc, kind, parsed[kind], locate)
    if "cases" in parsed:
        issues += _attach_parties(doc, parsed["cases"], parsed.get("parties", []), locate)
    if issues:
        raise SheetError(issues)
    try:
        load_problem(doc)
    except DocumentError as exc:
        raise SheetError([_locate(issue, locate) for issue in exc.issues]) from None
    listed: dict[str, Any] = {
        k: [r.record for r in parsed[k]] for k in ("facilitators", "venues", "cases") if k in parsed
    }
    return doc, listed


def _upsert(
    doc: dict[str, Any], kind: str, rows: list[_Row], locate: dict[str, tuple[_Row, str]]
) -> None:
    records = doc.setdefault(kind, [])
    index = {r.get("id"): i for i, r in enumerate(records)}
    for row in rows:
        i = index.get(row.record.get("id"))
        if kind == "cases":
            row.record["parties"] = []
        if i is None:
            index[row.record.get("id")] = i = len(records)
            records.append(row.record)
        else:
            records[i] = row.record
        locate[f"{kind}[{i}]"] = (row, "")


def _attach_parties(doc, case_rows: list[_Row], party_rows: list[_Row], locate) -> list[Issue]:  # type: ignore[no-untyped-def]
    issues = []
    position = {c.get("id"): i for i, c in enumerate(doc["cases"])}
    listed = {r.record.get("id") for r in case_rows}
    for row in party_rows:
        if row.case not in listed:
            issues.append(
                _where(
                    "parties", row.number, "case", f"case {row.case!r} is not in the cases sheet"
                )
            )
            continue
        i = position[row.case]
        parties = doc["cases"][i]["parties"]
        locate[f"cases[{i}].parties[{len(parties)}]"] = (row, "")
        parties.append(row.record)
    return issues


def _locate(issue: Issue, locate: dict[str, tuple[_Row, str]]) -> Issue:
    """Turn a document path (cases[3].parties[1].age) into sheet, row and column."""
    best = max(
        (p for p in locate if issue.path == p or issue.path.startswith((p + ".", p + "["))),
        key=len,
        default=None,
    )
    if best is None:
        return Issue(f"(stored data) {issue.path}".strip(), issue.reason)
    row, _ = locate[best]
    rest = issue.path[len(best) :].lstrip(".")
    key = re.split(r"[.\[]", rest, maxsplit=1)[0] if rest else ""
    column = row.key_of.get(key, key) or None
    if (
        row.sheet in ("facilitators", "venues", "parties")
        and key in ("home", "location")
        and "." in rest
    ):
        column = row.key_of.get(key, key)
    return _where(row.sheet, row.number, column, issue.reason)


def import_sheets(session, sheets: dict[str, str], *, now) -> tuple[dict[str, int], Any]:  # type: ignore[no-untyped-def]
    """Merge the sheets into the stored problem and import the result (caller's transaction)."""
    from scheduler.storage.problems import import_problem

    if not has_problem(session):
        raise SheetError(
            [
                Issue(
                    "",
                    "import a problem document first: the sheets have no horizon, timezone or policy",
                )
            ]
        )
    base = export_problem(session).to_doc()
    doc, listed = merge_sheets(base, sheets)
    summary = import_problem(session, load_problem(doc), replace=False, now=now)
    return {k: len(v) for k, v in listed.items()}, summary
