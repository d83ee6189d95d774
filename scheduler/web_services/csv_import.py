"""CSV sheets of facilitators, venues, cases, parties and sessions, merged into the stored problem.

Each sheet is parsed cell by cell into document records (columns: `csv_columns`), merged
(by id) into the problem already in the database, and the whole result is validated
with the same strict checks as a JSON import. Every problem of every sheet is reported
in one answer, each naming its sheet, row (the header is row 1, as in a spreadsheet),
column and the value given; nothing is written unless every row of every sheet is valid.

Choices where the spec is silent: a problem document must have been imported first (the
sheets carry no horizon, timezone or policy); an empty cell means "not given" (the
document's default applies); a row of empty cells is skipped; cases and parties come as
two sheets (a case needs its parties), and a case's parties are exactly the rows of the
parties sheet naming it; an id twice in one sheet is refused (not "the last row wins").

Sessions (case journeys): a case's sessions are exactly the rows of the sessions sheet
naming it, when that sheet is sent and the case is in it or in the cases sheet; without
a sessions sheet every case keeps the sessions it has (a cases sheet alone does not
drop them). A sessions sheet may come alone, for cases already imported.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from scheduler.formats import DocumentError, Issue, load_problem
from scheduler.storage.problems import export_problem, has_problem
from scheduler.web_services.csv_columns import COLUMNS, KINDS, MULTILINE, SHEETS, BadCell, Column

__all__ = ["KINDS", "CellIssue", "SheetError", "import_sheets", "merge_sheets", "read_sheet"]

# The csv module's own limit per cell; a longer cell is refused with this number.
MAX_CELL_CHARS = csv.field_size_limit()
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SHOWN_VALUE = 60  # characters of a bad value repeated in its error


def shown(value: str) -> str:
    """The value as a person can read it back: quoted, control characters visible, short."""
    cut = value if len(value) <= SHOWN_VALUE else value[:SHOWN_VALUE] + "…"
    return json.dumps(cut, ensure_ascii=False)


@dataclass(frozen=True)
class CellIssue:
    """One problem, at a sheet, row and column when it has one, with the value given."""

    sheet: str | None
    row: int | None
    column: str | None
    problem: str
    value: str | None = None

    @property
    def path(self) -> str:
        parts = [f"{self.sheet}.csv"] if self.sheet else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    @property
    def reason(self) -> str:
        if self.value is None or self.value == "":
            return self.problem
        return f"{self.problem} (the cell holds {shown(self.value)})"

    @property
    def cell(self) -> tuple[str | None, int | None, str | None]:
        return self.sheet, self.row, self.column

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "reason": self.reason,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else self.value[:SHOWN_VALUE],
        }


class SheetError(ValueError):
    def __init__(self, issues: list[CellIssue]) -> None:
        self.issues = issues
        super().__init__("; ".join(str(i) for i in issues))


@dataclass
class _Row:
    sheet: str
    number: int  # spreadsheet row number (header = 1)
    record: dict[str, Any]
    raw: dict[str, str]  # column → cell text as given
    case: str | None = None
    bad: set[str] = field(default_factory=set)  # columns already reported


# --------------------------------------------------------------------------- reading


def read_sheet(sheet: str, text: str) -> tuple[list[_Row], list[CellIssue]]:
    """The sheet's rows as records, and every problem of its cells (all of them)."""
    columns = COLUMNS[sheet]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    issues: list[CellIssue] = []
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return [], [
            CellIssue(sheet, None, None, "is empty: it needs a header row naming the columns")
        ]
    except csv.Error as exc:
        return [], [CellIssue(sheet, 1, None, f"cannot be read as CSV ({exc})")]
    seen: dict[str, int] = {}
    for position, name in enumerate(header):
        if name in seen:
            issues.append(CellIssue(sheet, 1, name, "is a column named twice in the header"))
        elif name and name not in columns:
            issues.append(
                CellIssue(sheet, 1, name, "is not a known column: see the sheet's column guide")
            )
        seen.setdefault(name, position)
    missing = [c.name for c in SHEETS[sheet] if c.required and c.name not in seen]
    issues += [
        CellIssue(sheet, 1, c, "is a required column: add it to the header") for c in missing
    ]
    if missing:
        return [], issues
    rows: list[_Row] = []
    first_row_of: dict[str, int] = {}
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            issues.append(CellIssue(sheet, number, None, _csv_problem(exc)))
            continue
        if not any(c.strip() for c in cells):
            continue  # a blank line or a row of empty cells, as spreadsheets export
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            issues.append(
                CellIssue(
                    sheet,
                    number,
                    None,
                    f"has {len(cells)} cells but the header names {len(header)} columns",
                )
            )
            continue
        row = _read_row(sheet, number, header, cells, issues)
        ident = row.raw.get("id", "")
        if ident and "id" not in row.bad:
            if ident in first_row_of:
                issues.append(
                    CellIssue(
                        sheet,
                        number,
                        "id",
                        f"is the same id as row {first_row_of[ident]}: each id may appear once in a sheet",
                        ident,
                    )
                )
                continue
            first_row_of[ident] = number
        rows.append(row)
    return rows, issues


