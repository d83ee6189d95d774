"""The independent checker: `rjsched verify PROBLEM PLAN`."""

from __future__ import annotations

import sys

import click

from scheduler.cli.document_io import read_plan_document
from scheduler.domain import Plan, Problem
from scheduler.formats import DocumentError, load_problem_file


class BadDocument(click.ClickException):
    """An unreadable or invalid document: exit 2, so scripts can tell it from a bad plan."""

    exit_code = 2


def _read_problem(path: str) -> Problem:
    try:
        return load_problem_file(path)
    except DocumentError as exc:
        raise BadDocument(f"{path}: {exc}") from None


def _read_plan(path: str) -> Plan:
    try:
        return read_plan_document(path)
    except DocumentError as exc:
        raise BadDocument(f"{path}: {exc}") from None


@click.command("verify")
@click.argument("problem_path", metavar="PROBLEM")
@click.argument("plan_path", metavar="PLAN")
def verify_command(problem_path: str, plan_path: str) -> None:
    """Check PLAN against PROBLEM, rule by rule: exit 0 valid, 1 violations, 2 bad document."""
    from scheduler.verify import compute_objective, verify

    problem = _read_problem(problem_path)
    plan = _read_plan(plan_path)
    violations = verify(problem, plan)
    for v in violations:
        click.echo(str(v))
    o = compute_objective(problem, plan)
    sessions = f", {len(plan.sessions)} sessions" if plan.sessions else ""
    figures = (
        f"{len(plan.meetings)} meetings{sessions}, {len(plan.unscheduled)} unscheduled; objective: "
        f"disruption {o.disruption}, scheduled priority {o.scheduled_priority}, soft cost {o.soft_cost}"
    )
    if violations:
        n = len(violations)
        click.echo(f"INVALID: {n} violation{'s' if n != 1 else ''}; {figures}")
        # Like every refusal (exit 1), one line on stderr that starts "Error:".
        click.echo(
            f"Error: the plan breaks {n} rule{'s' if n != 1 else ''} (listed above)", err=True
        )
        sys.exit(1)
    click.echo(f"VALID: {figures}")


COMMANDS = [verify_command]
