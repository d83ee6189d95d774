"""The CSV sheets' columns: the one list that reads cells, and writes the templates and guides.

Each column says which document key it fills, how a cell is read, what it holds in plain
words and an example. The import reads cells with it, the app's import page shows it as
the column guide, ``/import/templates/<sheet>.csv`` is its header row, and the table in
``docs/web.md`` is `markdown_guide()` (a test keeps the two the same).
"""

from __future__ import annotations

import calendar
import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from scheduler import domain

KINDS = ("facilitators", "venues", "cases", "parties", "sessions")


class BadCell(ValueError):
    """One cell that cannot be read; the message says what to enter instead."""


# --------------------------------------------------------------------------- cell readers


def _text(v: str) -> str:
    return v


def _number(v: str) -> float:
    try:
        number = float(v)
    except ValueError:
        raise BadCell("must be a number, for example 40 or 52.48") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise BadCell("must be an ordinary number, for example 40 (not infinity or NaN)")
    return number


def _whole(v: str) -> int:
    if not re.fullmatch(r"-?\d{1,15}", v):
        raise BadCell("must be a whole number, for example 3")
    return int(v)


def _flag(v: str) -> bool:
    low = v.lower()
    if low in ("true", "yes", "y", "1"):
        return True
    if low in ("false", "no", "n", "0"):
        return False
    raise BadCell("must be true or false (or yes or no)")


def _list(v: str) -> list[str]:
    return [x.strip() for x in v.split(";") if x.strip()]


def _json(v: str) -> Any:
    try:
        return json.loads(v)
    except (json.JSONDecodeError, RecursionError) as exc:
        why = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
        raise BadCell(f"must be JSON as in the document format ({why})") from None


def _rooms(v: str) -> list[dict[str, Any]]:
    out = []
    for item in _list(v):
        rid, sep, cap = item.partition(":")
        if not sep or not rid.strip() or not re.fullmatch(r"\d{1,6}", cap.strip()):
            raise BadCell("must list rooms as id:capacity separated by ';', for example R1:10;R2:6")
        out.append({"id": rid.strip(), "capacity": int(cap)})
    return out


MONTHS = list(calendar.month_name)


