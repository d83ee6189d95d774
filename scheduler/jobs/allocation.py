"""An allocation run for a plan request: split into units, solve each, merge, save a draft.

The task layer decides where each step runs (one process, or a Celery chord of part
tasks on several workers); these functions do the work and keep the request's progress.
Every step re-reads the problem from the database by id, so nothing personal travels
through the broker: a part result holds only ids, times and reason codes.

Progress: 5 once started, 10 once split, then the parts share 10..90 as they finish,
and 100 when the draft plan is saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from scheduler.domain import Plan, Problem
from scheduler.engine.allocate import Unit
from scheduler.engine.budget import Budget
from scheduler.jobs import engine_adapter as solver
from scheduler.jobs import requests
from scheduler.storage.db import transaction
from scheduler.storage.plans import save_plan
from scheduler.storage.problems import export_problem

PARTS_FROM, PARTS_TO = 10, 90


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float
    workers: int

    @classmethod
    def from_params(
        cls, params: dict[str, Any] | None, *, time_limit: float, workers: int
    ) -> SolveOptions:
        """The request's own options where given (a coordinator's "quick run"), else defaults."""
        params = params or {}
        return cls(
            time_limit=float(params.get("time_limit", time_limit)),
            workers=int(params.get("workers", workers)),
        )


def load_problem(engine: Engine) -> Problem:
    with transaction(engine) as session:
        return export_problem(session)


def start(
    engine: Engine, request_id: int, *, now: dt.datetime, time_limit: float
) -> list[Unit] | None:
    """Mark the request running, split its problem into units; None if it is already done.

    The units are `engine.allocate`'s: parts (localised above its size limit), each
    with the greedy plan's meetings as hint and a share of what is left of `time_limit`
    after the options and greedy plan were built (`Budget.shares`).

    A request whose worker was lost is started again (its message is redelivered); one
    already done (or cancelled) is left alone, so a duplicate message makes no second plan.
    """
    row = requests.mark_running(engine, request_id, now=now, message="loading the problem")
    if row.status in ("done", "cancelled"):
        return None
    budget = Budget.start(time_limit)
    problem = load_problem(engine)
    if problem.has_journeys:  # planned whole, one unit (`engine_adapter.journeys_units`)
        units = solver.journeys_units(problem, budget)
    else:
        prepared = solver.prepare(problem)
        units = solver.units(prepared, budget)
        requests.save_floor(engine, request_id, solver.floor_of(prepared))
    requests.set_progress(engine, request_id, PARTS_FROM, f"split into {len(units)} part(s)")
    return units


@dataclass(frozen=True)
class PartJob:
    """One unit as a task runs it: cases, seconds and hint, and its share of the progress."""

    unit: Unit
    progress_step: int


def part_jobs(units: Sequence[Unit]) -> list[PartJob]:
    total = sum(len(u.case_ids) for u in units) or 1
    return [
        PartJob(unit=u, progress_step=max(1, (PARTS_TO - PARTS_FROM) * len(u.case_ids) // total))
        for u in units
    ]


def solve_one_part(
    engine: Engine, request_id: int, job: PartJob, *, workers: int
) -> dict[str, Any]:
    """Solve one part; returns its result as JSON (ids, times and numbers only)."""
    problem = load_problem(engine)
    if problem.has_journeys:
        doc = solver.solve_journeys(problem, job.unit, workers=workers)
    else:
        doc = solver.part_to_json(solver.solve_unit(problem, job.unit, workers=workers))
    requests.add_progress(engine, request_id, job.progress_step, PARTS_TO)
    return doc


def finish(
    engine: Engine,
    request_id: int,
    part_results: Sequence[dict[str, Any]],
    *,
    now: dt.datetime,
    time_limit: float,
) -> int | None:
    """Merge the parts into one plan, save it as a draft, close the request; the plan id.

    The budget is the one the request started with (`Budget.since` its start): what is
    left goes to single-case moves on the whole plan (from the greedy plan kept at the
    start, when that is better than the parts'), then the full reasons for unscheduled
    cases get the reserve the part shares left out; cases past that get static reasons
    (as the in-process allocation does).
    """
    row = requests.get_request(engine, request_id)
    if row.status == "done" and row.plan_id is not None:
        return row.plan_id  # a redelivered callback: the plan exists already
    if row.status == "cancelled":
        return None  # the coordinator cancelled it: no draft
    whole = solver.journeys_plan(list(part_results))
    if whole is not None:  # a journeys problem: its one unit planned it whole
        return _save(engine, request_id, whole, now=now)
    problem = load_problem(engine)
    started = row.started_at or now
    wall = max(0.0, (_aware(now) - _aware(started)).total_seconds())
    plan = solver.merge(
        problem,
        [solver.part_from_json(p) for p in part_results],
        Budget.since(time_limit, wall),
        floor=requests.floor(row),
    )
    return _save(engine, request_id, plan, now=now)


def run_in_process(
    engine: Engine, request_id: int, *, options: SolveOptions, now: dt.datetime
) -> int | None:
    """The whole allocation in this process (no broker needed); the plan id."""
    units = start(engine, request_id, now=now, time_limit=options.time_limit)
    if units is None:
        return requests.get_request(engine, request_id).plan_id
    results = []
    for job in part_jobs(units):
        if requests.is_cancelled(engine, request_id):
            return None
        results.append(solve_one_part(engine, request_id, job, workers=options.workers))
    return finish(engine, request_id, results, now=now, time_limit=options.time_limit)


def _save(engine: Engine, request_id: int, plan: Plan, *, now: dt.datetime) -> int | None:
    if requests.is_cancelled(engine, request_id):
        return None
    with transaction(engine) as session:
        plan_id = save_plan(session, plan, kind="allocate", created_at=now)
    requests.finish(
        engine,
        request_id,
        plan_id=plan_id,
        now=now,
        message=f"draft plan {plan_id}: {len(plan.meetings)} meetings{_sessions(plan)}, "
        f"{len(plan.unscheduled)} unscheduled",
    )
    return plan_id


def _sessions(plan: Plan) -> str:
    return f", {len(plan.sessions)} sessions" if plan.sessions else ""


def _aware(when: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they were stored as UTC.
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
