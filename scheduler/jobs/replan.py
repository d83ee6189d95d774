"""The nightly re-plan: once per date, re-solve the coming weeks with least disruption.

Steps: claim the date (a unique ``replan_runs`` row, so a second beat, a retry or a
redelivered message does nothing twice), read the confirmed plan and the problem, pin
what has taken place (see `replan_problem`), solve, then save the new plan and confirm
it in one transaction, which queues only the updates and cancellations
(`invites.outbox.confirm_plan`). The caller sends what was queued.

A run that dies half-way leaves its row ``running``; after ``replan_stale_seconds`` it
may be claimed again (a failed one at once). Nothing is confirmed half-way: the save,
the confirmation, the queued messages and the row's ``done`` commit together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, or_, select, update
from sqlalchemy.exc import IntegrityError

from scheduler.domain import Meeting, Plan
from scheduler.jobs import engine_adapter as solver
from scheduler.jobs.replan_problem import (
    Changes,
    ReplanInput,
    complete_plan,
    describe_changes,
    replan_problem,
)
from scheduler.jobs.stability import stabilise
from scheduler.storage.db import transaction
from scheduler.storage.models import PlanRow, ReplanRun
from scheduler.storage.plans import confirmed_meetings, latest_plan, save_plan
from scheduler.storage.problems import export_problem


class ConfirmedPlanChangedError(RuntimeError):
    """Someone confirmed another plan while the re-plan was solving; ours is stale."""


@dataclass
class ReplanOutcome:
    run_date: dt.date
    status: str  # 'done', 'already-run' (claimed before), 'no-confirmed-plan', 'rejected'
    plan_id: int | None = None
    previous_plan_id: int | None = None
    changes: Changes = field(default_factory=Changes)
    outbox_ids: list[int] = field(default_factory=list)
    requests: int = 0
    updates: int = 0
    cancels: int = 0
    pinned: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)  # details kept as they were (see stability)
    objective: dict[str, int] = field(default_factory=dict)
    # 'rejected': the checker's refusal (see `invites.confirm_check`); nothing was sent.
    violations: list[str] = field(default_factory=list)


def claim_run(
    engine: Engine, run_date: dt.date, *, now: dt.datetime, stale_seconds: int, force: bool = False
) -> bool:
    """Take the date's run for this process; False if another run has it or had it."""
    try:
        with transaction(engine) as session:
            session.add(ReplanRun(run_date=run_date, status="running", started_at=now))
        return True
    except IntegrityError:
        pass
    stale = now - dt.timedelta(seconds=stale_seconds)
    again = [
        ReplanRun.status == "failed",
        (ReplanRun.status == "running") & (ReplanRun.started_at < stale),
    ]
    if force:
        again.append(ReplanRun.status.in_(("done", "skipped", "rejected")))
    with transaction(engine) as session:
        result = session.execute(
            update(ReplanRun)
            .where(ReplanRun.run_date == run_date, or_(*again))
            .values(status="running", started_at=now, finished_at=None)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]


def _close_run(
    engine: Engine, run_date: dt.date, *, status: str, now: dt.datetime, plan_id: int | None = None
) -> None:
    with transaction(engine) as session:
        session.execute(
            update(ReplanRun)
            .where(ReplanRun.run_date == run_date)
            .values(status=status, finished_at=now, plan_id=plan_id)
        )


def run_replan(
    engine: Engine,
    *,
    run_date: dt.date,
    now: dt.datetime,
    time_limit: float,
    workers: int,
    stale_seconds: int,
    force: bool = False,
) -> ReplanOutcome:
    """Re-plan for `run_date` once (again with `force`); see the module docstring."""
    if not claim_run(engine, run_date, now=now, stale_seconds=stale_seconds, force=force):
        return ReplanOutcome(run_date=run_date, status="already-run")
    try:
        outcome = _replan(
            engine, run_date=run_date, now=now, time_limit=time_limit, workers=workers
        )
    except BaseException:
        # BaseException too: a soft time limit or a stop signal must not leave 'running'.
        _close_run(engine, run_date, status="failed", now=now)
        raise
    if outcome.status == "no-confirmed-plan":
        _close_run(engine, run_date, status="skipped", now=now)
    elif outcome.status == "rejected":
        _close_run(engine, run_date, status="rejected", now=now)
    return outcome


