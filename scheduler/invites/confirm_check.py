"""Verify before confirm: no plan is confirmed, nor its invites queued, unless it passes.

`check_before_confirm` runs the independent checker (`scheduler.verify`) on the problem
as it is now and the plan about to be confirmed, and raises `PlanRejected` listing every
violation that keeps it from being confirmed. It writes nothing, so the caller's
transaction holds nothing to undo; the caller then logs and audits the refusal with
`audit_rejection` (web: in its own session) or `record_rejection` (CLI and jobs: a
transaction of its own, after the refused one was rolled back).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from scheduler.domain import Plan, Problem
from scheduler.verify import Violation, confirm_violations

log = logging.getLogger(__name__)

AUDIT_ACTION = "confirm_rejected"


class PlanRejected(Exception):
    """The checker found violations in a plan that was to be confirmed; nothing was written."""

    def __init__(self, plan_id: int, violations: list[Violation]) -> None:
        self.plan_id = plan_id
        self.violations = violations
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.violations)
        return (
            f"plan {self.plan_id} was not confirmed: the independent checker found "
            f"{n} violation{'s' if n != 1 else ''}; nothing was queued"
        )

    @property
    def rules(self) -> list[str]:
        """The rules broken, each once ("3", "8", "plan"), in the checker's order."""
        return list(dict.fromkeys(str(v.rule) for v in self.violations))

    def to_json(self) -> dict[str, Any]:
        return {
            "message": str(self),
            "plan_id": self.plan_id,
            "violations": [
                {"rule": v.rule, "case": v.case, "message": str(v)} for v in self.violations
            ],
        }


def check_before_confirm(problem: Problem, plan: Plan, *, plan_id: int) -> None:
    """Raise `PlanRejected` unless `plan` passes the checker under `problem` (writes nothing)."""
    violations = confirm_violations(problem, plan)
    if violations:
        raise PlanRejected(plan_id, violations)


def audit_rejection(
    session: Session,
    rejected: PlanRejected,
    *,
    actor: str,
    now: dt.datetime,
    client: str | None = None,
) -> None:
    """Log the refusal and add its audit row to `session` (ids and counts only)."""
    from scheduler.web_services import audit

    log.warning("%s (rules %s), by %s", rejected, ", ".join(rejected.rules), actor)
    audit.record(
        session,
        actor=actor,
        action=AUDIT_ACTION,
        now=now,
        target=f"plan:{rejected.plan_id}",
        details={"violations": len(rejected.violations), "rules": rejected.rules},
        client=client,
    )


def record_rejection(
    engine: Engine, rejected: PlanRejected, *, actor: str, now: dt.datetime
) -> bool:
    """`audit_rejection` in a transaction of its own; False (and logged) if it failed."""
    from sqlalchemy.exc import SQLAlchemyError

    from scheduler.storage.db import transaction

    try:
        with transaction(engine) as session:
            audit_rejection(session, rejected, actor=actor, now=now)
        return True
    except SQLAlchemyError as exc:
        log.error("could not audit the refusal of plan %s: %s", rejected.plan_id, exc)
        return False