def _csv_problem(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"has a cell longer than {MAX_CELL_CHARS:,} characters, the most a cell may hold; "
            "nothing in this row was read"
        )
    return f"cannot be read as CSV ({exc})"


def _read_row(
    sheet: str, number: int, header: list[str], cells: list[str], issues: list[CellIssue]
) -> _Row:
    columns = COLUMNS[sheet]
    row = _Row(sheet, number, {}, {})
    for name, cell in zip(header, cells, strict=False):
        column = columns.get(name)
        value = cell.strip()
        if column is None or name in row.raw:
            continue  # unknown or repeated column: reported at the header
        row.raw[name] = value
        if not value:
            continue
        problem = _cell_problem(column, value)
        if problem is None:
            try:
                parsed = column.read(value)
            except BadCell as bad:
                problem = str(bad)
        if problem is not None:
            issues.append(CellIssue(sheet, number, name, problem, value))
            row.bad.add(name)
            continue
        if column.path == "":  # the parties' and sessions' case column
            row.case = parsed
        else:
            _put(row.record, column.path, parsed)
    for column in SHEETS[sheet]:
        if column.required and not row.raw.get(column.name) and column.name not in row.bad:
            issues.append(CellIssue(sheet, number, column.name, "must not be empty"))
            row.bad.add(column.name)
    return row


