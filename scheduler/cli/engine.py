"""Allocation: `rjsched solve`."""

from __future__ import annotations

import datetime as dt

import click

from scheduler.cli.common import SECONDS, WORKERS, fail, read_problem, write_json
from scheduler.domain import Plan, Problem


def _run(problem: Problem, time_limit: float, workers: int) -> Plan:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from scheduler.engine import solve

    with Progress(
        TextColumn("[bold]solve"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        transient=True,
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task("building options", total=1.0)

        def progress(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, description=message)

        return solve(problem, time_limit=time_limit, workers=workers, progress=progress)


def _summary(plan: Plan) -> str:
    o, b = plan.objective, plan.solver.bound
    lines = [
        f"{len(plan.meetings)} meetings, {len(plan.unscheduled)} unscheduled "
        f"({plan.solver.status}, {plan.solver.wall_seconds:.1f} s)",
        f"disruption {o.disruption} (bound {b.disruption}), "
        f"scheduled priority {o.scheduled_priority} (bound {b.scheduled_priority}), "
        f"soft cost {o.soft_cost} (bound {b.soft_cost})",
    ]
    lines += [f"warning {w.code} {w.case}: {w.message}" for w in plan.warnings]
    return "\n".join(lines)


def _from_db() -> tuple[Problem, object]:
    from scheduler.formats import load_problem
    from scheduler.storage.db import make_engine, transaction
    from scheduler.storage.plans import confirmed_meetings
    from scheduler.storage.problems import export_problem

    engine = make_engine()
    with transaction(engine) as session:
        try:
            problem = export_problem(session)
        except LookupError as exc:
            raise fail(f"no problem in the database: {exc}") from None
        if not problem.existing:
            existing = confirmed_meetings(session)
            if existing:
                doc = problem.to_doc()
                doc["existing"] = [m.to_doc() for m in existing]
                problem = load_problem(doc)
    return problem, engine


@click.command("solve")
@click.argument("problem_path", metavar="PROBLEM", required=False)
@click.option("--out", "out", metavar="PLAN.json", help="Where to write the plan (default stdout).")
@click.option("--db", "use_db", is_flag=True, help="Solve the problem held in the database.")
@click.option("--time-limit", default=60.0, show_default=True, type=SECONDS)
@click.option("--workers", default=2, show_default=True, type=WORKERS)
def solve_command(
    problem_path: str | None, out: str | None, use_db: bool, time_limit: float, workers: int
) -> None:
    """Allocate facilitators, venues and times: write the plan, or store it as a draft (--db)."""
    from scheduler.formats import dump_plan

    if use_db == bool(problem_path):
        raise fail("give either PROBLEM or --db")
    if use_db:
        from scheduler.storage.db import transaction
        from scheduler.storage.plans import save_plan

        problem, engine = _from_db()
        plan = _run(problem, time_limit, workers)
        with transaction(engine) as session:  # type: ignore[arg-type]
            plan_id = save_plan(session, plan, kind="solve", created_at=dt.datetime.now(dt.UTC))
        click.echo(_summary(plan), err=True)
        click.echo(f"saved draft plan {plan_id}")
        return
    problem = read_problem(problem_path)  # type: ignore[arg-type]
    plan = _run(problem, time_limit, workers)
    write_json(dump_plan(plan), out)
    click.echo(_summary(plan), err=True)


COMMANDS = [solve_command]
