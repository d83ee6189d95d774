"""Looking into one case or the engine: explain, suggest, bench."""

from __future__ import annotations

import json
from typing import Any

import click

from scheduler.cli.document_io import WORKERS, fail, read_problem
from scheduler.domain import Plan, Problem


def problem_from(problem_path: str | None, use_db: bool) -> Problem:
    """PROBLEM, or the problem held in the database with --db (exactly one of them)."""
    if use_db == bool(problem_path):
        raise fail("give either PROBLEM or --db")
    if problem_path:
        return read_problem(problem_path)
    from scheduler.storage.db import make_engine, transaction
    from scheduler.storage.problems import NoProblemError, export_problem

    with transaction(make_engine()) as session:
        try:
            return export_problem(session)
        except NoProblemError as exc:
            raise fail(f"no problem in the database: {exc}") from None


@click.command("explain")
@click.argument("problem_path", metavar="[PROBLEM]", required=False)
@click.option("--db", "use_db", is_flag=True, help="Use the problem held in the database.")
@click.option("--case", "case_id", required=True, help="The case id, e.g. C12.")
@click.option("--detail", is_flag=True, help="Also show each count as a table, rule by rule.")
def explain_command(problem_path: str | None, use_db: bool, case_id: str, detail: bool) -> None:
    """Whether one case can be scheduled and, if not, why; then what narrows its options."""
    from rich.console import Console
    from rich.markup import escape
    from rich.padding import Padding
    from rich.table import Table

    from scheduler.engine.explain import explain
    from scheduler.wording import humanise

    problem = problem_from(problem_path, use_db)
    try:
        ex = explain(problem, case_id)
    except KeyError as exc:
        raise fail(str(exc.args[0])) from None
    case = problem.case_by_id[case_id]
    console = Console(highlight=False)
    style = "green" if ex.placeable else "red"
    console.print(
        f"[bold]Case {escape(case.reference)}[/bold] [dim]({escape(case_id)})[/dim]: "
        f"[bold {style}]{escape(ex.headline)}[/bold {style}]."
    )
    for line in ex.why:
        console.print(f"Why: {escape(line)}")
    console.print()
    console.print("What narrows it down:")
    for funnel in ex.funnels:
        console.print(Padding(f"- {escape(funnel.sentence())}", (0, 0, 0, 2)))
    if ex.needs:
        needs = "; ".join(f"{humanise(label, problem, case)}: {n}" for label, n in ex.needs)
        text = f"- At least one facilitator must meet each need (how many who may sit do): {needs}."
        console.print(Padding(escape(text), (0, 0, 0, 2)))
    if not detail:
        console.print("[dim]Rule by rule, with counts: add --detail.[/dim]")
        return
    for funnel in ex.funnels:
        table = Table(title=funnel.name, title_justify="left")
        table.add_column("removed because they…")
        table.add_column("rule", style="dim")
        table.add_column("removed", justify="right")
        table.add_column("left", justify="right")
        left = funnel.total
        table.add_row("[dim]all[/dim]", "", "", str(left))
        for (label, n), rule in zip(funnel.steps, funnel.rules, strict=True):
            left -= n
            table.add_row(escape(label), rule, str(n) if n else "[dim]0[/dim]", str(left))
        console.print(table)


