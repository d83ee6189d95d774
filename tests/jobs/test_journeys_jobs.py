"""A problem with case journeys through the task queue: planned whole, by a real worker."""

from __future__ import annotations

import datetime as dt
import json

from scheduler.formats import load_problem
from scheduler.jobs import allocation, requests
from scheduler.storage.db import transaction
from scheduler.storage.plans import plan_document
from scheduler.verify import verify
from tests.jobs.conftest import DATA, load_example, send
from tests.jobs.services import wait_for


def journeys_doc() -> dict:
    return json.loads((DATA / "journeys.problem.json").read_text(encoding="utf-8"))


def _check_plan(db, request_id: int, doc: dict) -> None:  # type: ignore[no-untyped-def]
    row = requests.get_request(db, request_id)
    assert row.status == "done", row.error
    assert row.progress == 100
    assert "sessions" in (row.message or "")
    with transaction(db) as session:
        plan = plan_document(session, row.plan_id)
    problem = load_problem(doc)
    assert verify(problem, plan) == []
    assert plan.sessions, "the journeys were planned, not only the conferences"
    no_conference = {c.id for c in problem.cases if not c.conference}
    with_sessions = {s.case for s in plan.sessions}
    placed = no_conference & with_sessions
    assert placed, "a case without a conference is scheduled by its sessions"
    unscheduled = {u.case for u in plan.unscheduled}
    assert placed.isdisjoint(unscheduled)
    scheduled = {m.case for m in plan.meetings} | with_sessions
    assert scheduled | unscheduled == {c.id for c in problem.cases}


def test_journeys_through_a_real_worker(db, redis_server, start_worker, client) -> None:  # type: ignore[no-untyped-def]
    from tests.jobs.test_allocation import Scanner, personal_details

    doc = journeys_doc()
    load_example(db, doc)
    worker = start_worker(concurrency=2)
    scanner = Scanner(redis_server.client(), personal_details(doc))
    scanner.start()
    try:
        request_id = requests.create_request(
            db, params={"time_limit": 10}, now=dt.datetime.now(dt.UTC)
        )
        send(client, "allocate", request_id, queue="solver")
        wait_for(
            lambda: requests.get_request(db, request_id).status in ("done", "failed"),
            timeout=120,
            what="the journeys allocation",
        )
    finally:
        scanner.stop.set()
        scanner.join(timeout=60)
    scanner.scan()
    _check_plan(db, request_id, doc)
    assert "one part" in worker.log_text()
    assert scanner.hits == []  # no name or email of anyone went through Redis


def test_journeys_in_process(db) -> None:  # type: ignore[no-untyped-def]
    """The web app's path without a broker plans the same way."""
    doc = journeys_doc()
    load_example(db, doc)
    now = dt.datetime.now(dt.UTC)
    request_id = requests.create_request(db, now=now)
    options = allocation.SolveOptions(time_limit=5, workers=1)
    plan_id = allocation.run_in_process(db, request_id, options=options, now=now)
    assert plan_id is not None
    _check_plan(db, request_id, doc)


def test_nightly_replan_keeps_the_rest_of_the_journeys_after_a_withdrawal(db) -> None:  # type: ignore[no-untyped-def]
    from scheduler.formats import load_plan
    from scheduler.invites.outbox import confirm_plan
    from scheduler.jobs.replan import run_replan
    from scheduler.storage.plans import save_plan
    from tests.jobs.test_nightly import LEASE, withdraw_consent

    doc = journeys_doc()
    load_example(db, doc)
    first = load_plan(json.loads((DATA / "journeys.plan.json").read_text(encoding="utf-8")))
    now = dt.datetime.now(dt.UTC)
    with transaction(db) as session:
        plan_id = save_plan(session, first, kind="import", created_at=now)
        confirm_plan(session, plan_id=plan_id, now=now)
    gone = next(s.case for s in first.sessions if any(m.case == s.case for m in first.meetings))
    victim = next(
        p["id"]
        for c in doc["cases"]
        if c["id"] == gone
        for p in c["parties"]
        if p["role"] == "victim"
    )
    load_example(db, withdraw_consent(doc, victim))
    outcome = run_replan(
        db, run_date=dt.date(2027, 3, 1), now=now, time_limit=20, workers=1, **LEASE
    )
    # 'done', not 'rejected': the checker passed the new plan against the re-plan's
    # problem (with the confirmed plan as existing meetings and sessions) before sending.
    assert outcome.status == "done", outcome.violations
    with transaction(db) as session:
        plan = plan_document(session, outcome.plan_id)
    assert gone not in {s.case for s in plan.sessions} | {m.case for m in plan.meetings}
    assert outcome.cancels > 0  # the withdrawn case's people hear it is off
    # Least disruption: every other confirmed session stays where and when it was.
    before = {s.session: (s.start, s.mode, s.venue) for s in first.sessions if s.case != gone}
    after = {s.session: (s.start, s.mode, s.venue) for s in plan.sessions}
    assert {k: after.get(k) for k in before} == before, (gone, plan.unscheduled, plan.warnings)
    assert plan.objective.disruption == outcome.objective["disruption"]