def _date(v: str) -> str:
    """A YYYY-MM-DD date; an impossible one (30 February) is named as such."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", v)
    if not match:
        raise BadCell("must be a date written YYYY-MM-DD, for example 2027-03-04")
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12:
        raise BadCell(f"has no month {month}: enter a real date, for example {year}-03-04")
    last = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if year < 1 or not 1 <= day <= last:
        raise BadCell(
            f"{day} {MONTHS[month]} {year} is not a real date: enter a real date, "
            f"for example {year:04d}-{month:02d}-{min(max(day, 1), last):02d}"
        )
    return v


def _one_of(kind: Any) -> str:
    return ", ".join(get_args(kind))


Reader = Callable[[str], Any]
KIND_OF: dict[Reader, str] = {
    _text: "text",
    _number: "number",
    _whole: "whole number",
    _flag: "true or false",
    _list: "list, ';' between items",
    _json: "JSON",
    _rooms: "rooms, id:capacity",
    _date: "date, YYYY-MM-DD",
}


@dataclass(frozen=True)
class Column:
    name: str
    path: str  # document key; "." nests (home.lat); "" = not a document key (parties' case)
    read: Reader
    meaning: str
    example: str = ""
    required: bool = False

    @property
    def kind(self) -> str:
        return KIND_OF[self.read]

    @property
    def key(self) -> str:
        """The top-level document key, for mapping a validation error back to this column."""
        return self.path.split(".")[0]


C = Column
FACILITATORS = [
    C("id", "id", _text, "Your id for the facilitator, unique in the sheet", "F12", True),
    C("name", "name", _text, "Full name, as invites address them", "Sam Patel"),
    C("email", "email", _text, "Where invites are sent", "sam.patel@example.org"),
    C("home_lat", "home.lat", _number, "Home latitude (for travel distances)", "52.4862"),
    C("home_lon", "home.lon", _number, "Home longitude", "-1.8904"),
    C("level", "level", _text, f"One of {_one_of(domain.Level)}", "intermediate"),
    C("skills", "skills", _list, f"Any of {_one_of(domain.Skill)}", "prison;youth"),
    C("languages", "languages", _list, "Languages spoken (default en)", "en;pa"),
    C("gender", "gender", _text, "As the facilitator describes it (optional)", "female"),
    C("max_meetings_per_day", "max_meetings_per_day", _whole, "At most this many a day", "2"),
    C("max_meetings_per_week", "max_meetings_per_week", _whole, "At most this many a week", "5"),
    C("max_travel_km", "max_travel_km", _number, "Furthest they travel to a venue, km", "40"),
    C("conflicts", "conflicts", _list, "Ids of parties they must not meet", "P7;P9"),
    C("max_sessions_per_week", "max_sessions_per_week", _whole,
      "At most this many preparation sessions a week (empty: no cap)", "6"),
    C("availability", "availability", _json, "Availability as in the document format",
      '{"weekly": [{"days": ["mon", "tue"], "from": "09:00", "to": "17:00"}]}'),
]  # fmt: skip
VENUES = [
    C("id", "id", _text, "Your id for the venue, unique in the sheet", "V3", True),
    C("name", "name", _text, "Name as people will read it", "Riverside Community Centre"),
    C("kind", "kind", _text, f"One of {_one_of(domain.VenueKind)}", "community"),
    C("address", "address", _text, "Postal address", "1 River Street, Birmingham"),
    C("lat", "location.lat", _number, "Latitude", "52.4797"),
    C("lon", "location.lon", _number, "Longitude", "-1.9026"),
    C("rooms", "rooms", _rooms, "Meeting rooms as id:capacity", "R1:10;R2:6"),
    C("waiting_rooms", "waiting_rooms", _list, "At least two waiting rooms", "W1;W2"),
    C("separate_entrances", "separate_entrances", _flag, "Has separate entrances", "true"),
    C("entrances", "entrances", _list, "Names of the entrances", "Main door;Side door"),
    C("step_free", "step_free", _flag, "Step-free access", "true"),
    C("hearing_loop", "hearing_loop", _flag, "Has a hearing loop", "false"),
    C("prison", "prison", _text, "For a prison: which prison it is", ""),
    C("availability", "availability", _json, "Opening times as in the document format",
      '{"weekly": [{"days": ["mon", "tue"], "from": "09:00", "to": "17:00"}]}'),
]  # fmt: skip
CASES = [
    C("id", "id", _text, "Your id for the case, unique in the sheet", "C25", True),
    C("reference", "reference", _text, "The case reference people use", "RJ-2026-0025"),
    C("offence", "offence", _text, f"One of {_one_of(domain.Offence)}", "burglary"),
    C("risk", "risk", _text, f"One of {_one_of(domain.Risk)}", "medium"),
    C("referred_on", "referred_on", _date, "Date of referral", "2027-01-18"),
    C("priority", "priority", _whole, "1 (lowest) to 5 (highest), default 3", "3"),
    C("earliest", "earliest", _date, "No meeting before this date", "2027-03-01"),
    C("latest", "latest", _date, "No meeting after this date", "2027-04-30"),
    C("duration_minutes", "duration_minutes", _whole, "Length of the conference", "120"),
    C("facilitators_required", "facilitators_required", _whole, "1 or 2 (default 2)", "2"),
    C("victim_initiated", "victim_initiated", _flag, "The victim asked for the meeting", "false"),
    C("protect_victim_locality", "protect_victim_locality", _flag,
      "Keep the venue away from the victim's home", ""),
    C("requires_separate_entrances", "requires_separate_entrances", _flag,
      "The sides must not meet at the door", "false"),
    C("first_to_arrive", "first_to_arrive", _text, "victim or offender (default offender)", "offender"),
    C("preferred_facilitators", "preferred_facilitators", _list, "Ids of facilitators to prefer",
      "F12;F3"),
    C("conference", "conference", _flag,
      "false: no conference, the sessions are the whole case (default true)", "true"),
]  # fmt: skip
PARTIES = [
    C("case", "", _text, "Id of the case (from the cases sheet)", "C25", True),
    C("id", "id", _text, "Your id for the person, unique in the sheet", "P51", True),
    C("role", "role", _text, f"One of {_one_of(domain.Role)}", "victim"),
    C("supports", "supports", _text, "For a supporter: the id of who they support", ""),
    C("relationship", "relationship", _text, f"For a supporter: {_one_of(domain.Relationship)}", ""),
    C("name", "name", _text, "Full name", "Alex Jones"),
    C("email", "email", _text, "Where invites are sent (optional)", "alex@example.org"),
    C("home_lat", "home.lat", _number, "Home latitude", "52.45"),
    C("home_lon", "home.lon", _number, "Home longitude", "-1.93"),
    C("age", "age", _whole, "Age in years (optional)", "34"),
    C("consent", "consent", _flag, "Has consented to the meeting", "true"),
    C("in_custody", "in_custody", _text, "For someone in custody: the prison", ""),
    C("step_free", "needs.step_free", _flag, "Needs step-free access", "false"),
    C("hearing_loop", "needs.hearing_loop", _flag, "Needs a hearing loop", "false"),
    C("language", "needs.language", _text, "Language for the meeting (default en)", "en"),
    C("facilitator_gender", "facilitator_gender.value", _text, "Wished gender of facilitators",
      ""),
    C("facilitator_gender_required", "facilitator_gender.required", _flag,
      "The wish is a requirement", ""),
    C("max_travel_km", "max_travel_km", _number, "Furthest they travel, km", "25"),
    C("exclusion_zones", "exclusion_zones", _json, "Exclusion zones as in the document format",
      '[{"center": {"lat": 52.48, "lon": -1.89}, "radius_km": 2.0}]'),
    C("availability", "availability", _json, "Availability as in the document format", ""),
    C("address", "address", _text, "Where a home visit goes (only the visiting facilitators see it)",
      "12 Elm Row, Birmingham B7 4AA"),
]  # fmt: skip
SESSIONS = [
    C("case", "", _text, "Id of the case (from the cases sheet, or one already imported)", "C25",
      True),
    C("id", "id", _text, "Your id for the session, unique across all cases", "C25-V1", True),
    C("party", "party", _text, "Id of the victim or offender the facilitators meet", "P51"),
    C("modes", "modes", _list, "Ways it may be held: any of venue, home, video (default venue)",
      "venue;video"),
    C("duration_minutes", "duration_minutes", _whole, "Length of the session", "60"),
    C("team", "team", _flag, "Every facilitator of the case attends (default: the lead alone)",
      "false"),
    C("after", "after", _text, "Id of a session of the same case held first, on an earlier date",
      ""),
]  # fmt: skip
SHEETS: dict[str, list[Column]] = {
    "facilitators": FACILITATORS,
    "venues": VENUES,
    "cases": CASES,
    "parties": PARTIES,
    "sessions": SESSIONS,
}
COLUMNS: dict[str, dict[str, Column]] = {s: {c.name: c for c in cols} for s, cols in SHEETS.items()}
# JSON cells may hold line breaks and tabs (pretty-printed JSON); no other cell may.
MULTILINE: set[Reader] = {_json}


def template(sheet: str) -> str:
    """The sheet's header row, as a CSV file to fill in."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([c.name for c in SHEETS[sheet]])
    return out.getvalue()


def markdown_guide() -> str:
    """The column guide as the Markdown tables in docs/web.md."""
    lines = []
    for sheet, cols in SHEETS.items():
        lines += [f"**{sheet}.csv**", "", "| column | holds | example |", "|---|---|---|"]
        for c in cols:
            need = " (required)" if c.required else ""
            example = f"`{c.example}`" if c.example else ""
            lines.append(f"| `{c.name}` | {c.meaning}{need}; {c.kind} | {example} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
