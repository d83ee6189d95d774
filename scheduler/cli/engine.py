"""Allocation: `rjsched solve`.

With `--db` and a confirmed plan in the database, `solve` re-plans by default: the
confirmed meetings (and the pinned ones) are the problem's ``existing``, prepared
exactly as the re-plan jobs prepare them (`jobs.replan_problem`), so moving or dropping
one costs disruption and the draft changes as little as it can. `--fresh` allocates
from scratch instead, ignoring what is confirmed, and says so before it starts.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field

import click

from scheduler.cli.document_io import SECONDS, WORKERS, fail, read_problem, write_json
from scheduler.domain import Meeting, Plan, Problem


def _run(problem: Problem, time_limit: float, workers: int, quiet: bool) -> Plan:
    from scheduler.cli.progress import ProgressLine
    from scheduler.engine import solve

    if quiet:
        return solve(problem, time_limit=time_limit, workers=workers)
    with ProgressLine(sys.stderr) as progress:
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


def print_unscheduled(problem: Problem, plan: Plan, *, stderr: bool) -> None:
    """The unscheduled cases as a table: reference, priority, why in plain words."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from scheduler.wording import humanise, reason_words

    console = Console(stderr=stderr, highlight=False)
    if not plan.unscheduled:
        console.print("Every case is scheduled.")
        return
    rank = {c.id: (-c.priority, c.reference) for c in problem.cases}
    rows = sorted(plan.unscheduled, key=lambda u: rank.get(u.case, (0, u.case)))
    table = Table(title=f"{len(rows)} unscheduled case(s)", title_justify="left")
    table.add_column("case")
    table.add_column("priority", justify="right")
    table.add_column("why")
    for u in rows:
        case = problem.case_by_id.get(u.case)
        why = "\n".join(
            f"{reason_words(r.code).capitalize()}: {escape(humanise(r.message, problem, case))}"
            f" [dim]({r.code})[/dim]"
            for r in u.reasons
        )
        name = f"{escape(case.reference)}\n[dim]{escape(u.case)}[/dim]" if case else escape(u.case)
        table.add_row(name, str(case.priority) if case else "", why)
    console.print(table)
    console.print("[dim]Why, in detail, for one case: rjsched explain --db --case <id>[/dim]")


@dataclass
class DbInput:
    problem: Problem
    engine: object
    confirmed_plan: int | None = None
    confirmed: list[Meeting] = field(default_factory=list)
    replan: object | None = None  # jobs.replan_problem.ReplanInput when re-planning
    original: Problem | None = None  # the stored problem, before the re-plan's changes


def _from_db(fresh: bool, run_date: dt.date) -> DbInput:
    from scheduler.jobs.replan_problem import replan_problem
    from scheduler.storage.db import make_engine, transaction
    from scheduler.storage.plans import confirmed_meetings, confirmed_sessions, latest_plan
    from scheduler.storage.problems import export_problem

    engine = make_engine()
    with transaction(engine) as session:
        try:
            problem = export_problem(session)
        except LookupError as exc:
            raise fail(f"no problem in the database: {exc}") from None
        row = latest_plan(session, "confirmed")
        confirmed = list(confirmed_meetings(session)) if row is not None else []
        sessions = confirmed_sessions(session) if row is not None else []
        plan_id = row.id if row is not None else None
    got = DbInput(problem, engine, plan_id, confirmed, original=problem)
    if (confirmed or sessions) and not fresh:
        got.replan = replan_problem(problem, confirmed, run_date, sessions)
        got.problem = got.replan.problem  # type: ignore[attr-defined]
    return got


def _replan_notes(got: DbInput, plan: Plan, run_date: dt.date) -> list[str]:
    from scheduler.jobs.replan_problem import describe_changes

    prepared = got.replan
    pinned = len(prepared.pinned)  # type: ignore[attr-defined]
    kept = len(got.problem.existing)
    changes = describe_changes(got.confirmed, plan)
    said = {
        "moved": changes.moved,
        "dropped": changes.dropped,
        "re-staffed": changes.restaffed,
        "adjusted": changes.adjusted,
        "added": changes.added,
    }
    summary = ", ".join(f"{len(v)} {k}" for k, v in said.items() if v) or "nothing moved"
    lines = [
        f"re-plan of confirmed plan {got.confirmed_plan} for {run_date.isoformat()}: "
        f"{kept} confirmed meetings kept as existing ({pinned} pinned); "
        f"{summary}; {len(changes.unchanged)} unchanged"
    ]
    left = prepared.left_out + prepared.expired  # type: ignore[attr-defined]
    if left:
        lines.append(
            f"not carried over (no longer fit, or their dates have passed): {', '.join(left)}"
        )
    return lines