def _suggest_journeys(
    problem: Problem, plan: Plan | None, case_id: str, k: int, as_json: bool, suggester: Any
) -> None:
    """Whole journeys (the conference, if any, and every session) for a problem with
    journeys: each option a table of its steps in order, by name."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from scheduler.engine.suggest import journey_advice
    from scheduler.journey_view import steps
    from scheduler.wording import humanise, reason_words

    found = suggester.journeys(plan, case_id, k)
    if as_json:
        docs = [
            {
                "meeting": j.meeting.to_doc() if j.meeting is not None else None,
                "sessions": [r.to_doc() for r in j.sessions],
                "cost": j.cost,
            }
            for j in found
        ]
        click.echo(json.dumps(docs, indent=1))
        return
    case = problem.case_by_id[case_id]
    if not found:
        click.echo(f"No whole journey of {case.reference} ({case_id}) fits around the plan:")
        for r in journey_advice(problem, plan, case_id):
            text = humanise(r.message, problem, case)
            click.echo(f"  - {reason_words(r.code)} ({r.code}): {text}")
        return
    console = Console()
    for n, j in enumerate(found, 1):
        names = [problem.facilitator_by_id[f].name for f in j.team]
        team = names[0] + (f", with {', '.join(names[1:])}" if names[1:] else "")
        table = Table(
            title=f"{case.reference} ({case_id}), option {n} of {len(found)}: "
            f"led by {team}; soft cost {j.cost}",
            title_justify="left",
        )
        for col in ("step", "who", "how", "where", "when"):
            table.add_column(col)
        for row in steps(problem, case_id, j.meeting, j.sessions):
            table.add_row(*(escape(x) for x in (row.step, row.who, row.mode, row.place, row.when)))
        console.print(table)


@click.command("suggest")
@click.argument("problem_path", metavar="[PROBLEM]", required=False)
@click.option(
    "--db", "use_db", is_flag=True, help="Use the database: its problem and plan in force."
)
@click.option("--case", "case_id", required=True, help="The case to place.")
@click.option("--plan", "plan_path", metavar="PLAN.json", help="Current plan (default: pins only).")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print the placements as plan meetings.")
def suggest_command(
    problem_path: str | None,
    use_db: bool,
    case_id: str,
    plan_path: str | None,
    k: int,
    as_json: bool,
) -> None:
    """The best k placements of one case against a plan, moving nobody else.

    When none is free, says which one or two other meetings would have to move to make
    room (moving nothing), or why moving others would not help.
    """
    from rich.console import Console
    from rich.table import Table

    from scheduler.engine.suggest import Suggester
    from scheduler.wording import advice_lines

    problem = problem_from(problem_path, use_db)
    plan = _plan_from(plan_path, use_db)
    if case_id not in problem.case_by_id:
        raise fail(f"no case {case_id!r} in problem {problem.name!r}")
    suggester = Suggester(problem)
    if problem.has_journeys:
        _suggest_journeys(problem, plan, case_id, k, as_json, suggester)
        return
    found = suggester.suggest(plan, case_id, k)
    if as_json:
        click.echo(json.dumps([p.to_meeting(problem).to_doc() for p in found], indent=1))
        return
    if not found:
        for line in advice_lines(problem, suggester.advise(plan, case_id)):
            click.echo(line)
        return
    case = problem.case_by_id[case_id]
    table = Table(title=f"{case.reference} ({case_id}): best {len(found)} placements")
    for col in ("start", "venue", "room", "waiting", "lead", "co", "soft cost"):
        table.add_column(col)
    for p in found:
        venue = problem.venue_by_id[p.venue]
        table.add_row(
            f"{p.start:%a %d %b %Y %H:%M}",
            f"{venue.name} [dim]({p.venue})[/dim]",
            p.room,
            "/".join(p.waiting),
            f"{problem.facilitator_by_id[p.lead].name} [dim]({p.lead})[/dim]",
            ", ".join(problem.facilitator_by_id[c].name for c in p.cos),
            str(p.cost),
        )
    Console().print(table)


def _plan_from(plan_path: str | None, use_db: bool) -> Plan | None:
    from scheduler.formats import DocumentError, load_plan

    if plan_path:
        try:
            with open(plan_path, encoding="utf-8") as fh:
                return load_plan(fh.read())
        except (OSError, DocumentError) as exc:
            raise fail(f"{plan_path}: {exc}") from None
    if not use_db:
        return None
    from scheduler.storage.db import make_engine, transaction
    from scheduler.storage.plans import current_plan, plan_document

    with transaction(make_engine()) as session:
        row = current_plan(session)
        return plan_document(session, row.id) if row is not None else None


def _ints(text: str) -> list[int]:
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter(f"expected comma-separated integers, got {text!r}") from None


def _floats(text: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter(f"expected comma-separated numbers, got {text!r}") from None


@click.command("bench")
@click.option("--sizes", default="small,area,region,national", show_default=True)
@click.option("--seeds", default="1,2,3", show_default=True)
@click.option(
    "--tiers",
    default="loose,tight,scarce",
    show_default=True,
    help="Generator tiers: loose, tight (fewer hours), scarce (few facilitators and rooms).",
)
@click.option(
    "--tight",
    type=click.Choice(["both", "yes", "no"]),
    default=None,
    help="Older spelling: loose and/or tight only (overrides --tiers).",
)
@click.option(
    "--journeys",
    type=click.Choice(["both", "yes", "no"]),
    default="both",
    show_default=True,
    help="Instances with case journeys (generate --journeys) beside the others.",
)
@click.option("--time-limit-small", default="10", show_default=True)
@click.option("--time-limit-area", default="10,60", show_default=True)
@click.option("--time-limit-region", default="60", show_default=True)
@click.option("--time-limit-national", default="300", show_default=True)
@click.option("--workers", default=2, show_default=True, type=WORKERS)
@click.option("--replan/--no-replan", default=True, help="The area re-plan scenario.")
@click.option("--replan-time-limit", default=10.0, show_default=True)
@click.option(
    "--replan-first-limit", default=60.0, show_default=True, help="For the plan re-planned."
)
@click.option("--out", "out", metavar="BENCH.json", help="Also write the rows as JSON.")
def bench_command(
    sizes: str,
    seeds: str,
    tiers: str,
    tight: str | None,
    journeys: str,
    time_limit_small: str,
    time_limit_area: str,
    time_limit_region: str,
    time_limit_national: str,
    workers: int,
    replan: bool,
    replan_time_limit: float,
    replan_first_limit: float,
    out: str | None,
) -> None:
    """Engine vs greedy on generated problems: priority vs bound, soft cost, time, memory."""
    from scheduler.engine.bench import TIERS, BenchConfig, print_report, run_bench

    limits = {
        "small": _floats(time_limit_small),
        "area": _floats(time_limit_area),
        "region": _floats(time_limit_region),
        "national": _floats(time_limit_national),
    }
    names = [s.strip() for s in sizes.split(",") if s.strip()]
    unknown = [s for s in names if s not in limits]
    if unknown:
        raise fail(f"unknown size(s) {', '.join(unknown)}: expected small, area, region, national")
    if tight is not None:
        chosen = {"both": ["loose", "tight"], "yes": ["tight"], "no": ["loose"]}[tight]
    else:
        chosen = [t.strip() for t in tiers.split(",") if t.strip()]
    bad = [t for t in chosen if t not in TIERS]
    if bad or not chosen:
        raise fail(f"unknown tier(s) {', '.join(bad) or '(none)'}: expected {', '.join(TIERS)}")
    config = BenchConfig(
        sizes=names,
        seeds=_ints(seeds),
        tiers=chosen,
        journeys={"both": [False, True], "yes": [True], "no": [False]}[journeys],
        limits=limits,
        workers=workers,
        replan=replan,
        replan_time_limit=replan_time_limit,
        replan_first_limit=replan_first_limit,
    )
    report = run_bench(config, echo=lambda msg: click.echo(msg, err=True))
    print_report(report)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=1)


COMMANDS = [explain_command, suggest_command, bench_command]