def _cell_problem(column: Column, value: str) -> str | None:
    control = _CONTROL_BUT_LINES if column.read in MULTILINE else _CONTROL
    found = control.search(value)
    if found:
        char = found.group()
        what = (
            "a line break"
            if char in "\r\n\u2028\u2029"
            else f"the control character U+{ord(char):04X}"
        )
        return f"contains {what}: a cell must be one line of ordinary text"
    return None


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

    Also returns what the sheets listed (a partial document for `import_problem`). Every
    problem of every sheet is in the one SheetError.
    """
    issues = [
        CellIssue(None, None, None, f"{k!r} is not a sheet: send {', '.join(KINDS)}")
        for k in sheets
        if k not in KINDS
    ]
    parsed: dict[str, list[_Row]] = {}
    for sheet in KINDS:
        if sheet in sheets:
            parsed[sheet], found = read_sheet(sheet, sheets[sheet])
            issues += found
    if "parties" in parsed and "cases" not in parsed:
        issues.append(
            CellIssue(
                "parties", None, None,
                "needs the cases sheet too: a case is imported with all its parties",
            )
        )  # fmt: skip
    doc = json.loads(json.dumps(base))
    kept = {c.get("id"): c["sessions"] for c in doc.get("cases", []) if "sessions" in c}
    locate: dict[str, _Row] = {}  # document path of a record → its row
    for kind in ("facilitators", "venues", "cases"):
        if kind in parsed:
            _upsert(doc, kind, parsed[kind], locate)
    if "cases" in parsed:
        issues += _attach_parties(doc, parsed["cases"], parsed.get("parties", []), locate)
    if "sessions" in parsed:
        issues += _attach_sessions(doc, parsed.get("cases", []), parsed["sessions"], locate)
    for case in doc.get("cases", []):  # a case re-sent without a sessions sheet keeps them
        if "sessions" not in case and case.get("id") in kept:
            case["sessions"] = kept[case["id"]]
    try:
        load_problem(doc)
    except DocumentError as exc:
        reported = {i.cell for i in issues}
        for issue in exc.issues:
            mapped = _locate(issue, locate)
            if mapped.cell not in reported or mapped.column is None:
                issues.append(mapped)
                reported.add(mapped.cell)
    if issues:
        raise SheetError(_dedupe(issues))
    listed: dict[str, Any] = {
        k: [r.record for r in parsed[k]]
        for k in ("facilitators", "venues", "cases", "sessions")
        if k in parsed
    }
    return doc, listed


def _dedupe(issues: list[CellIssue]) -> list[CellIssue]:
    """Each problem once, in reading order: sheet, row, then column as in the guide."""
    out, seen = [], set()
    for i in issues:
        if (i.path, i.reason) not in seen:
            seen.add((i.path, i.reason))
            out.append(i)

    def order(i: CellIssue) -> tuple[int, int, int]:
        sheet = KINDS.index(i.sheet) if i.sheet in KINDS else -1
        names = [c.name for c in SHEETS.get(i.sheet or "", [])]
        column = names.index(i.column) if i.column in names else len(names)
        return sheet, i.row or 0, column

    return sorted(out, key=order)


def _upsert(doc: dict[str, Any], kind: str, rows: list[_Row], locate: dict[str, _Row]) -> None:
    records = doc.setdefault(kind, [])
    index = {r.get("id"): i for i, r in enumerate(records)}
    for row in rows:
        ident = row.record.get("id")
        if kind == "cases":
            row.record["parties"] = []
        i = index.get(ident) if ident is not None else None
        if i is None:
            i = len(records)
            if ident is not None:
                index[ident] = i
            records.append(row.record)
        else:
            records[i] = row.record
        locate[f"{kind}[{i}]"] = row


def _attach_parties(
    doc: dict[str, Any], case_rows: list[_Row], party_rows: list[_Row], locate: dict[str, _Row]
) -> list[CellIssue]:
    issues = []
    position = {c.get("id"): i for i, c in enumerate(doc["cases"])}
    listed = {r.record.get("id") for r in case_rows}
    for row in party_rows:
        if row.case is None:
            continue  # its case cell was reported already
        if row.case not in listed:
            issues.append(
                CellIssue(
                    "parties", row.number, "case",
                    "names a case that is not in the cases sheet", row.case,
                )
            )  # fmt: skip
            continue
        i = position[row.case]
        parties = doc["cases"][i]["parties"]
        locate[f"cases[{i}].parties[{len(parties)}]"] = row
        parties.append(row.record)
    return issues


def _attach_sessions(
    doc: dict[str, Any], case_rows: list[_Row], session_rows: list[_Row], locate: dict[str, _Row]
) -> list[CellIssue]:
    """Each case named in the sessions sheet, or sent in the cases sheet, gets exactly the
    sessions of the rows naming it, in the sheet's order."""
    issues = []
    cases = doc.get("cases", [])
    position = {c.get("id"): i for i, c in enumerate(cases)}
    touched = {r.record.get("id") for r in case_rows} | {r.case for r in session_rows}
    for ident in touched:
        if ident in position:
            cases[position[ident]]["sessions"] = []
    # Ids that cases left alone keep: a row reusing one is refused at its own cell.
    kept = {
        s.get("id"): c.get("id")
        for c in cases
        if c.get("id") not in touched
        for s in c.get("sessions", [])
        if isinstance(s, dict)
    }
    for row in session_rows:
        if row.case is None:
            continue  # its case cell was reported already
        if row.case not in position:
            issues.append(
                CellIssue(
                    "sessions", row.number, "case",
                    "names a case that is neither in the cases sheet nor already imported",
                    row.case,
                )
            )  # fmt: skip
            continue
        ident = row.record.get("id")
        if ident in kept:
            issues.append(
                CellIssue(
                    "sessions", row.number, "id",
                    f"is the id of a session of case {kept[ident]!r}: session ids are unique "
                    "across all cases",
                    row.raw.get("id"),
                )
            )  # fmt: skip
            continue
        i = position[row.case]
        sessions = cases[i]["sessions"]
        locate[f"cases[{i}].sessions[{len(sessions)}]"] = row
        sessions.append(row.record)
    return issues