@click.command("solve")
@click.argument("problem_path", metavar="[PROBLEM]", required=False)
@click.option("--out", "out", metavar="PLAN.json", help="Where to write the plan (default stdout).")
@click.option(
    "--db", "use_db", is_flag=True,
    help="Solve the problem held in the database and store the plan as a draft "
    "(instead of PROBLEM). With a confirmed plan this re-plans it: see --fresh.",
)  # fmt: skip
@click.option(
    "--fresh", is_flag=True,
    help="With --db: allocate from scratch, ignoring the confirmed plan (confirming the "
    "result may move or cancel meetings people already have).",
)  # fmt: skip
@click.option(
    "--date", "run_date", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
    help="With --db re-planning: the run date (default today in UTC); meetings up to it stay as they are.",
)  # fmt: skip
@click.option("--time-limit", default=60.0, show_default=True, type=SECONDS)
@click.option("--workers", default=2, show_default=True, type=WORKERS)
@click.option("--quiet", "-q", is_flag=True, help="No progress lines on stderr.")
def solve_command(
    problem_path: str | None,
    out: str | None,
    use_db: bool,
    fresh: bool,
    run_date: dt.datetime | None,
    time_limit: float,
    workers: int,
    quiet: bool,
) -> None:
    """Allocate facilitators, venues and times to the cases of PROBLEM (a problem file),
    or of the database with --db.

    Prints a progress line on stderr while it runs, then the unscheduled cases and why.
    The plan goes to --out (or stdout); with --db it is stored as a draft to review and
    confirm. Once a plan is confirmed, --db re-plans it with as little change as it can
    (confirmed and pinned meetings kept as existing); --fresh starts from scratch.
    """
    from scheduler.formats import dump_plan

    if use_db == bool(problem_path):
        raise fail("give either PROBLEM or --db")
    if fresh and not use_db:
        raise fail("--fresh goes with --db (a PROBLEM file is always solved as it is)")
    if not use_db:
        problem = read_problem(problem_path)  # type: ignore[arg-type]
        plan = _run(problem, time_limit, workers, quiet)
        write_json(dump_plan(plan), out)
        click.echo(_summary(plan), err=True)
        print_unscheduled(problem, plan, stderr=True)
        return
    day = run_date.date() if run_date else dt.datetime.now(dt.UTC).date()
    got = _from_db(fresh, day)
    if fresh and got.confirmed:
        click.echo(
            f"warning: --fresh ignores confirmed plan {got.confirmed_plan} and its "
            f"{len(got.confirmed)} meetings: confirming this draft may move or cancel them, "
            "and the people concerned will get updates or cancellations.",
            err=True,
        )
    plan = _run(got.problem, time_limit, workers, quiet)
    notes: list[str] = []
    kind = "solve"
    if got.replan is not None:
        from scheduler.jobs.replan_problem import complete_plan
        from scheduler.jobs.stability import stabilise

        plan, _ = stabilise(got.problem, got.confirmed, plan)
        plan = complete_plan(plan, got.replan.expired, day)  # type: ignore[attr-defined]
        notes = _replan_notes(got, plan, day)
        kind = "replan"
    from scheduler.storage.db import transaction
    from scheduler.storage.plans import save_plan

    with transaction(got.engine) as session:  # type: ignore[arg-type]
        plan_id = save_plan(session, plan, kind=kind, created_at=dt.datetime.now(dt.UTC))
    if out:
        write_json(dump_plan(plan), out)
    click.echo(_summary(plan), err=True)
    for line in notes:
        click.echo(line, err=True)
    print_unscheduled(got.original or got.problem, plan, stderr=False)
    click.echo(f"saved draft plan {plan_id}")


COMMANDS = [solve_command]
