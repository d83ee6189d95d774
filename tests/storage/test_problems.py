"""Import and export of the problem document, on SQLite and PostgreSQL."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select

from scheduler.formats import DocumentError, load_problem
from scheduler.storage.db import transaction
from scheduler.storage.models import PartyRow
from scheduler.storage.problems import NoProblemError, export_problem, import_problem
from tests.storage.helpers import all_empty, row_counts


def _import(engine, doc, **kw):
    with transaction(engine) as session:
        return import_problem(session, load_problem(doc), **kw)


def _export(engine) -> dict:
    with transaction(engine) as session:
        return export_problem(session).to_doc()


def test_import_then_export_gives_the_document_back(engine, problem_doc):
    summary = _import(engine, problem_doc)
    assert summary.cases.added == len(problem_doc["cases"])
    assert summary.parties.added == sum(len(c["parties"]) for c in problem_doc["cases"])
    assert _export(engine) == problem_doc


def test_unset_keys_stay_unset(engine, problem_doc):
    """Defaults are not written out: a key absent on import is absent on export."""
    minimal = copy.deepcopy(problem_doc)
    for key in ("timezone", "slot_minutes", "policy", "keep_apart"):
        minimal.pop(key, None)
    minimal["facilitators"][0].pop("languages", None)
    party = minimal["cases"][0]["parties"][-1]
    for key in ("email", "home"):
        party.pop(key, None)
    _import(engine, minimal)
    assert _export(engine) == minimal


def test_export_of_an_empty_database_says_so(engine):
    with pytest.raises(NoProblemError), transaction(engine) as session:
        export_problem(session)


def test_reimport_is_an_upsert(engine, problem_doc):
    _import(engine, problem_doc)
    before = row_counts(engine)
    changed = copy.deepcopy(problem_doc)
    changed["facilitators"][0]["max_meetings_per_week"] = 1
    changed["facilitators"][0]["email"] = "someone.else@example.org"
    summary = _import(engine, changed)
    assert summary.facilitators.updated == 1
    assert summary.facilitators.added == 0
    assert summary.facilitators.unchanged == len(problem_doc["facilitators"]) - 1
    assert row_counts(engine) == before
    assert _export(engine) == changed


def test_partial_import_leaves_other_records_alone(engine, problem_doc):
    """A document need only hold what changed; records it does not list are kept."""
    _import(engine, problem_doc)
    partial = copy.deepcopy(problem_doc)
    last = partial["cases"].pop()
    ids = {p["id"] for p in last["parties"]}
    partial["keep_apart"] = [k for k in partial.get("keep_apart", []) if not ids & set(k)]
    summary = _import(engine, partial)
    assert summary.kept >= 1
    assert summary.cases.unchanged == len(partial["cases"])
    assert _export(engine) == problem_doc


def test_replace_makes_the_database_equal_the_document(engine, problem_doc):
    _import(engine, problem_doc)
    smaller = copy.deepcopy(problem_doc)
    dropped = smaller["cases"].pop()
    smaller["keep_apart"] = [
        pair
        for pair in smaller.get("keep_apart", [])
        if not {p["id"] for p in dropped["parties"]} & set(pair)
    ]
    load_problem(smaller)  # still a valid document
    summary = _import(engine, smaller, replace=True)
    assert summary.cases.removed == 1
    assert summary.parties.removed == len(dropped["parties"])
    assert _export(engine) == smaller


def test_a_case_gets_exactly_the_parties_listed(engine, problem_doc):
    _import(engine, problem_doc)
    changed = copy.deepcopy(problem_doc)
    case = next(c for c in changed["cases"] if any(p["role"] == "supporter" for p in c["parties"]))
    supporter = next(p for p in case["parties"] if p["role"] == "supporter")
    case["parties"].remove(supporter)
    summary = _import(engine, changed)
    assert summary.parties.removed == 1
    assert _export(engine) == changed


def test_a_merge_that_breaks_a_reference_writes_nothing(engine, problem_doc):
    """A stored facilitator's conflict names a supporter; dropping that supporter is refused."""
    preferred = {f for c in problem_doc["cases"] for f in c.get("preferred_facilitators", [])}
    facilitator = next(f for f in problem_doc["facilitators"] if f["id"] not in preferred)
    case = next(
        c for c in problem_doc["cases"] if any(p["role"] == "supporter" for p in c["parties"])
    )
    supporter = next(p for p in case["parties"] if p["role"] == "supporter")
    facilitator["conflicts"] = [supporter["id"]]
    _import(engine, problem_doc)

    partial = copy.deepcopy(problem_doc)
    partial["facilitators"] = [f for f in partial["facilitators"] if f["id"] != facilitator["id"]]
    partial_case = next(c for c in partial["cases"] if c["id"] == case["id"])
    partial_case["parties"] = [p for p in partial_case["parties"] if p["id"] != supporter["id"]]
    load_problem(partial)  # valid on its own
    with pytest.raises(DocumentError, match="conflicts"):
        _import(engine, partial)
    assert _export(engine) == problem_doc


def test_party_name_email_and_home_live_only_in_columns(engine, problem_doc):
    """So that erasure can blank them: the stored party document does not repeat them."""
    _import(engine, problem_doc)
    with transaction(engine) as session:
        rows = session.scalars(select(PartyRow)).all()
    assert rows
    for row in rows:
        assert not {"name", "email", "home"} & {k for k, v in row.doc.items() if v is not None}
    named = [r for r in rows if r.home_lat is not None]
    assert named, "the example has parties with a home"


def test_a_failed_import_rolls_back_everything(engine, problem_doc):
    class Boom(Exception):
        pass

    def import_then_fail() -> None:
        with transaction(engine) as session:
            import_problem(session, load_problem(problem_doc))
            raise Boom

    with pytest.raises(Boom):
        import_then_fail()
    assert all_empty(engine)
