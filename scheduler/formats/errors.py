"""Validation problems: every one at once, each with its JSON path and a plain reason."""

from __future__ import annotations

import json
import re
from typing import NamedTuple

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_\-]{1,60}")


def path_key(key: object) -> str:
    """A key as it appears in a JSON path: as is if plain, else quoted, escaped and cut.

    Keys come from the document, so a path must not carry its line breaks or a
    100,000-character key into a message.
    """
    text = str(key)
    if _PLAIN_KEY.fullmatch(text):
        return text
    quoted = json.dumps(text if len(text) <= 60 else text[:60] + "…")
    return f"[{quoted}]"


class Issue(NamedTuple):
    path: str  # e.g. "cases[3].parties[1].age"
    reason: str  # e.g. "must be a whole number ≥ 0"

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


class DocumentError(ValueError):
    """A document that cannot be accepted, with every problem found in it."""

    def __init__(self, issues: list[Issue], what: str = "document") -> None:
        self.issues = issues
        self.what = what
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.issues)
        head = f"the {self.what} has {n} problem{'s' if n != 1 else ''}:"
        return "\n".join([head, *(f"  {i}" for i in self.issues)])
