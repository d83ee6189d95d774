"""Confirming queues its sends once it commits, never on a rollback, never without a broker.

The worker-level proof is `test_delivery.py::test_confirm_without_beat_is_delivered`;
these pin down the transaction edges, recording what would be published.
"""

from __future__ import annotations

import pytest

from scheduler.jobs import sending
from scheduler.storage.db import transaction
from tests.jobs.conftest import confirm_example_plan, load_example


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[list[int]]:
    calls: list[list[int]] = []
    monkeypatch.setattr(sending, "queue_sends", lambda ids: calls.append(list(ids)) or len(ids))
    return calls


def test_embedded_default_queues_nothing(db, published, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert not sending.sends_are_queued()
    load_example(db)
    assert confirm_example_plan(db)
    assert published == []


@pytest.mark.parametrize(
    ("env", "queued"),
    [
        ({"RJSCHED_REDIS_URL": "redis://127.0.0.1:1/0"}, True),
        ({"RJSCHED_JOBS_BACKEND": "celery"}, True),
        ({"RJSCHED_REDIS_URL": "redis://127.0.0.1:1/0", "RJSCHED_QUEUE_SENDS": "no"}, False),
        ({"RJSCHED_QUEUE_SENDS": "yes"}, True),
    ],
)
def test_a_configured_broker_turns_queuing_on(monkeypatch, env, queued) -> None:  # type: ignore[no-untyped-def]
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert sending.sends_are_queued() is queued


def test_sends_are_queued_after_commit_only(db, published, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from scheduler.formats import load_plan
    from scheduler.invites.outbox import confirm_plan
    from scheduler.storage.plans import save_plan
    from tests.jobs.conftest import NOW, example_docs

    monkeypatch.setenv("RJSCHED_QUEUE_SENDS", "yes")
    load_example(db)

    def confirm_then_fail() -> None:
        with transaction(db) as session:
            plan = load_plan(example_docs()[1])
            plan_id = save_plan(session, plan, kind="import", created_at=NOW)
            confirm_plan(session, plan_id=plan_id, now=NOW)
            assert published == []  # not before the commit
            raise RuntimeError("the caller fails after confirming")

    with pytest.raises(RuntimeError):
        confirm_then_fail()
    assert published == []  # rolled back: nothing was confirmed, nothing is sent
    ids = confirm_example_plan(db)
    assert published == [ids]


def test_a_broker_that_is_down_gives_up_quickly(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Publishing fails fast and says so; the rows are committed, so the sweeper has them."""
    import os
    import subprocess
    import sys

    from tests.jobs.services import free_port

    env = {k: v for k, v in os.environ.items() if not k.startswith("RJSCHED_")}
    env["RJSCHED_REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens
    code = "from scheduler.jobs.sending import queue_sends; print(queue_sends([1, 2, 3]))"
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0"
    assert "wait for the sweeper" in done.stderr
