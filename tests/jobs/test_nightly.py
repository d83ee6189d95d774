"""The nightly re-plan through a real worker, and `rjsched replan` by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from scheduler.jobs.replan_lease import LeaseTerms
from scheduler.storage.db import transaction
from scheduler.storage.models import PlanRow, ReplanRun
from tests.jobs.conftest import (
    assert_exactly_once,
    confirm_example_plan,
    example_docs,
    load_example,
    send,
    unsent,
)
from tests.jobs.services import wait_for

LEASE = {
    "owner": "test",
    "lease": LeaseTerms(seconds=60, heartbeat_seconds=10),
    "clock": lambda: dt.datetime.now(dt.UTC),
}
RUN_DATE = "2027-03-09"  # C7 (8 March) took place; C6 (9 March) is today: both pinned


def withdraw_consent(doc: dict, party_id: str) -> dict:
    for case in doc["cases"]:
        for party in case["parties"]:
            if party["id"] == party_id:
                party["consent"] = False
    return doc


def runs(db) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with transaction(db) as session:
        return [(r.run_date.isoformat(), r.status) for r in session.scalars(select(ReplanRun))]


def replan_plans(db) -> int:  # type: ignore[no-untyped-def]
    with transaction(db) as session:
        return int(
            session.scalar(
                select(func.count()).select_from(PlanRow).where(PlanRow.kind == "replan")
            )
            or 0
        )


def messages(db) -> list[tuple[str, str, object]]:  # type: ignore[no-untyped-def]
    from scheduler.storage.mail_models import OutboxMessage

    with transaction(db) as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(r.case_id, r.method, r.sent_at) for r in rows]


def test_replan_without_changes_sends_nothing(db) -> None:  # type: ignore[no-untyped-def]
    from scheduler.jobs.replan import run_replan

    load_example(db)
    confirm_example_plan(db)
    outcome = run_replan(
        db,
        run_date=dt.date(2027, 3, 1),
        now=dt.datetime.now(dt.UTC),
        time_limit=60,
        workers=1,
        **LEASE,
    )
    assert outcome.status == "done"
    assert not outcome.changes.any
    assert outcome.outbox_ids == []
    assert outcome.objective["disruption"] == 0


def test_two_beats_same_night_replan_once(db, recorder, smtp, start_worker, client) -> None:  # type: ignore[no-untyped-def]
    load_example(db)
    for outbox_id in confirm_example_plan(db):
        send(client, "send_message", outbox_id, queue="mail")
    worker = start_worker(concurrency=3)
    wait_for(lambda: unsent(db) == 0, timeout=60, what="the first invites to go")
    load_example(db, withdraw_consent(example_docs()[0], "P3"))  # C2's victim withdraws
    send(client, "replan_nightly", RUN_DATE, queue="solver")
    send(client, "replan_nightly", RUN_DATE, queue="solver")  # a second beat, the same night
    wait_for(
        lambda: worker.log_text().count(f"re-plan {RUN_DATE}:") == 2,
        timeout=120,
        what="both re-plan tasks",
    )
    assert runs(db) == [(RUN_DATE, "done")]
    assert replan_plans(db) == 1
    assert "already-run" in worker.log_text()
    wait_for(lambda: unsent(db) == 0, timeout=60, what="the re-plan's messages to go")
    assert_exactly_once(db, recorder)
    cancels = [r for r in recorder.received if r.method == "CANCEL"]
    assert cancels, "C2 was dropped, so its people get cancellations"


def test_cli_replan_once_per_date(db, jobs_db_url: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from scheduler.cli import cli

    monkeypatch.setenv("RJSCHED_DATABASE_URL", jobs_db_url)
    monkeypatch.setenv("RJSCHED_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RJSCHED_SOLVER_TIME_LIMIT_SECONDS", "60")
    load_example(db)
    confirm_example_plan(db)
    changed = tmp_path / "changed.json"
    import json

    changed.write_text(json.dumps(withdraw_consent(example_docs()[0], "P3")))
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(changed)]).exit_code == 0
    first = runner.invoke(cli, ["replan", "--date", RUN_DATE])
    assert first.exit_code == 0, first.output
    assert "dropped: 1 (C2)" in first.output
    assert "pinned (on or before the run date): 2 (C7, C6)" in first.output
    sent = runner.invoke(cli, ["send"])
    assert sent.exit_code == 0, sent.output
    # Only the people of cases that changed hear anything: C2's get cancellations.
    assert {(case, method) for case, method, _ in messages(db)[33:]} >= {("C2", "CANCEL")}
    changed_cases = {case for case, _, _ in messages(db)[33:]}
    unchanged_line = next(line for line in first.output.splitlines() if "unchanged:" in line)
    assert changed_cases == {"C2"} or "added" in first.output or "moved" in first.output, (
        unchanged_line
    )
    assert all(sent_at is not None for _, _, sent_at in messages(db))
    second = runner.invoke(cli, ["replan", "--date", RUN_DATE])
    assert second.exit_code == 0
    assert "has run already" in second.output
    assert replan_plans(db) == 1
    forced = runner.invoke(cli, ["replan", "--date", RUN_DATE, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "dropped" not in forced.output  # nothing left to drop
    assert replan_plans(db) == 2
    assert runs(db) == [(RUN_DATE, "done")]


def test_replan_without_confirmed_plan_does_nothing(db) -> None:  # type: ignore[no-untyped-def]
    from scheduler.jobs.replan import run_replan

    load_example(db)
    now = dt.datetime.now(dt.UTC)
    outcome = run_replan(
        db, run_date=dt.date(2027, 3, 9), now=now, time_limit=5, workers=1, **LEASE
    )
    assert outcome.status == "no-confirmed-plan"
    assert runs(db) == [(RUN_DATE, "skipped")]
