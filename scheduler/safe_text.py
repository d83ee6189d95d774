"""What every text field of the documents may hold: one line, no control characters, bounded.

Text ends up in email headers, calendar lines, CSV cells, HTML and database columns; a
line break in a case reference once broke every confirmation. So every free-text field
is refused at validation, with its JSON path, if it holds a control character (C0, DEL,
C1, tab included), a line or paragraph separator, a bidirectional override (text that
reads differently from what it stores), or half a surrogate pair; or if it is longer
than its limit below. The limits are those of the database columns, so SQLite (which
does not enforce a column's length) and PostgreSQL (which does) accept the same data.
docs/formats.md lists them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator

MAX_ID = 64  # ids (the id columns are String(64))
MAX_NAME = 200  # names of people, venues and prisons
MAX_PROBLEM_NAME = 100  # also in the audit trail's targets ("problem:<name>", String(120))
MAX_REFERENCE = 100  # case references
MAX_EMAIL = 254  # the longest address SMTP carries (RFC 5321)
MAX_ADDRESS = 500  # a venue's postal address
MAX_SHORT = 100  # languages, genders, entrances, time zones, warning codes
MAX_MESSAGE = 2000  # reasons and warnings written by the engine

_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# One address, local@domain, nothing that would let it name a second recipient in a
# header (commas, semicolons, angle brackets, quotes, spaces).
_EMAIL = re.compile(r"[^\s@,;:<>()\[\]\"\\]+@[^\s@,;:<>()\[\]\"\\.][^\s@,;:<>()\[\]\"\\]*")


_CONTROL_NAMES = {
    "\x00": "null",
    "\t": "tab",
    "\n": "line feed",
    "\r": "carriage return",
    "\x1b": "escape",
    "\x7f": "delete",
    "\x85": "next line",
}


def text_problem(value: str, limit: int) -> str | None:
    """Why `value` is not acceptable text of at most `limit` characters, or None."""
    if len(value) > limit:
        return f"must be at most {limit} characters long (this is {len(value):,})"
    bad = _FORBIDDEN.search(value)
    if bad is None:
        return None
    char = bad.group()
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "") or "a control character"
    return (
        f"must be one line of text without control characters; character {bad.start() + 1} "
        f"is U+{ord(char):04X} ({name.lower()})"
    )


def _checker(limit: int) -> Callable[[str], str]:
    def check(value: str) -> str:
        why = text_problem(value, limit)
        if why:
            raise ValueError(why)
        return value

    return check


def _email(value: str) -> str:
    why = text_problem(value, MAX_EMAIL)
    if why:
        raise ValueError(why)
    if not _EMAIL.fullmatch(value) or value.endswith(".") or ".." in value.split("@")[1]:
        raise ValueError("must be one email address, like name@example.org")
    return value


def bounded_text(limit: int) -> AfterValidator:
    return AfterValidator(_checker(limit))


Name = Annotated[str, bounded_text(MAX_NAME)]
ProblemName = Annotated[str, bounded_text(MAX_PROBLEM_NAME)]
Reference = Annotated[str, bounded_text(MAX_REFERENCE)]
Address = Annotated[str, bounded_text(MAX_ADDRESS)]
ShortText = Annotated[str, bounded_text(MAX_SHORT)]
Message = Annotated[str, bounded_text(MAX_MESSAGE)]
Email = Annotated[str, AfterValidator(_email)]
