"""The nightly re-plan: once per date, re-solve the coming weeks with least disruption.

Steps: claim the date (a ``replan_runs`` row held by a lease that a heartbeat renews;
see `replan_lease`), read the confirmed plan and the problem, pin what has taken place
(see `replan_problem`), solve, then save the new plan and confirm it in one
transaction, which queues only the updates and cancellations
(`invites.outbox.confirm_plan`, which also has them sent once it commits).

A run whose process dies stops renewing its lease; once the lease has run out
(``RJSCHED_REPLAN_LEASE_SECONDS``) the next claimer takes the run over and does it
all again. Nothing is confirmed half-way: the save, the confirmation, the queued
messages and the row's ``done`` commit together, and only while this process still
holds the lease, so a date's updates are queued once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from scheduler.domain import Meeting, Plan
from scheduler.jobs import engine_adapter as solver
from scheduler.jobs.replan_lease import (
    Clock,
    Heartbeat,
    LeaseTerms,
    claim_run,
    close_run,
    finish_run,
)
from scheduler.jobs.replan_problem import (
    Changes,
    ReplanInput,
    complete_plan,
    describe_changes,
    replan_problem,
)
from scheduler.jobs.stability import stabilise
from scheduler.storage.db import transaction
from scheduler.storage.models import PlanRow
from scheduler.storage.plans import confirmed_meetings, confirmed_sessions, latest_plan, save_plan
from scheduler.storage.problems import export_problem


class ConfirmedPlanChangedError(RuntimeError):
    """Someone confirmed another plan while the re-plan was solving; ours is stale."""


@dataclass
class ReplanOutcome:
    run_date: dt.date
    # 'done', 'already-run' (done before), 'held' (another process is running it now),
    # 'no-confirmed-plan', 'rejected' (the checker refused the new plan; nothing sent)
    status: str
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
    took_over_from: str | None = None  # the owner of a run that died (or was forced out)
    held_by: str | None = None  # 'held': who runs it, and until when their lease holds
    held_until: dt.datetime | None = None
    # 'rejected': the checker's refusal (see `invites.confirm_check`); nothing was sent.
    violations: list[str] = field(default_factory=list)


def run_replan(
    engine: Engine,
    *,
    run_date: dt.date,
    now: dt.datetime,
    time_limit: float,
    workers: int,
    owner: str,
    lease: LeaseTerms,
    clock: Clock,
    force: bool = False,
) -> ReplanOutcome:
    """Re-plan for `run_date` once (again with `force`); see the module docstring.

    `owner` names this process in ``replan_runs`` (for people, and as the lease's
    holder); `clock` gives the heartbeat's and the finish's times.
    """
    claim = claim_run(engine, run_date, owner=owner, now=now, terms=lease, force=force)
    if not claim.claimed:
        return ReplanOutcome(
            run_date=run_date,
            status=claim.status,
            held_by=claim.previous_owner,
            held_until=claim.held_until,
        )
    with Heartbeat(engine, run_date, owner=owner, terms=lease, clock=clock):
        try:
            outcome = _replan(
                engine,
                run_date=run_date,
                now=now,
                time_limit=time_limit,
                workers=workers,
                owner=owner,
                clock=clock,
            )
        except BaseException:
            # BaseException too: a soft time limit or a stop signal must not leave 'running'.
            close_run(engine, run_date, owner=owner, status="failed", now=clock())
            raise
    if outcome.status == "no-confirmed-plan":
        close_run(engine, run_date, owner=owner, status="skipped", now=clock())
    elif outcome.status == "rejected":
        close_run(engine, run_date, owner=owner, status="rejected", now=clock())
    outcome.took_over_from = claim.previous_owner
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
        sessions = confirmed_sessions(session)
        problem = export_problem(session)
    prepared = replan_problem(problem, confirmed, run_date, sessions)
    plan = solver.solve(prepared.problem, time_limit=time_limit, workers=workers)
    plan, restored = stabilise(prepared.problem, confirmed, plan)
    plan = complete_plan(plan, prepared.expired, run_date)
    return ReplanSolution(previous_id, confirmed, prepared, plan, restored)


def _replan(
    engine: Engine,
    *,
    run_date: dt.date,
    now: dt.datetime,
    time_limit: float,
    workers: int,
    owner: str,
    clock: Clock,
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
            # The fence: only the lease's holder commits (else everything here rolls back).
            finish_run(session, run_date, owner=owner, status="done", now=clock(), plan_id=plan_id)
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
