"""A re-plan asked for from the web app: the same re-plan service, saved as a draft.

Choice (written down in docs/web.md too): the nightly job and `rjsched replan`
confirm their plan at once (nobody is there to review it at 03:30), but a coordinator
who runs a re-plan from the dashboard (the default once a plan is confirmed) is at the screen, so the job leaves a *draft*
for them to review and confirm; nothing is sent until they do. It does not claim the
date's nightly run (`replan_runs`): a coordinator may re-plan as often as they like,
and the night still runs.

The run date is the date of `now` in UTC, as for the nightly job: meetings on or
before it are pinned as they are, nothing new is placed before the day after.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from scheduler.jobs import requests
from scheduler.jobs.allocation import SolveOptions
from scheduler.jobs.replan import solve_replan
from scheduler.jobs.replan_problem import describe_changes
from scheduler.storage.db import transaction
from scheduler.storage.plans import save_plan

NO_CONFIRMED_PLAN = "there is no confirmed plan to re-plan; run an allocation and confirm it"


def run_replan_request(
    engine: Engine, request_id: int, *, options: SolveOptions, now: dt.datetime
) -> int | None:
    """Re-plan the confirmed plan for a plan request; the draft's id (None if it failed).

    A request already done (a redelivered message) is left alone and keeps its plan.
    """
    row = requests.mark_running(engine, request_id, now=now, message="re-planning")
    if row.status in ("done", "cancelled"):
        return row.plan_id
    run_date = now.astimezone(dt.UTC).date() if now.tzinfo else now.date()
    solution = solve_replan(
        engine, run_date=run_date, time_limit=options.time_limit, workers=options.workers
    )
    if solution is None:
        requests.fail(engine, request_id, error=NO_CONFIRMED_PLAN, now=now)
        return None
    plan = solution.plan
    if requests.is_cancelled(engine, request_id):
        return None  # cancelled while it solved: no draft
    with transaction(engine) as session:
        plan_id = save_plan(session, plan, kind="replan", created_at=now)
    changes = describe_changes(solution.confirmed, plan)
    changed = {
        "moved": changes.moved,
        "dropped": changes.dropped,
        "added": changes.added,
        "restaffed": changes.restaffed,
    }
    summary = ", ".join(f"{len(v)} {k}" for k, v in changed.items() if v) or "nothing moved"
    requests.finish(
        engine,
        request_id,
        plan_id=plan_id,
        now=now,
        message=(
            f"draft re-plan {plan_id} of confirmed plan {solution.previous_plan_id}: "
            f"disruption {plan.objective.disruption}; {summary}; "
            f"{len(changes.unchanged)} unchanged. Review it, then confirm it to send updates."
        ),
    )
    return plan_id
