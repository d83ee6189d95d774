"""A cancelled job stays cancelled: no step after the cancel saves a draft or closes it."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from scheduler.jobs import allocation, requests
from scheduler.storage.db import transaction
from scheduler.storage.models import PlanRequest, PlanRow
from scheduler.storage.problems import import_problem
from tests.invites.helpers import NOW, example_problem


def _cancel(engine: Engine, request_id: int) -> None:
    with transaction(engine) as session:
        requests.cancel(session, request_id, now=NOW, by="a coordinator")


def _status(engine: Engine, request_id: int) -> str:
    with transaction(engine) as session:
        row = session.get(PlanRequest, request_id)
        assert row is not None
        return row.status


def test_cancelled_while_solving_saves_no_draft(engine: Engine) -> None:
    with transaction(engine) as session:
        import_problem(session, example_problem(), now=NOW)
    rid = requests.create_request(engine, kind="allocate", now=NOW)
    units = allocation.start(engine, rid, now=NOW, time_limit=5)
    assert units
    results = [
        allocation.solve_one_part(engine, rid, j, workers=1) for j in allocation.part_jobs(units)
    ]
    _cancel(engine, rid)  # while the parts were solving
    assert allocation.finish(engine, rid, results, now=NOW, time_limit=5) is None
    requests.finish(engine, rid, plan_id=1, now=NOW, message="late")
    requests.fail(engine, rid, error="late", now=NOW)
    requests.set_progress(engine, rid, 90)
    assert _status(engine, rid) == "cancelled"
    with transaction(engine) as session:
        assert session.scalar(select(func.count()).select_from(PlanRow)) == 0
        row = session.get(PlanRequest, rid)
        assert row is not None
        assert row.plan_id is None
        assert "cancelled by a coordinator" in (row.message or "")
    # A redelivered task does not start it again.
    assert allocation.start(engine, rid, now=NOW, time_limit=5) is None
