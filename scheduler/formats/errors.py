"""Validation problems: every one at once, each with its JSON path and a plain reason."""

from __future__ import annotations

from typing import NamedTuple


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
