"""Background jobs: `rjsched worker`, `rjsched beat`, and `rjsched replan` by hand.

`worker` and `beat` replace this process with Celery's own (``celery -A workers.app``),
after bringing the database schema up to date, so a supervisor sees one process per
command and its signals reach Celery directly.
"""

from __future__ import annotations

import datetime as dt
import os
import sys

import click

from scheduler.cli.data import open_db_or_fail
from scheduler.cli.document_io import SECONDS, fail
from scheduler.jobs.config import get_job_settings
from scheduler.jobs.replan import ConfirmedPlanChangedError, ReplanOutcome, run_replan
from scheduler.jobs.replan_lease import LeaseLostError, LeaseTerms
from scheduler.jobs.sending import sends_are_queued
from scheduler.settings import get_settings
from scheduler.storage.problems import NoProblemError

QUEUES = ("solver", "mail")


class ReplanRefused(click.ClickException):
    """The checker refused the re-planned plan: exit 1, as `rjsched verify` does."""

    exit_code = 1


def _queues(value: str) -> str:
    names = [q.strip() for q in value.split(",") if q.strip()]
    unknown = [q for q in names if q not in QUEUES]
    if not names or unknown:
        raise fail(
            f"--queues: expected a comma-separated list of {', '.join(QUEUES)}, got {value!r}"
        )
    return ",".join(names)


def _exec_celery(args: list[str]) -> None:
    open_db_or_fail().dispose()  # migrate (and fail clearly) before Celery starts
    argv = [sys.executable, "-m", "celery", "-A", "workers.app", *args]
    os.execv(sys.executable, argv)


@click.command()
@click.option("--queues", "-Q", default="solver,mail", show_default=True, help="Queues to consume.")
@click.option(
    "--concurrency", "-c", type=click.IntRange(1, 256), help="Worker processes (default: CPUs)."
)
@click.option("--loglevel", "-l", default="info", show_default=True)
@click.option("--hostname", "-n", help="Node name (default celery@<host>); unique per worker.")
def worker(queues: str, concurrency: int | None, loglevel: str, hostname: str | None) -> None:
    """Start a Celery worker on the solver and/or mail queue."""
    args = ["worker", "-Q", _queues(queues), "-l", loglevel]
    if concurrency:
        args += ["-c", str(concurrency)]
    if hostname:
        args += ["-n", hostname]
    _exec_celery(args)


@click.command()
@click.option("--loglevel", "-l", default="info", show_default=True)
def beat(loglevel: str) -> None:
    """Start the scheduler of periodic jobs (run exactly one): the sweep and the nightly re-plan."""
    schedule = get_settings().data_dir / "celerybeat-schedule"
    schedule.parent.mkdir(parents=True, exist_ok=True)
    _exec_celery(["beat", "-l", loglevel, "-s", str(schedule)])


@click.command()
@click.option(
    "--date",
    "run_date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The run date (default: today in UTC). Meetings up to it are pinned.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Run again even if this date has been re-planned, or take over a run in progress.",
)
@click.option("--time-limit", type=SECONDS, help="Solver seconds (default: settings).")
def replan(run_date: dt.datetime | None, force: bool, time_limit: float | None) -> None:
    """Re-plan the confirmed plan now, in this process, and queue only what changed.

    The same work as the nightly job, once per date. A run whose process died is taken
    over once its lease has run out (at once with --force). With a broker configured
    the mail workers send what it queued; else `rjsched send` does.
    """
    settings, jobs = get_settings(), get_job_settings()
    now = dt.datetime.now(dt.UTC)
    day = run_date.date() if run_date else now.date()
    engine = open_db_or_fail()
    try:
        outcome = run_replan(
            engine,
            run_date=day,
            now=now,
            time_limit=time_limit or settings.solver_time_limit_seconds,
            workers=settings.solver_workers,
            owner=f"rjsched replan pid {os.getpid()}",
            lease=LeaseTerms.from_settings(jobs),
            clock=lambda: dt.datetime.now(dt.UTC),
            force=force,
        )
    except (NoProblemError, ConfirmedPlanChangedError, LeaseLostError) as exc:
        raise fail(f"{exc}; nothing was confirmed") from None
    finally:
        engine.dispose()
    _report(outcome)


def _report(o: ReplanOutcome) -> None:
    day = o.run_date.isoformat()
    if o.status == "already-run":
        click.echo(f"re-plan of {day} has run already; nothing done (use --force to run it again)")
        return
    if o.status == "held":
        until = o.held_until.isoformat(timespec="seconds") if o.held_until else "?"
        click.echo(
            f"re-plan of {day} is running in {o.held_by} (its lease holds until {until} UTC); "
            "nothing done (it is taken over by itself if that process died; --force takes "
            "it over now)"
        )
        return
    if o.status == "no-confirmed-plan":
        click.echo(f"re-plan of {day}: there is no confirmed plan to re-plan; nothing done")
        return
    if o.status == "rejected":
        for line in o.violations:
            click.echo(line)
        raise ReplanRefused(
            f"re-plan of {day}: the independent checker refused the new plan "
            f"({len(o.violations)} violation(s)); nothing was confirmed or queued, "
            f"plan {o.previous_plan_id} stays in force"
        )
    c = o.changes
    if o.took_over_from:
        click.echo(f"re-plan of {day}: took over the run left by {o.took_over_from}")
    click.echo(f"re-plan of {day}: plan {o.plan_id} confirmed (replaces plan {o.previous_plan_id})")
    click.echo(
        f"  objective: disruption {o.objective.get('disruption')}, scheduled priority "
        f"{o.objective.get('scheduled_priority')}, soft cost {o.objective.get('soft_cost')}"
    )
    for label, cases in (
        ("moved", c.moved),
        ("dropped", c.dropped),
        ("added", c.added),
        ("restaffed", c.restaffed),
        ("adjusted", c.adjusted),
        ("pinned (on or before the run date)", o.pinned),
        ("old meeting no longer fits the data", o.left_out),
        ("dates ended", o.expired),
        ("rooms and roles kept as they were", o.restored),
    ):
        if cases:
            click.echo(
                f"  {label}: {len(cases)} ({', '.join(cases[:20])}{', …' if len(cases) > 20 else ''})"
            )
    click.echo(f"  unchanged: {len(c.unchanged)}")
    click.echo(
        f"  queued {len(o.outbox_ids)} message(s): {o.requests} new, {o.updates} updated, "
        f"{o.cancels} cancelled. {then_what()}"
    )


def then_what() -> str:
    """What happens to queued messages next, for people."""
    if sends_are_queued():
        return "The mail workers send them now (`rjsched send` also would)."
    return "Run `rjsched send` to send them."


COMMANDS = [worker, beat, replan]