@dataclass(frozen=True)
class ReplanSolution:
    """A re-planned plan, not yet saved, and what it was made from."""

    previous_plan_id: int
    confirmed: list[Meeting]
    prepared: ReplanInput
    plan: Plan
    restored: list[str]


def solve_replan(
    engine: Engine, *, run_date: dt.date, time_limit: float, workers: int
) -> ReplanSolution | None:
    """Re-solve the confirmed plan for `run_date` (nothing saved); None if none is confirmed.

    The one re-plan service: the nightly job and `rjsched replan` confirm its plan
    (`run_replan`), the web app's re-plan job saves it as a draft (`replan_draft`).
    """
    with transaction(engine) as session:
        before = latest_plan(session, "confirmed")
        if before is None:
            return None
        previous_id = before.id
        confirmed = list(confirmed_meetings(session))
        problem = export_problem(session)
    prepared = replan_problem(problem, confirmed, run_date)
    plan = solver.solve(prepared.problem, time_limit=time_limit, workers=workers)
    plan, restored = stabilise(prepared.problem, confirmed, plan)
    plan = complete_plan(plan, prepared.expired, run_date)
    return ReplanSolution(previous_id, confirmed, prepared, plan, restored)


def _replan(
    engine: Engine, *, run_date: dt.date, now: dt.datetime, time_limit: float, workers: int
) -> ReplanOutcome:
    from scheduler.invites.confirm_check import record_rejection
    from scheduler.invites.outbox import PlanRejected, confirm_plan

    solution = solve_replan(engine, run_date=run_date, time_limit=time_limit, workers=workers)
    if solution is None:
        return ReplanOutcome(run_date=run_date, status="no-confirmed-plan")
    previous_id, confirmed, prepared = (
        solution.previous_plan_id,
        solution.confirmed,
        solution.prepared,
    )
    plan, restored = solution.plan, solution.restored
    try:
        with transaction(engine) as session:
            current = session.scalars(
                select(PlanRow.id).where(PlanRow.status == "confirmed")
            ).first()
            if current != previous_id:
                raise ConfirmedPlanChangedError(
                    f"plan {current} was confirmed while the re-plan was solving from plan "
                    f"{previous_id}; run the re-plan again with --force"
                )
            plan_id = save_plan(session, plan, kind="replan", created_at=now)
            summary = confirm_plan(session, plan_id=plan_id, now=now)
            session.execute(
                update(ReplanRun)
                .where(ReplanRun.run_date == run_date)
                .values(status="done", finished_at=now, plan_id=plan_id)
            )
            session.flush()
            outbox_ids = summary.outbox_ids
    except PlanRejected as exc:
        # Rolled back: no plan saved, nothing confirmed or queued; the plan in force stays.
        # The caller closes the run as 'rejected'.
        record_rejection(engine, exc, actor="nightly re-plan", now=now)
        return ReplanOutcome(
            run_date=run_date,
            status="rejected",
            previous_plan_id=previous_id,
            changes=describe_changes(confirmed, plan),
            pinned=prepared.pinned,
            left_out=prepared.left_out,
            expired=prepared.expired,
            objective=plan.objective.to_doc(),
            violations=[str(v) for v in exc.violations],
        )
    return ReplanOutcome(
        run_date=run_date,
        status="done",
        plan_id=plan_id,
        previous_plan_id=previous_id,
        changes=describe_changes(confirmed, plan),
        outbox_ids=outbox_ids,
        requests=summary.requests,
        updates=summary.updates,
        cancels=summary.cancels,
        pinned=prepared.pinned,
        left_out=prepared.left_out,
        expired=prepared.expired,
        restored=restored,
        objective=plan.objective.to_doc(),
    )
