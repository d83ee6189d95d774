"""Thin Celery tasks: each takes ids and dates, calls one service, logs counts.

Never pass personal data or ORM objects through the broker: every task loads what it
needs from the database by id (the broker is not a place for names and addresses).
The work itself lives in `scheduler.jobs`; these only choose queues, retries and
fan-out, and read the clock (the core never does).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any

from celery import chord
from celery.signals import after_setup_logger, after_setup_task_logger, worker_process_init
from sqlalchemy import Engine

from scheduler.jobs import allocation, requests, sending
from scheduler.jobs.config import get_job_settings
from scheduler.jobs.engine_adapter import unit_from_json, unit_to_json
from scheduler.jobs.replan import run_replan
from scheduler.jobs.replan_lease import LeaseLostError, LeaseTerms, runs_to_take_over
from scheduler.settings import get_settings
from workers.app import app

log = logging.getLogger(__name__)


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_logs(logger: logging.Logger | None = None, **_: Any) -> None:
    # No email address in a worker's log, whatever logs it (a traceback included).
    from scheduler.invites import redact

    redact.install(logger)
    redact.install()


_engine: Engine | None = None


def engine() -> Engine:
    """One engine per worker process, made on first use (never at import)."""
    global _engine
    if _engine is None:
        from scheduler.storage.db import make_engine

        _engine = make_engine()
    return _engine


@worker_process_init.connect
def _fresh_process(**_: Any) -> None:
    # A forked child must not share its parent's database connections.
    global _engine
    _engine = None
    from scheduler.invites import outbox

    # The outbox's claim length is a module constant; make it the configured one.
    outbox.CLAIM_SECONDS = get_job_settings().mail_claim_seconds
    # A worker has a broker: confirmations here (the nightly re-plan) queue their sends.
    sending.IN_WORKER = True


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- allocation


def _solve_options(db: Engine, plan_request_id: int) -> allocation.SolveOptions:
    """The request's own limits, falling back to the settings'."""
    settings = get_settings()
    row = requests.get_request(db, plan_request_id)
    return allocation.SolveOptions.from_params(
        row.params,
        time_limit=settings.solver_time_limit_seconds,
        workers=settings.solver_workers,
    )


@app.task(ignore_result=True)
def allocate(plan_request_id: int) -> None:
    """Split the stored problem; solve here if one part, else fan the parts out as a chord.

    Redelivered (its worker died): a request already done is left alone; one still
    running is started again, and if the first chord also finishes, the later merge
    finds the request done and saves nothing (work twice, one plan).
    """
    db = engine()
    try:
        options = _solve_options(db, plan_request_id)
        units = allocation.start(db, plan_request_id, now=utcnow(), time_limit=options.time_limit)
        if units is None:
            log.info("plan request %s is done already", plan_request_id)
            return
        jobs = allocation.part_jobs(units)
        if len(jobs) <= 1:
            results = [
                allocation.solve_one_part(db, plan_request_id, j, workers=options.workers)
                for j in jobs
            ]
            plan_id = allocation.finish(
                db, plan_request_id, results, now=utcnow(), time_limit=options.time_limit
            )
            log.info("plan request %s: draft plan %s (one part)", plan_request_id, plan_id)
            return
        callback = merge_parts.s(plan_request_id, options.time_limit).on_error(
            allocation_failed.si(plan_request_id)
        )
        # A unit carries case ids, seconds and its hint's meetings (ids and times only).
        header = [
            solve_part.s(plan_request_id, unit_to_json(j.unit), j.progress_step, options.workers)
            for j in jobs
        ]
        chord(header)(callback)
        log.info("plan request %s: %d parts queued", plan_request_id, len(jobs))
    except Exception as exc:
        requests.fail(db, plan_request_id, error=f"{type(exc).__name__}: {exc}", now=utcnow())
        raise


@app.task
def solve_part(
    plan_request_id: int, unit: dict[str, Any], progress_step: int, workers: int
) -> dict[str, Any]:
    """One unit of an allocation; its result (ids, times, numbers) goes to the merge."""
    job = allocation.PartJob(unit=unit_from_json(unit), progress_step=progress_step)
    result = allocation.solve_one_part(engine(), plan_request_id, job, workers=workers)
    log.info("plan request %s: part of %d cases solved", plan_request_id, len(job.unit.case_ids))
    return result


@app.task(ignore_result=True)
def merge_parts(
    part_results: list[dict[str, Any]], plan_request_id: int, time_limit: float = 60.0
) -> None:
    db = engine()
    try:
        plan_id = allocation.finish(
            db, plan_request_id, part_results, now=utcnow(), time_limit=time_limit
        )
    except Exception as exc:
        requests.fail(db, plan_request_id, error=f"{type(exc).__name__}: {exc}", now=utcnow())
        raise
    log.info(
        "plan request %s: draft plan %s from %d parts", plan_request_id, plan_id, len(part_results)
    )


@app.task(ignore_result=True)
def allocation_failed(plan_request_id: int) -> None:
    """The chord's error callback: a part failed, so the request did."""
    requests.fail(engine(), plan_request_id, error="a part of the allocation failed", now=utcnow())


