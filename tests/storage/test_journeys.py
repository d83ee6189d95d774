"""Case journeys in the database, on SQLite and PostgreSQL: sessions as rows, round trips."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import select

from scheduler.formats import DocumentError, load_plan, load_problem
from scheduler.storage.db import session_factory, transaction
from scheduler.storage.models import CaseRow, CaseSessionRow, PlanSessionRow
from scheduler.storage.plans import (
    confirm_plan,
    confirmed_sessions,
    plan_document,
    save_plan,
)
from scheduler.storage.problems import export_problem, import_problem
from scheduler.verify import verify
from tests.strategies import problems_with_sessions

DATA = Path(__file__).parent.parent / "data"
T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def _doc(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def _import(engine, doc, **kw):
    with transaction(engine) as session:
        return import_problem(session, load_problem(doc), **kw)


def _export(engine) -> dict:
    with transaction(engine) as session:
        return export_problem(session).to_doc()


def _with_extras(doc: dict) -> dict:
    """The journeys example with every optional journeys key given somewhere."""
    doc["cases"][0]["parties"][0]["address"] = "1 Example Street, Birmingham B1 1AA"
    doc["policy"]["preparation_gap_days"] = 3
    doc["policy"]["weights"] = {"remote_session": 25}
    doc["cases"][1]["sessions"][0]["team"] = False
    doc["existing_sessions"] = [
        {**copy.deepcopy(_doc("journeys.plan.json")["sessions"][0]), "status": "pinned"}
    ]
    return doc


def test_journeys_problem_round_trips(engine):
    doc = _with_extras(_doc("journeys.problem.json"))
    _import(engine, doc)
    assert _export(engine) == doc
    with transaction(engine) as session:
        rows = session.scalars(select(CaseSessionRow)).all()
        assert len(rows) == sum(len(c.get("sessions", [])) for c in doc["cases"])
        case_docs = [r.doc for r in session.scalars(select(CaseRow))]
    assert all(not d.get("sessions") for d in case_docs)  # the sessions are rows


def test_a_case_gets_exactly_the_sessions_listed(engine):
    doc = _doc("journeys.problem.json")
    _import(engine, doc)
    c1 = next(c for c in doc["cases"] if c["id"] == "C1")
    c1["sessions"] = c1["sessions"][:1] + [
        {"id": "C1-NEW", "party": "P2", "modes": ["video"], "duration_minutes": 30}
    ]
    _import(engine, doc)
    assert _export(engine) == doc
    c1.pop("sessions")
    _import(engine, doc)
    assert _export(engine) == doc
    with transaction(engine) as session:
        assert not session.scalars(
            select(CaseSessionRow).where(CaseSessionRow.case_id == "C1")
        ).all()


def test_replace_drops_the_sessions_of_cases_left_out(engine):
    doc = _doc("journeys.problem.json")
    _import(engine, doc)
    smaller = copy.deepcopy(doc)
    smaller["cases"] = [c for c in smaller["cases"] if c["id"] != "C3"]
    smaller["keep_apart"] = [p for p in smaller["keep_apart"] if "P7" not in p]
    _import(engine, smaller, replace=True)
    assert _export(engine) == smaller
    with transaction(engine) as session:
        assert not session.scalars(
            select(CaseSessionRow).where(CaseSessionRow.case_id == "C3")
        ).all()


def test_a_partial_import_keeps_other_cases_sessions(engine):
    doc = _doc("journeys.problem.json")
    _import(engine, doc)
    partial = copy.deepcopy(doc)
    partial["cases"] = [c for c in partial["cases"] if c["id"] == "C3"]
    partial["keep_apart"] = []
    _import(engine, partial)
    merged = _export(engine)
    assert {c["id"]: c.get("sessions") for c in merged["cases"]} == {
        c["id"]: c.get("sessions") for c in doc["cases"]
    }


def test_a_partial_import_reusing_a_session_id_writes_nothing(engine):
    doc = _doc("journeys.problem.json")
    _import(engine, doc)
    partial = copy.deepcopy(doc)
    partial["cases"] = [c for c in partial["cases"] if c["id"] == "C3"]
    partial["cases"][0]["sessions"][0]["id"] = "C1-P1-1"  # C1's, which is left alone
    partial["keep_apart"] = []
    with pytest.raises(DocumentError, match="used by case 'C1'"):
        _import(engine, partial)
    assert _export(engine) == doc


def test_journeys_plan_round_trips_and_verifies(engine):
    problem_doc, plan_doc = _doc("journeys.problem.json"), _doc("journeys.plan.json")
    _import(engine, problem_doc)
    with transaction(engine) as session:
        plan_id = save_plan(session, load_plan(plan_doc), kind="import", created_at=T0)
    with transaction(engine) as session:
        assert plan_document(session, plan_id).to_doc() == plan_doc
        rows = session.scalars(select(PlanSessionRow).order_by(PlanSessionRow.position)).all()
        assert [r.session_id for r in rows] == [s["session"] for s in plan_doc["sessions"]]
        assert {r.mode for r in rows} == {"venue", "home", "video"}
        assert verify(export_problem(session), plan_document(session, plan_id)) == []


def test_confirmed_sessions_are_the_next_existing_sessions(engine):
    problem_doc, plan_doc = _doc("journeys.problem.json"), _doc("journeys.plan.json")
    _import(engine, problem_doc)
    with transaction(engine) as session:
        assert confirmed_sessions(session) == []
        plan_id = save_plan(session, load_plan(plan_doc), kind="import", created_at=T0)
        assert confirmed_sessions(session) == []  # a draft is not confirmed
        confirm_plan(session, plan_id, at=T0)
        existing = confirmed_sessions(session)
    assert len(existing) == 26
    assert {s.status for s in existing} == {"confirmed"}
    doc = copy.deepcopy(problem_doc)
    doc["existing_sessions"] = [s.to_doc() for s in existing]
    load_problem(doc)  # the next problem accepts them


def test_deleting_a_plan_deletes_its_sessions(engine):
    from scheduler.storage.plans import get_plan

    _import(engine, _doc("journeys.problem.json"))
    with transaction(engine) as session:
        plan_id = save_plan(
            session, load_plan(_doc("journeys.plan.json")), kind="import", created_at=T0
        )
    with transaction(engine) as session:
        row = get_plan(session, plan_id)
        session.delete(row)
    with transaction(engine) as session:
        assert not session.scalars(select(PlanSessionRow)).all()


def test_a_plan_without_sessions_is_stored_as_before(engine, plan, plan_doc):
    with transaction(engine) as session:
        plan_id = save_plan(session, plan, kind="allocate", created_at=T0)
        assert "sessions" not in plan_document(session, plan_id).to_doc()
        assert plan_document(session, plan_id).to_doc() == plan_doc


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(doc=problems_with_sessions())
def test_problems_with_sessions_survive_import_then_export(engine, doc):
    problem = load_problem(doc)
    with session_factory(engine)() as session:
        session.begin()
        try:
            import_problem(session, problem)
            assert export_problem(session).to_doc() == doc
            import_problem(session, problem)
            assert export_problem(session).to_doc() == doc
        finally:
            session.rollback()


@pytest.mark.parametrize("who", ["P1", "P6", "P5"])
def test_erasure_keeps_the_confirmed_plan_whole(engine, who):
    """Erasing a victim drops their case whole (conference and sessions, or the sessions of
    a case without one); erasing a supporter keeps the sessions. The result verifies."""
    from scheduler.invites.content import Sender
    from scheduler.invites.outbox import confirm_plan as confirm_and_queue
    from scheduler.storage.plans import latest_plan
    from scheduler.web_services.erasure import erase_party

    sender = Sender("RJ test service", "rj@example.org", "https://rj.example.org")
    problem_doc = _doc("journeys.problem.json")
    problem_doc["cases"][0]["parties"][0]["address"] = "1 Example Street"
    _import(engine, problem_doc)
    with transaction(engine) as session:
        plan_id = save_plan(
            session, load_plan(_doc("journeys.plan.json")), kind="import", created_at=T0
        )
        confirm_and_queue(session, plan_id=plan_id, now=T0, sender=sender)
    with transaction(engine) as session:
        erase_party(session, party_id=who, now=T0 + dt.timedelta(hours=1), sender=sender)
    with transaction(engine) as session:
        problem = export_problem(session)
        row = latest_plan(session, "confirmed")
        assert row is not None
        plan = plan_document(session, row.id)
    case = {"P1": "C1", "P6": "C3", "P5": "C2"}[who]
    held = {s.case for s in plan.sessions}
    if who == "P5":  # a supporter of C2's offender: the case keeps its journey
        assert case in held
    else:
        assert case not in held
        reasons = {u.case: [r.code for r in u.reasons] for u in plan.unscheduled}
        assert reasons[case] == ["NO_CONSENT"]
    assert "address" not in problem.party_by_id[who].to_doc()
    assert verify(problem, plan) == []