def _locate(issue: Issue, locate: dict[str, _Row]) -> CellIssue:
    """Turn a document path (cases[3].parties[1].age) into sheet, row, column and value."""
    best = max(
        (p for p in locate if issue.path == p or issue.path.startswith((p + ".", p + "["))),
        key=len,
        default=None,
    )
    if best is None:
        where = f"the stored problem, at {issue.path}" if issue.path else "the stored problem"
        return CellIssue(None, None, None, f"{where}: {issue.reason}")
    row = locate[best]
    rest = issue.path[len(best) :].lstrip(".")
    column = _column_of(row.sheet, rest)
    value = row.raw.get(column) if column else None
    reason = issue.reason
    if row.sheet == "cases" and rest.startswith("parties") and column is None:
        reason = f"its parties (the rows of the parties sheet naming it) {reason}"
        return CellIssue(row.sheet, row.number, None, reason)
    if row.sheet == "cases" and rest.startswith("sessions") and column is None:
        reason = f"its sessions (the rows of the sessions sheet naming it) {reason}"
        return CellIssue(row.sheet, row.number, None, reason)
    if column is None and rest:
        return CellIssue(row.sheet, row.number, None, f"{rest}: {reason}")
    if reason == "is required" and column and rest == COLUMNS[row.sheet][column].path:
        reason += ": fill in this cell" if column in row.raw else ": add this column to the sheet"
    elif reason == "is required" and column:  # a group of columns: home_lat and home_lon
        group = [c.name for c in SHEETS[row.sheet] if c.path and c.key == rest]
        reason += f": fill in {' and '.join(group)}" if len(group) > 1 else ""
    elif column and COLUMNS[row.sheet][column].read in MULTILINE:
        inside = rest[len(COLUMNS[row.sheet][column].path) :].lstrip(".")
        if inside:  # where inside the cell's JSON
            reason = f"at {inside}: {reason}"
    return CellIssue(row.sheet, row.number, column, reason, value)


def _column_of(sheet: str, rest: str) -> str | None:
    """The column filling the document key path `rest` (its longest known prefix)."""
    if not rest:
        return None
    keys = re.split(r"\.|\[", rest)
    by_path = {c.path: c.name for c in SHEETS[sheet] if c.path}
    for n in range(len(keys), 0, -1):
        name = by_path.get(".".join(keys[:n]))
        if name:
            return name
    return next((c.name for c in SHEETS[sheet] if c.path and c.key == keys[0]), None)


def import_sheets(session, sheets: dict[str, str], *, now) -> tuple[dict[str, int], Any]:  # type: ignore[no-untyped-def]
    """Merge the sheets into the stored problem and import the result (caller's transaction)."""
    from scheduler.storage.problems import import_problem

    if not has_problem(session):
        raise SheetError(
            [
                CellIssue(
                    None, None, None,
                    "import a problem document first: the sheets have no horizon, timezone or policy",
                )
            ]
        )  # fmt: skip
    base = export_problem(session).to_doc()
    doc, listed = merge_sheets(base, sheets)
    summary = import_problem(session, load_problem(doc), replace=False, now=now)
    return {k: len(v) for k, v in listed.items()}, summary