@app.task(ignore_result=True)
def replan_draft(plan_request_id: int) -> None:
    """A re-plan asked for in the web app: the re-plan service, saved as a draft to review."""
    from scheduler.jobs.replan_draft import run_replan_request

    db = engine()
    try:
        options = _solve_options(db, plan_request_id)
        plan_id = run_replan_request(db, plan_request_id, options=options, now=utcnow())
    except Exception as exc:
        requests.fail(db, plan_request_id, error=f"{type(exc).__name__}: {exc}", now=utcnow())
        raise
    log.info("plan request %s: draft re-plan %s", plan_request_id, plan_id)


# --------------------------------------------------------------------------- mail


@app.task(bind=True, ignore_result=True, max_retries=None)
def send_message(self: Any, outbox_id: int) -> None:
    """Send one outbox message; retry with backoff only on transient SMTP errors."""
    from scheduler.invites.transports import PermanentMailError, transport_from_settings

    jobs = get_job_settings()
    try:
        outcome = sending.send(
            engine(),
            transport_from_settings(get_settings()),
            outbox_id,
            now=utcnow(),
            base=jobs.mail_retry_base_seconds,
            cap=jobs.mail_retry_max_seconds,
        )
    except sending.Deferred as exc:
        if self.request.retries >= jobs.mail_max_retries:
            log.warning("%s; retries used up, the sweeper will pick it up", exc)
            return
        log.info("%s", exc)
        raise self.retry(countdown=exc.delay, exc=exc) from None
    except PermanentMailError as exc:
        log.error("message %s refused for good (see outbox.last_error): %s", outbox_id, exc)
        return
    except LookupError as exc:
        log.error("%s", exc)
        return
    log.info("message %s: %s", outbox_id, outcome)


@app.task(ignore_result=True)
def sweep_outbox() -> int:
    """Queue again every message due and unsent (one lost on the way is then not lost)."""
    # While the mail queue still holds messages the due rows are most likely among them;
    # queuing copies then would only grow a backlog, so sweep once it has drained.
    waiting = mail_queue_length()
    if waiting:
        log.info("sweep: %d message(s) still in the mail queue; not sweeping", waiting)
        return 0
    jobs = get_job_settings()
    ids = sending.sweep(engine(), now=utcnow(), grace_seconds=jobs.sweep_grace_seconds)
    for outbox_id in ids:
        send_message.delay(outbox_id)
    if ids:
        log.info("sweep: %d message(s) queued again", len(ids))
    return len(ids)


def mail_queue_length() -> int:
    from kombu.exceptions import ChannelError

    with app.connection_for_read() as conn:
        try:
            return int(conn.default_channel.queue_declare("mail", passive=True).message_count)
        except ChannelError:  # Redis drops an empty list's key: no queue means none waiting
            return 0


# --------------------------------------------------------------------------- nightly


@app.task(bind=True, ignore_result=True, max_retries=None)
def replan_nightly(self: Any, run_date: str | None = None) -> str:
    """The re-plan of `run_date` (ISO date; default today in UTC), once per date.

    Its messages are queued for sending when its transaction commits (see
    `invites.outbox.confirm_plan`). A run another process holds is looked at again when
    its next heartbeat, and at the latest when that lease runs out: then the run is done
    (nothing to do) or its holder died (take it over).
    """
    day = dt.date.fromisoformat(run_date) if run_date else utcnow().date()
    settings, jobs = get_settings(), get_job_settings()
    owner = f"{self.request.hostname} pid {os.getpid()} task {self.request.id}"
    try:
        outcome = run_replan(
            engine(),
            run_date=day,
            now=utcnow(),
            time_limit=settings.solver_time_limit_seconds,
            workers=settings.solver_workers,
            owner=owner,
            lease=LeaseTerms.from_settings(jobs),
            clock=utcnow,
        )
    except LeaseLostError as exc:
        log.warning("%s", exc)
        return "lost-lease"
    if outcome.status == "held" and outcome.held_until is not None:
        # Look again at the next heartbeat (the holder may be done by then), at the
        # latest just after its lease runs out (then the holder died: take over).
        left = (outcome.held_until - utcnow()).total_seconds() + 0.5
        wait = max(1.0, min(left, jobs.replan_heartbeat_seconds))
        log.info("re-plan %s is held by %s; looking again in %.0fs", day, outcome.held_by, wait)
        raise self.retry(args=[day.isoformat()], countdown=wait)
    if outcome.took_over_from:
        log.warning(
            "re-plan %s: took over the run of %s (lease ran out)", day, outcome.took_over_from
        )
    if outcome.status == "rejected":
        log.warning(
            "re-plan %s: rejected by the checker (%d violation(s)); nothing sent, plan %s stays",
            day,
            len(outcome.violations),
            outcome.previous_plan_id,
        )
        return outcome.status
    log.info(
        "re-plan %s: %s, plan %s, %d message(s) queued",
        day,
        outcome.status,
        outcome.plan_id,
        len(outcome.outbox_ids),
    )
    return outcome.status


@app.task(ignore_result=True)
def replan_watchdog() -> int:
    """Queue again every recent re-plan whose lease ran out (its worker died whole)."""
    jobs = get_job_settings()
    days = runs_to_take_over(engine(), now=utcnow())
    for day in days:
        log.warning("re-plan %s: its lease ran out; queuing it to be taken over", day)
        replan_nightly.apply_async(args=[day.isoformat()], expires=jobs.replan_check_seconds)
    return len(days)
