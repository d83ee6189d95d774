"""Text at its longest is stored and exported unchanged on SQLite and PostgreSQL alike;
one character more is refused by validation, before any database sees it."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from scheduler.formats import DocumentError, load_problem
from scheduler.safe_text import (
    MAX_ADDRESS,
    MAX_EMAIL,
    MAX_ID,
    MAX_NAME,
    MAX_PROBLEM_NAME,
    MAX_REFERENCE,
)
from scheduler.storage.db import transaction
from scheduler.storage.problems import export_problem, import_problem
from tests.formats.corpus import base_problem


def _email(n: int) -> str:
    return "é" * (n - len("@example.org")) + "@example.org"


# path setter, the limit, a value of exactly that many characters (non-ASCII: PostgreSQL
# counts characters, not bytes)
FIELDS = {
    "problem name": (lambda d, v: d.update(name=v), MAX_PROBLEM_NAME, "ñ"),
    "facilitator id": (lambda d, v: _rename_facilitator(d, v), MAX_ID, "ф"),
    "facilitator name": (lambda d, v: d["facilitators"][0].update(name=v), MAX_NAME, "李"),
    "venue address": (lambda d, v: d["venues"][0].update(address=v), MAX_ADDRESS, "ü"),
    "case reference": (lambda d, v: d["cases"][0].update(reference=v), MAX_REFERENCE, "😀"),
    "party name": (lambda d, v: d["cases"][0]["parties"][0].update(name=v), MAX_NAME, "ø"),
}


def _rename_facilitator(doc: dict, new: str) -> None:
    old = doc["facilitators"][0]["id"]
    doc["facilitators"][0]["id"] = new
    for c in doc["cases"]:
        c["preferred_facilitators"] = [
            new if f == old else f for f in c.get("preferred_facilitators", [])
        ]


def longest() -> dict:
    doc = base_problem()
    for setter, limit, char in FIELDS.values():
        setter(doc, char * limit)
    doc["facilitators"][0]["email"] = _email(MAX_EMAIL)
    doc["cases"][0]["parties"][0]["email"] = _email(MAX_EMAIL)
    return doc


def test_text_at_its_limits_round_trips_on_each_database(engine: Engine) -> None:
    import datetime as dt

    problem = load_problem(longest())
    with transaction(engine) as session:
        import_problem(session, problem, now=dt.datetime(2027, 3, 1, tzinfo=dt.UTC))
    with transaction(engine) as session:
        assert export_problem(session) == problem


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_one_character_over_is_refused(field: str) -> None:
    setter, limit, char = FIELDS[field]
    doc = base_problem()
    setter(doc, char * (limit + 1))
    with pytest.raises(DocumentError, match=f"must be at most {limit} characters"):
        load_problem(doc)


def test_an_email_over_254_is_refused() -> None:
    doc = base_problem()
    doc["facilitators"][0]["email"] = _email(MAX_EMAIL + 1)
    with pytest.raises(DocumentError, match="facilitators\\[0\\].email: must be at most 254"):
        load_problem(doc)
