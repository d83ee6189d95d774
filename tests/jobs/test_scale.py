"""A national-size allocation over two real workers gives a valid plan (slow: minutes)."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.formats import load_problem
from scheduler.generate import generate_problem
from scheduler.jobs import requests
from scheduler.storage.db import transaction
from scheduler.storage.plans import plan_document
from scheduler.verify import verify
from tests.jobs.conftest import load_example, send
from tests.jobs.services import wait_for


@pytest.mark.slow
def test_national_allocation_over_two_workers_verifies(db, start_worker, client) -> None:  # type: ignore[no-untyped-def]
    doc = generate_problem("national", 1)
    load_example(db, doc)
    limits = {"RJSCHED_SOLVER_TASK_TIME_LIMIT_SECONDS": "7200", "RJSCHED_SOLVER_WORKERS": "2"}
    first = start_worker("w1", concurrency=1, **limits)
    second = start_worker("w2", concurrency=1, **limits)
    request_id = requests.create_request(
        db, params={"time_limit": 300}, now=dt.datetime.now(dt.UTC)
    )
    send(client, "allocate", request_id, queue="solver")
    wait_for(
        lambda: requests.get_request(db, request_id).status in ("done", "failed"),
        timeout=7200,
        interval=5,
        what="the national allocation",
    )
    row = requests.get_request(db, request_id)
    assert row.status == "done", row.error
    with transaction(db) as session:
        plan = plan_document(session, row.plan_id)
    assert verify(load_problem(doc), plan) == []
    assert len(plan.meetings) + len(plan.unscheduled) == len(doc["cases"])
    if "parts queued" in first.log_text() + second.log_text():
        # Several parts: both workers took some of them.
        assert "part of" in first.log_text()
        assert "part of" in second.log_text()
