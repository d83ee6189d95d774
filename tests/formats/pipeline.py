"""A problem document through everything a coordinator does with it, in one process.

import (SQLite) -> export (must re-validate, written without NaN/Infinity) -> solve ->
verify -> plan document re-validates -> save -> confirm (the checker runs first) ->
send to an outbox folder -> every message parses. Raises on the first thing that fails.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import select

from scheduler.domain import Problem
from scheduler.formats import load_plan, load_problem
from scheduler.invites.content import Sender
from scheduler.invites.outbox import confirm_plan, send_due
from scheduler.invites.transports import FolderTransport
from scheduler.jobs import engine_adapter
from scheduler.storage.db import make_engine, session_factory, transaction
from scheduler.storage.mail_models import OutboxMessage
from scheduler.storage.plans import save_plan
from scheduler.storage.problems import export_problem, import_problem
from scheduler.verify import verify

NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
SENDER = Sender(
    service_name="the Restorative Justice Service",
    mail_from="invites@rj.example.org",
    base_url="https://rj.example.org",
)


def run_pipeline(problem: Problem, folder: Path, sqlite_template: Path) -> int:
    """Everything above, in `folder`; the number of messages sent."""
    db = folder / "rjsched.db"
    shutil.copyfile(sqlite_template, db)
    engine = make_engine(f"sqlite:///{db}")
    try:
        with transaction(engine) as session:
            import_problem(session, problem, now=NOW)
        with transaction(engine) as session:
            stored = export_problem(session)
        text = json.dumps(stored.to_doc(), ensure_ascii=False, allow_nan=False)
        assert load_problem(text) == problem, "the export differs from the import"
        plan = engine_adapter.solve(stored, time_limit=2, workers=1)
        assert verify(stored, plan) == [], "the engine's plan does not verify"
        plan_text = json.dumps(plan.to_doc(), ensure_ascii=False, allow_nan=False)
        assert load_plan(plan_text, stored) == plan
        with transaction(engine) as session:
            plan_id = save_plan(session, plan, kind="solve", created_at=NOW)
        with transaction(engine) as session:
            confirm_plan(session, plan_id=plan_id, now=NOW, sender=SENDER)
        outbox = folder / "outbox"
        sent = send_due(session_factory(engine), FolderTransport(outbox), now=NOW)
        assert sent.failed == 0, sent.errors
        with transaction(engine) as session:
            queued = len(list(session.scalars(select(OutboxMessage.id))))
        assert sent.sent == queued
        for path in outbox.glob("*.eml"):
            msg = message_from_bytes(path.read_bytes(), policy=policy.default)
            assert "\n" not in str(msg["Subject"])
            assert "\n" not in str(msg["To"])
        return sent.sent
    finally:
        engine.dispose()
