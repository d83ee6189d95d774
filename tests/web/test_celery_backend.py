"""The "celery" jobs backend: the web app (a real `rjsched serve` process) queues the
allocation for a real Celery worker through a real Redis, and the job page sees it done.

Uses the job tests' services (Redis, SMTP, worker subprocesses); never eager mode.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from scheduler.storage.db import transaction
from scheduler.web_services.accounts import create_user
from tests.jobs.conftest import (  # noqa: F401  (fixtures)
    db,
    job_env,
    jobs_db_url,
    recorder,
    redis_server,
    smtp,
    start_worker,
)
from tests.jobs.services import CeleryProcess, free_port, wait_for
from tests.web.helpers import EMAIL, PASSWORD, login

ROOT = Path(__file__).parents[2]
PROBLEM = json.loads((ROOT / "tests" / "data" / "small.problem.json").read_text())


@pytest.fixture
def web(db: Engine, job_env: dict[str, str], tmp_path: Path) -> Iterator[str]:  # noqa: F811
    """`rjsched serve` with the celery backend, on the job tests' database and Redis."""
    with transaction(db) as session:
        create_user(session, email=EMAIL, password=PASSWORD, now=dt.datetime.now(dt.UTC))
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from scheduler.cli import main; main()",
            "serve",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env={**job_env, "RJSCHED_JOBS_BACKEND": "celery"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(base + "/login", timeout=1).status_code == 200
        except httpx.HTTPError:
            return proc.poll() is not None

    wait_for(up, timeout=60, what="rjsched serve to answer")
    assert proc.poll() is None, (tmp_path / "serve.log").read_text()
    yield base
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    log.close()


def test_allocation_job_runs_on_a_celery_worker(
    web: str,
    start_worker: Callable[..., CeleryProcess],  # noqa: F811
) -> None:
    worker = start_worker(queues="solver", concurrency=1)
    with httpx.Client(base_url=web, timeout=30) as client:
        client.headers["X-CSRF-Token"] = login(client)  # type: ignore[arg-type]
        assert client.post("/api/import", json=PROBLEM).status_code == 200
        job = client.post("/api/jobs", json={"time_limit": 3}).json()
        assert job["status"] == "queued"

        def finished() -> dict | None:
            row = client.get(f"/api/jobs/{job['id']}").json()
            return row if row["status"] in ("done", "failed") else None

        row = wait_for(finished, timeout=120, what=f"job {job['id']} to finish", interval=0.3)
        assert row["status"] == "done", row
        assert row["progress"] == 100
        plan = client.get(f"/api/plans/{row['plan_id']}").json()
        assert plan["meetings"]
    assert "workers.tasks.allocate" in worker.log_text()  # it ran on the worker, not in a thread


def test_replan_job_runs_the_replan_task_on_a_worker(
    web: str,
    db: Engine,  # noqa: F811
    start_worker: Callable[..., CeleryProcess],  # noqa: F811
) -> None:
    from scheduler.domain import Plan
    from scheduler.storage.plans import save_plan

    worker = start_worker(queues="solver", concurrency=1)
    plan_doc = json.loads((ROOT / "tests" / "data" / "small.plan.json").read_text())
    with httpx.Client(base_url=web, timeout=30) as client:
        client.headers["X-CSRF-Token"] = login(client)  # type: ignore[arg-type]
        assert client.post("/api/import", json=PROBLEM).status_code == 200
        with transaction(db) as session:
            confirmed = save_plan(
                session,
                Plan.model_validate(plan_doc),
                kind="import",
                created_at=dt.datetime.now(dt.UTC),
            )
        assert client.post(f"/api/plans/{confirmed}/confirm").status_code == 200
        job = client.post("/api/jobs", json={"kind": "replan", "time_limit": 10}).json()

        def finished() -> dict | None:
            row = client.get(f"/api/jobs/{job['id']}").json()
            return row if row["status"] in ("done", "failed") else None

        row = wait_for(finished, timeout=120, what=f"job {job['id']} to finish", interval=0.3)
        assert row["status"] == "done", row
        statuses = {p["id"]: p["status"] for p in client.get("/api/plans").json()}
        assert statuses[row["plan_id"]] == "draft"
        assert statuses[confirmed] == "confirmed"
        replanned = client.get(f"/api/plans/{row['plan_id']}").json()
        assert replanned["objective"]["disruption"] == 0  # nothing changed: everything kept
    assert "workers.tasks.replan_draft" in worker.log_text()
