"""Fixtures for the job tests: a real Redis, SMTP server, database, Celery worker and beat.

The worker and beat are subprocesses (``celery -A workers.app ...``) whose environment
points at this test's Redis, database (a SQLite file, or PostgreSQL for the tests
marked so) and SMTP server. Never eager mode.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery
from sqlalchemy import Engine, select

from tests.jobs.services import CeleryProcess, Recorder, RedisServer, SmtpServer

DATA = Path(__file__).resolve().parents[1] / "data"
# Rows are due from when they are queued, and the worker compares with its own clock.
NOW = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)


@pytest.fixture(autouse=True)
def _no_broker_in_the_test_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Confirmations made by the test itself queue nothing (whatever the shell's settings)."""
    for name in ("RJSCHED_REDIS_URL", "RJSCHED_JOBS_BACKEND", "RJSCHED_QUEUE_SENDS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def smtp(recorder: Recorder) -> Iterator[SmtpServer]:
    server = SmtpServer(recorder)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def jobs_db_url(tmp_path: Path) -> str:
    """The database the worker and the test share (SQLite file; WAL lets them both in)."""
    return f"sqlite:///{tmp_path / 'jobs.db'}"


@pytest.fixture
def db(jobs_db_url: str) -> Iterator[Engine]:
    from scheduler.storage.db import make_engine
    from scheduler.storage.migrate import upgrade

    engine = make_engine(jobs_db_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def job_env(
    redis_server: RedisServer, smtp: SmtpServer, jobs_db_url: str, tmp_path: Path
) -> dict[str, str]:
    """The environment of every worker and beat of the test (settings from RJSCHED_*)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RJSCHED_")}
    env.update(
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
        RJSCHED_DATA_DIR=str(tmp_path / "data"),
        RJSCHED_DATABASE_URL=jobs_db_url,
        RJSCHED_REDIS_URL=redis_server.url,
        RJSCHED_SMTP_HOST="127.0.0.1",
        RJSCHED_SMTP_PORT=str(smtp.port),
        RJSCHED_SMTP_TIMEOUT_SECONDS="5",
        # Short enough for a test to see every recovery path within seconds.
        RJSCHED_MAIL_CLAIM_SECONDS="8",
        RJSCHED_MAIL_RETRY_BASE_SECONDS="0.5",
        RJSCHED_MAIL_RETRY_MAX_SECONDS="2",
        RJSCHED_SWEEP_SECONDS="1",
        RJSCHED_SWEEP_GRACE_SECONDS="2",
        RJSCHED_REPLAN_ENABLED="false",
        RJSCHED_REPLAN_LEASE_SECONDS="3",
        RJSCHED_REPLAN_HEARTBEAT_SECONDS="0.5",
        RJSCHED_SOLVER_TIME_LIMIT_SECONDS="60",
        RJSCHED_SOLVER_WORKERS="1",
    )
    return env


@pytest.fixture
def start_worker(job_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., CeleryProcess]]:
    """Start a worker (more than one if called again); all are stopped after the test."""
    started: list[CeleryProcess] = []

    def start(
        name: str = "w1", concurrency: int = 2, queues: str = "solver,mail", **env: str
    ) -> CeleryProcess:
        args = [
            "worker",
            "-Q",
            queues,
            "-P",
            "prefork",
            "-c",
            str(concurrency),
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
            "-n",
            f"{name}@%h",
        ]
        proc = CeleryProcess(args, {**job_env, **env}, tmp_path / f"worker-{name}.log", "ready.")
        proc.start()
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture
def worker(start_worker: Callable[..., CeleryProcess]) -> CeleryProcess:
    return start_worker()


@pytest.fixture
def beat(job_env: dict[str, str], tmp_path: Path) -> Iterator[CeleryProcess]:
    args = ["beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")]
    proc = CeleryProcess(args, job_env, tmp_path / "beat.log", "beat: Starting")
    proc.start()
    yield proc
    proc.stop()


@pytest.fixture
def client(redis_server: RedisServer) -> Iterator[Celery]:
    """A producer for this test's broker (the project's app reads its config once)."""
    app = Celery("tests", broker=redis_server.url, backend=redis_server.url)
    app.conf.update(
        task_serializer="json", accept_content=["json"], broker_connection_retry_on_startup=True
    )
    yield app
    app.close()


def send(client: Celery, task: str, *args: Any, queue: str) -> None:
    client.send_task(f"workers.tasks.{task}", args=list(args), queue=queue)


# --------------------------------------------------------------------------- data


def example_docs() -> tuple[dict[str, Any], dict[str, Any]]:
    problem = json.loads((DATA / "small.problem.json").read_text(encoding="utf-8"))
    plan = json.loads((DATA / "small.plan.json").read_text(encoding="utf-8"))
    return problem, plan


def load_example(engine: Engine, problem_doc: dict[str, Any] | None = None) -> None:
    from scheduler.formats import load_problem
    from scheduler.storage.db import transaction
    from scheduler.storage.problems import import_problem

    doc = problem_doc or example_docs()[0]
    with transaction(engine) as session:
        import_problem(session, load_problem(doc), now=NOW)


def confirm_example_plan(engine: Engine, now: dt.datetime = NOW) -> list[int]:
    """Store the spec's plan and confirm it (queuing its invites); the outbox ids."""
    from scheduler.formats import load_plan
    from scheduler.invites.outbox import confirm_plan
    from scheduler.storage.db import transaction
    from scheduler.storage.plans import save_plan

    with transaction(engine) as session:
        plan_id = save_plan(session, load_plan(example_docs()[1]), kind="import", created_at=now)
        summary = confirm_plan(session, plan_id=plan_id, now=now)
        session.flush()
        return summary.outbox_ids


def outbox_keys(engine: Engine) -> dict[tuple[str, int, str, str], str]:
    """Every message queued: (UID, SEQUENCE, METHOD, recipient) → its Message-ID."""
    from email import message_from_string, policy

    from scheduler.storage.db import transaction
    from scheduler.storage.mail_models import OutboxMessage

    with transaction(engine) as session:
        rows = session.scalars(select(OutboxMessage)).all()
        return {
            (r.uid, r.sequence, r.method, r.recipient_email.lower()): str(
                message_from_string(r.message, policy=policy.SMTP)["Message-ID"]
            )
            for r in rows
        }


def unsent(engine: Engine) -> int:
    from sqlalchemy import func

    from scheduler.storage.db import transaction
    from scheduler.storage.mail_models import OutboxMessage

    with transaction(engine) as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
            )
            or 0
        )


def assert_exactly_once(engine: Engine, recorder: Recorder) -> None:
    """Every queued message arrived once: by Message-ID and by (UID, SEQUENCE, METHOD, recipient)."""
    expected = outbox_keys(engine)
    by_key, by_id = recorder.by_key(), recorder.by_message_id()
    assert set(by_key) == set(expected), "messages missing or unexpected"
    assert {k: n for k, n in by_key.items() if n != 1} == {}, "sent more than once"
    assert set(by_id) == set(expected.values())
    assert {k: n for k, n in by_id.items() if n != 1} == {}, "a Message-ID arrived more than once"
