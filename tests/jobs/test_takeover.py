"""A nightly re-plan whose worker dies mid-run is taken over, and its updates go once.

Real Redis, real Celery workers, a real SMTP sink. The run's pool process (the "solver
child") is SIGKILLed while it holds the date; no one runs `rjsched replan` by hand.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import sqlite3
from collections.abc import Callable

import pytest
from sqlalchemy import select

from scheduler.storage.db import transaction
from scheduler.storage.models import ReplanRun
from tests.jobs.conftest import (
    assert_exactly_once,
    confirm_example_plan,
    example_docs,
    load_example,
    send,
    unsent,
)
from tests.jobs.services import CeleryProcess, wait_for
from tests.jobs.test_nightly import RUN_DATE, replan_plans, runs, withdraw_consent

# Small lease and heartbeat, so a dead run is taken over within seconds.
LEASE_ENV = {"RJSCHED_REPLAN_LEASE_SECONDS": "3", "RJSCHED_REPLAN_HEARTBEAT_SECONDS": "0.5"}


def the_run(db) -> ReplanRun | None:  # type: ignore[no-untyped-def]
    with transaction(db) as session:
        row = session.scalars(select(ReplanRun)).first()
        if row is not None:
            session.expunge(row)
        return row


def first_invites_sent(db, client) -> None:  # type: ignore[no-untyped-def]
    load_example(db)
    for outbox_id in confirm_example_plan(db):
        send(client, "send_message", outbox_id, queue="mail")
    wait_for(lambda: unsent(db) == 0, timeout=60, what="the first invites to go")
    load_example(db, withdraw_consent(example_docs()[0], "P3"))  # C2's victim withdraws


def kill_mid_run(db, jobs_db_url: str, kill: Callable[[int], None]) -> str:  # type: ignore[no-untyped-def]
    """Wait until a process holds the date, then kill it before it can commit; its owner."""
    holder = wait_for(
        lambda: (r := the_run(db)) is not None and r.status == "running" and r.owner,
        timeout=60,
        what="the re-plan to claim its date",
        interval=0.01,
    )
    # Hold SQLite's write lock while killing: the run cannot commit its plan in between.
    lock = sqlite3.connect(jobs_db_url.removeprefix("sqlite:///"), timeout=30)
    try:
        lock.execute("BEGIN IMMEDIATE")
        status = lock.execute("SELECT status FROM replan_runs").fetchone()[0]
        if status != "running":
            pytest.fail(f"the re-plan finished ({status}) before it could be killed")
        match = re.search(r" pid (\d+) ", holder)
        assert match, holder
        kill(int(match.group(1)))
    finally:
        lock.rollback()
        lock.close()
    return str(holder)


def assert_taken_over(db, recorder, worker: CeleryProcess, killed_owner: str) -> None:  # type: ignore[no-untyped-def]
    wait_for(lambda: runs(db) == [(RUN_DATE, "done")], timeout=90, what="the run to be taken over")
    wait_for(lambda: unsent(db) == 0, timeout=60, what="the re-plan's messages to go")
    assert replan_plans(db) == 1
    run = the_run(db)
    assert run is not None
    assert run.owner != killed_owner
    assert run.started_at is not None
    assert run.finished_at is not None
    assert run.finished_at > run.started_at, "finished_at is the real finish time"
    assert_exactly_once(db, recorder)
    assert [r for r in recorder.received if r.method == "CANCEL"], "C2's people hear of it"
    assert "took over the run of" in worker.log_text()


def test_solver_child_killed_mid_replan_is_taken_over(
    db, recorder, smtp, start_worker, client, jobs_db_url
) -> None:  # type: ignore[no-untyped-def]
    worker = start_worker(concurrency=2, **LEASE_ENV)  # no beat: the redelivery does it
    first_invites_sent(db, client)
    send(client, "replan_nightly", RUN_DATE, queue="solver")
    killed = kill_mid_run(db, jobs_db_url, lambda pid: os.kill(pid, signal.SIGKILL))
    assert_taken_over(db, recorder, worker, killed)


def test_whole_worker_killed_mid_replan_is_taken_over_by_the_watchdog(
    db, recorder, smtp, start_worker, job_env, tmp_path, client, jobs_db_url
) -> None:  # type: ignore[no-untyped-def]
    """The worker dies whole: its message waits in Redis for hours; beat's watchdog does not."""
    away = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=12)).strftime("%H:%M")
    env = {
        **LEASE_ENV,
        "RJSCHED_REPLAN_ENABLED": "true",
        "RJSCHED_REPLAN_AT_UTC": away,  # beat's own nightly run stays out of the test
        "RJSCHED_REPLAN_CHECK_SECONDS": "1",
    }
    first = start_worker(name="w1", concurrency=2, **env)
    first_invites_sent(db, client)
    send(client, "replan_nightly", RUN_DATE, queue="solver")
    killed = kill_mid_run(db, jobs_db_url, lambda _pid: first.kill())
    beat = CeleryProcess(
        ["beat", "-l", "info", "-s", str(tmp_path / "beat-schedule")],
        {**job_env, **env},
        tmp_path / "beat.log",
        "beat: Starting",
    )
    beat.start()
    try:
        second = start_worker(name="w2", concurrency=2, **env)
        assert_taken_over(db, recorder, second, killed)
    finally:
        beat.stop()


