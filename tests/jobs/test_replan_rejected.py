"""The nightly re-plan refuses a plan the checker rejects: run 'rejected', nothing sent.

The engine is made to return a broken plan (its real plan with C8's meeting moved a day
earlier, so F8 is double-booked): what is under test is that the job checks what it is
given, whatever produced it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from scheduler.domain import Plan
from scheduler.jobs import engine_adapter
from scheduler.jobs.replan_lease import LeaseTerms
from scheduler.storage.db import transaction
from scheduler.storage.mail_models import OutboxMessage
from scheduler.storage.models import PlanRow, ReplanRun
from scheduler.storage.web_models import AuditRow
from tests.invites.helpers import shift_days
from tests.jobs.conftest import confirm_example_plan, load_example

RUN_DATE = dt.date(2027, 3, 1)


@pytest.fixture
def broken_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    real = engine_adapter.solve

    def solve(*args: Any, **kwargs: Any) -> Plan:
        doc = real(*args, **kwargs).to_doc()
        doc["meetings"] = [shift_days(m, -1) if m["case"] == "C8" else m for m in doc["meetings"]]
        return Plan.model_validate(doc)

    monkeypatch.setattr(engine_adapter, "solve", solve)


def state(db: Engine) -> dict[str, Any]:
    with transaction(db) as session:
        return {
            "messages": session.scalar(select(func.count()).select_from(OutboxMessage)),
            "plans": dict(session.execute(select(PlanRow.id, PlanRow.status)).all()),  # type: ignore[arg-type]
            "runs": [(r.run_date, r.status) for r in session.scalars(select(ReplanRun))],
            "audit": [
                (r.actor, r.details["violations"] > 0)  # type: ignore[index]
                for r in session.scalars(
                    select(AuditRow).where(AuditRow.action == "confirm_rejected")
                )
            ],
        }


def test_nightly_replan_rejects_a_broken_plan_and_sends_nothing(db, broken_engine) -> None:  # type: ignore[no-untyped-def]
    from scheduler.jobs.replan import run_replan

    load_example(db)
    confirm_example_plan(db)
    before = state(db)
    outcome = run_replan(
        db, run_date=RUN_DATE, now=dt.datetime.now(dt.UTC), time_limit=30, workers=1,
        owner="test", lease=LeaseTerms(seconds=60, heartbeat_seconds=10),
        clock=lambda: dt.datetime.now(dt.UTC),
    )  # fmt: skip
    assert outcome.status == "rejected"
    assert outcome.outbox_ids == []
    assert outcome.plan_id is None
    assert any(v.startswith("rule 8") for v in outcome.violations)
    after = state(db)
    assert after["messages"] == before["messages"]  # nothing queued
    assert after["plans"] == before["plans"]  # no new plan; the old one stays confirmed
    assert after["runs"] == [(RUN_DATE, "rejected")]
    assert after["audit"] == [("nightly re-plan", True)]


def test_celery_nightly_task_reports_rejected(db, jobs_db_url, broken_engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The task body itself (run in this process, so the broken engine is in place)."""
    from workers import tasks

    monkeypatch.setenv("RJSCHED_DATABASE_URL", jobs_db_url)
    monkeypatch.setattr(tasks, "_engine", None)
    from scheduler.jobs import sending

    sent: list[list[int]] = []
    monkeypatch.setattr(sending, "queue_sends", lambda ids: sent.append(list(ids)) or len(ids))
    load_example(db)
    confirm_example_plan(db)
    before = state(db)["messages"]
    assert tasks.replan_nightly(RUN_DATE.isoformat()) == "rejected"
    assert sent == []  # the refused plan's transaction never committed: nothing to queue
    assert state(db)["messages"] == before
    assert state(db)["runs"] == [(RUN_DATE, "rejected")]
    # Claimed and rejected: the same night does not run twice unless forced.
    assert tasks.replan_nightly(RUN_DATE.isoformat()) == "already-run"
