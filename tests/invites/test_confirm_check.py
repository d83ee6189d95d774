"""Verify before confirm: a stored plan that breaks a rule is refused, nothing is written.

The broken plan is the spec's own plan with C8's meeting moved a day earlier: its lead
F8 then also leads C12 that morning (rule 8) and C8's offender is away (rule 3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from scheduler.cli import cli
from scheduler.domain import Plan
from scheduler.invites.outbox import PlanRejected, confirm_plan
from scheduler.storage.db import transaction
from scheduler.storage.mail_models import InviteState, OutboxMessage
from scheduler.storage.models import PlanRow
from scheduler.storage.plans import save_plan
from scheduler.storage.problems import import_problem
from scheduler.storage.web_models import AuditRow
from tests.invites.helpers import (
    NOW,
    SENDER,
    example_plan,
    example_problem,
    problem_doc,
    shift_days,
)
from tests.web.helpers import login, make_app


def broken_plan() -> Plan:
    def move_c8(doc: dict[str, Any]) -> None:
        doc["meetings"] = [shift_days(m, -1) if m["case"] == "C8" else m for m in doc["meetings"]]

    return example_plan(move_c8)


def store(engine: Engine, *plans: Plan) -> list[int]:
    with transaction(engine) as session:
        import_problem(session, example_problem(), now=NOW)
        return [save_plan(session, p, kind="import", created_at=NOW) for p in plans]


def counts(engine: Engine) -> dict[str, Any]:
    with transaction(engine) as session:
        return {
            "outbox": session.scalar(select(func.count()).select_from(OutboxMessage)),
            "states": session.scalar(select(func.count()).select_from(InviteState)),
            "statuses": dict(session.execute(select(PlanRow.id, PlanRow.status)).all()),  # type: ignore[arg-type]
            "rejections": [
                (r.actor, r.target, r.details)
                for r in session.scalars(
                    select(AuditRow).where(AuditRow.action == "confirm_rejected")
                )
            ],
        }


def test_a_valid_plan_is_confirmed(engine: Engine) -> None:
    (good,) = store(engine, example_plan())
    with transaction(engine) as session:
        assert confirm_plan(session, plan_id=good, now=NOW, sender=SENDER).requests == 33
    assert counts(engine)["statuses"] == {good: "confirmed"}


def test_a_broken_plan_is_refused_before_anything_is_written(engine: Engine) -> None:
    good, bad = store(engine, example_plan(), broken_plan())
    with transaction(engine) as session:
        confirm_plan(session, plan_id=good, now=NOW, sender=SENDER)
    before = counts(engine)
    with pytest.raises(PlanRejected) as caught, transaction(engine) as session:
        confirm_plan(session, plan_id=bad, now=NOW, sender=SENDER)
    rules = {v.rule for v in caught.value.violations}
    assert {3, 8} <= rules
    assert f"plan {bad} was not confirmed" in str(caught.value)
    after = counts(engine)
    # The good plan stays in force; the broken one stays a draft; nothing queued.
    assert after == before
    assert after["statuses"] == {good: "confirmed", bad: "draft"}


def test_cli_confirm_prints_the_violations_and_exits_1(cli_env: str, engine: Engine) -> None:
    (bad,) = store(engine, broken_plan())
    result = CliRunner().invoke(cli, ["confirm", "--plan", str(bad)])
    assert result.exit_code == 1, result.output
    assert "rule 8 (no double booking) C8: facilitator F8" in result.output
    assert f"plan {bad} was not confirmed" in result.output
    assert "Traceback" not in result.output
    after = counts(engine)
    assert after["outbox"] == 0
    assert after["statuses"] == {bad: "draft"}
    assert after["rejections"] == [
        ("cli", f"plan:{bad}", {"violations": 4, "rules": ["3", "8", "9"]})
    ]
    # --all picks the latest draft: the same refusal.
    assert CliRunner().invoke(cli, ["confirm", "--all"]).exit_code == 1


def test_web_confirm_answers_409_with_the_violations(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with TestClient(app) as client:
        client.headers["X-CSRF-Token"] = login(client)
        assert client.post("/api/import", json=problem_doc()).status_code == 200
        with transaction(app.state.engine) as session:
            bad = save_plan(session, broken_plan(), kind="import", created_at=NOW)
        res = client.post(f"/api/plans/{bad}/confirm")
        assert res.status_code == 409, res.text
        detail = res.json()["detail"]
        assert detail["plan_id"] == bad
        assert {v["rule"] for v in detail["violations"]} >= {3, 8}
        assert any("F8" in v["message"] for v in detail["violations"])
        assert client.get("/api/plans").json()[0]["status"] == "draft"
        audit = client.get("/api/audit").json()
        assert audit[0]["action"] == "confirm_rejected"
        assert audit[0]["target"] == f"plan:{bad}"
        assert audit[0]["details"]["violations"] == len(detail["violations"])
        with transaction(app.state.engine) as session:
            assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