def stuck_run(db, *, lease_left: float) -> None:  # type: ignore[no-untyped-def]
    """A run left 'running' by a process that died, its lease running out in `lease_left` s."""
    now = dt.datetime.now(dt.UTC)
    with transaction(db) as session:
        session.add(
            ReplanRun(
                run_date=dt.date.fromisoformat(RUN_DATE),
                status="running",
                owner="celery@gone pid 4242 task dead",
                started_at=now - dt.timedelta(minutes=5),
                heartbeat_at=now - dt.timedelta(seconds=5),
                lease_until=now + dt.timedelta(seconds=lease_left),
            )
        )


def test_cli_replan_force_recovers_a_stuck_run(db, jobs_db_url, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from scheduler.cli import cli

    monkeypatch.setenv("RJSCHED_DATABASE_URL", jobs_db_url)
    monkeypatch.setenv("RJSCHED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RJSCHED_REDIS_URL", raising=False)
    load_example(db)
    confirm_example_plan(db)
    load_example(db, withdraw_consent(example_docs()[0], "P3"))
    stuck_run(db, lease_left=600)
    runner = CliRunner()
    held = runner.invoke(cli, ["replan", "--date", RUN_DATE])
    assert held.exit_code == 0, held.output
    assert "is running in celery@gone pid 4242" in held.output
    assert "--force takes it over now" in held.output
    assert replan_plans(db) == 0
    forced = runner.invoke(cli, ["replan", "--date", RUN_DATE, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "took over the run left by celery@gone pid 4242" in forced.output
    assert "dropped: 1 (C2)" in forced.output
    assert "Run `rjsched send` to send them" in forced.output  # no broker: sent by hand
    assert runs(db) == [(RUN_DATE, "done")]
    run = the_run(db)
    assert run is not None
    assert run.finished_at is not None
    assert run.started_at is not None
    assert run.finished_at > run.started_at


def test_cli_replan_takes_over_a_run_whose_lease_ran_out(
    db, jobs_db_url, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from scheduler.cli import cli

    monkeypatch.setenv("RJSCHED_DATABASE_URL", jobs_db_url)
    monkeypatch.setenv("RJSCHED_DATA_DIR", str(tmp_path / "data"))
    load_example(db)
    confirm_example_plan(db)
    stuck_run(db, lease_left=-1)
    done = CliRunner().invoke(cli, ["replan", "--date", RUN_DATE])
    assert done.exit_code == 0, done.output
    assert "took over the run left by celery@gone" in done.output
    assert runs(db) == [(RUN_DATE, "done")]
