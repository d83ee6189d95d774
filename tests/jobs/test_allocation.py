"""Allocation through a real worker: parts fan out as a chord; nothing personal in Redis."""

from __future__ import annotations

import datetime as dt
import threading

from scheduler.formats import load_problem
from scheduler.jobs import requests
from scheduler.jobs.bench import regions
from scheduler.storage.db import transaction
from scheduler.storage.plans import plan_document
from scheduler.verify import verify
from tests.jobs.conftest import assert_exactly_once, example_docs, load_example, send, unsent
from tests.jobs.redis_scan import find_needles
from tests.jobs.services import wait_for


def personal_details(doc: dict) -> list[str]:
    people = [p for c in doc["cases"] for p in c["parties"]] + doc["facilitators"]
    return [p["name"] for p in people] + [p["email"] for p in people if p.get("email")]


class Scanner(threading.Thread):
    """Scans the whole Redis again and again while a job runs."""

    def __init__(self, client, needles: list[str]) -> None:  # type: ignore[no-untyped-def]
        super().__init__(daemon=True)
        self.client, self.needles = client, needles
        self.hits: list[tuple[str, str]] = []
        self.keys: set[str] = set()
        self.scans = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            self.scan()

    def scan(self) -> None:
        hits, keys = find_needles(self.client, self.needles)
        self.hits += hits
        self.keys |= keys
        self.scans += 1


def request_status(db, request_id: int) -> str:  # type: ignore[no-untyped-def]
    return requests.get_request(db, request_id).status


def test_allocation_in_parts_and_no_personal_data_in_redis(  # type: ignore[no-untyped-def]
    db, recorder, smtp, redis_server, start_worker, client
) -> None:
    doc = regions(example_docs()[0], 2)
    load_example(db, doc)
    worker = start_worker(concurrency=2)
    scanner = Scanner(redis_server.client(), personal_details(doc))
    scanner.start()
    try:
        request_id = requests.create_request(
            db, params={"time_limit": 60}, now=dt.datetime.now(dt.UTC)
        )
        send(client, "allocate", request_id, queue="solver")
        wait_for(
            lambda: request_status(db, request_id) in ("done", "failed"),
            timeout=120,
            what="the allocation",
        )
        row = requests.get_request(db, request_id)
        assert row.status == "done", row.error
        assert row.progress == 100
        assert "2 parts queued" in worker.log_text()
        with transaction(db) as session:
            plan = plan_document(session, row.plan_id)
        assert verify(load_problem(doc), plan) == []
        assert {m.case for m in plan.meetings} >= {"C7", "C7R2"}  # both parts placed meetings

        from scheduler.invites.outbox import confirm_plan

        with transaction(db) as session:
            ids = confirm_plan(session, plan_id=row.plan_id, now=dt.datetime.now(dt.UTC)).outbox_ids
        for outbox_id in ids:
            send(client, "send_message", outbox_id, queue="mail")
        wait_for(lambda: unsent(db) == 0, timeout=60, what="the invites to go")
    finally:
        scanner.stop.set()
        scanner.join(timeout=60)
    scanner.scan()  # and once more after everything finished
    assert_exactly_once(db, recorder)
    assert scanner.scans >= 2
    assert any(k.startswith("celery-task-meta-") for k in scanner.keys), "no part result was seen"
    assert scanner.hits == []


def test_failed_part_fails_the_request(db, start_worker, client) -> None:  # type: ignore[no-untyped-def]
    load_example(db)
    start_worker()
    request_id = requests.create_request(db, now=dt.datetime.now(dt.UTC))
    with transaction(db) as session:
        from scheduler.storage.models import ProblemMeta

        session.delete(session.get(ProblemMeta, 1))  # the problem is gone before the task runs
    send(client, "allocate", request_id, queue="solver")
    wait_for(
        lambda: request_status(db, request_id) == "failed", timeout=60, what="the request to fail"
    )
    assert "NoProblemError" in (requests.get_request(db, request_id).error or "")


def test_scanner_finds_a_name_in_a_message(redis_server, client) -> None:  # type: ignore[no-untyped-def]
    """The privacy check's positive control: a name put in a task message is found."""
    client.send_task("workers.tasks.nobody", args=["Émilie Dupré-Test"], queue="nobody-consumes")
    hits, keys = find_needles(redis_server.client(), ["Émilie Dupré-Test", "someone@example.org"])
    assert ("émilie dupré-test", "nobody-consumes") in hits
    assert "nobody-consumes" in keys
