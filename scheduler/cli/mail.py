"""Invites: confirm a plan (queuing its invites) and send what is due.

Messages go to the SMTP server when ``RJSCHED_SMTP_HOST`` is set, else into the outbox
folder (``RJSCHED_OUTBOX_DIR``, default ``<data dir>/outbox``), one ``.eml`` each.
"""

from __future__ import annotations

import datetime as dt

import click

from scheduler.cli.data import open_db_or_fail, unit_of_work
from scheduler.cli.document_io import COUNT, ROW_ID, fail
from scheduler.cli.jobs import then_what
from scheduler.invites.confirm_check import record_rejection
from scheduler.invites.content import Sender
from scheduler.invites.outbox import PlanRejected, send_due
from scheduler.invites.transports import transport_from_settings
from scheduler.plan_review import ChangesNotAcknowledged, confirm_reviewed, said
from scheduler.settings import get_settings
from scheduler.storage.db import session_factory
from scheduler.storage.plans import PlanNotFoundError, latest_plan
from scheduler.storage.problems import NoProblemError
from scheduler.web_services import audit


class PlanRefused(click.ClickException):
    """The checker refused the plan: exit 1, as `rjsched verify` does for violations."""

    exit_code = 1


@click.command()
@click.option(
    "--all", "all_", is_flag=True, help="Confirm the latest draft plan, every meeting in it."
)
@click.option("--plan", "plan_id", type=ROW_ID, help="Confirm the plan with this id.")
@click.option(
    "--accept-changes", is_flag=True,
    help="Confirm even though the plan moves or cancels confirmed meetings or sessions "
    "(they are named, and the people concerned get updates or cancellations).",
)  # fmt: skip
def confirm(all_: bool, plan_id: int | None, accept_changes: bool) -> None:
    """Confirm a plan: it replaces the plan in force, and its invites are queued.

    A plan that would move or cancel meetings or sessions of the confirmed plan is
    refused (exit 1, naming them) unless --accept-changes is given.
    """
    if all_ == (plan_id is not None):
        raise fail("say which plan to confirm: --all (the latest draft) or --plan ID")
    settings = get_settings()
    engine = open_db_or_fail()
    now = dt.datetime.now(dt.UTC)
    try:
        with unit_of_work(engine) as session:
            if plan_id is None:
                draft = latest_plan(session, "draft")
                if draft is None:
                    raise fail("there is no draft plan to confirm; run `rjsched solve --db` first")
                plan_id = draft.id
            done = confirm_reviewed(
                session, plan_id, now=now, sender=Sender.from_settings(settings),
                acknowledged=True if accept_changes else None,
            )  # fmt: skip
            audit.record(
                session, actor="cli", action="confirm", now=now, target=f"plan:{plan_id}",
                details=done.audit_details(),
            )  # fmt: skip
            summary = done.queued
            accepted = [said(c) for c in done.review.disrupted]
    except ChangesNotAcknowledged as exc:
        for c in exc.meetings:
            click.echo(said(c))
        raise PlanRefused(
            f"{exc}. Review it (rjsched export --plan, or the web app's plan page) and "
            "run again with --accept-changes to confirm it"
        ) from None
    except (PlanNotFoundError, NoProblemError) as exc:
        raise fail(f"{exc}; nothing was confirmed") from None
    except PlanRejected as exc:
        record_rejection(engine, exc, actor="cli", now=now)
        for v in exc.violations:
            click.echo(str(v))
        raise PlanRefused(str(exc)) from None
    finally:
        engine.dispose()
    for line in accepted:
        click.echo(f"accepted: {line}")
    click.echo(
        f"plan {plan_id} confirmed; queued {summary.queued} message(s): "
        f"{summary.requests} new, {summary.updates} updated, {summary.cancels} cancelled; "
        f"{summary.unchanged} unchanged. {then_what()}"
    )


@click.command()
@click.option("--limit", type=COUNT, help="Send at most this many messages.")
def send(limit: int | None) -> None:
    """Send every queued message that is due (each exactly once)."""
    settings = get_settings()
    transport = transport_from_settings(settings)
    engine = open_db_or_fail()
    try:
        summary = send_due(
            session_factory(engine), transport, now=dt.datetime.now(dt.UTC), limit=limit
        )
    finally:
        engine.dispose()
    for error in summary.errors:
        click.echo(f"failed: {error}", err=True)
    click.echo(f"sent {summary.sent}, failed {summary.failed}, to {summary.where}")
    if summary.failed:
        raise SystemExit(1)


COMMANDS = [confirm, send]
