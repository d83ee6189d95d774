"""Looking into one case or the engine: explain, suggest, bench."""

from __future__ import annotations

import json

import click

from scheduler.cli.common import WORKERS, fail, read_plan_document, read_problem


@click.command("explain")
@click.argument("problem_path", metavar="PROBLEM")
@click.option("--case", "case_id", required=True, help="The case id, e.g. C12.")
def explain_command(problem_path: str, case_id: str) -> None:
    """What each rule removes from one case's options, and the verdict."""
    from rich.console import Console
    from rich.table import Table

    from scheduler.engine.explain import explain

    problem = read_problem(problem_path)
    try:
        ex = explain(problem, case_id)
    except KeyError as exc:
        raise fail(str(exc.args[0])) from None
    console = Console()
    for funnel in ex.funnels:
        table = Table(title=f"{case_id}: {funnel.name}", title_justify="left")
        table.add_column("rule")
        table.add_column("removed", justify="right")
        table.add_column("left", justify="right")
        left = funnel.total
        table.add_row("[dim]all[/dim]", "", str(left))
        for label, n in funnel.steps:
            left -= n
            table.add_row(label, str(n) if n else "[dim]0[/dim]", str(left))
        console.print(table)
    if ex.needs:
        needs = ", ".join(f"{label}: {n}" for label, n in ex.needs)
        console.print(f"'at least one' needs (facilitators who may sit and meet it): {needs}")
    style = "green" if not ex.reasons else "red"
    console.print(f"[bold {style}]verdict:[/bold {style}] {ex.verdict}")


@click.command("suggest")
@click.argument("problem_path", metavar="PROBLEM")
@click.option("--case", "case_id", required=True, help="The case to place.")
@click.option("--plan", "plan_path", metavar="PLAN.json", help="Current plan (default: pins only).")
@click.option("-k", "k", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print the placements as plan meetings.")
def suggest_command(
    problem_path: str, case_id: str, plan_path: str | None, k: int, as_json: bool
) -> None:
    """The best k placements of one case against a plan, moving nobody else."""
    from rich.console import Console
    from rich.table import Table

    from scheduler.engine.suggest import suggest
    from scheduler.formats import DocumentError

    problem = read_problem(problem_path)
    plan = None
    if plan_path:
        try:
            plan = read_plan_document(plan_path)
        except DocumentError as exc:
            raise fail(f"{plan_path}: {exc}") from None
    try:
        found = suggest(problem, plan, case_id, k)
    except KeyError as exc:
        raise fail(str(exc.args[0])) from None
    if as_json:
        click.echo(json.dumps([p.to_meeting(problem).to_doc() for p in found], indent=1))
        return
    if not found:
        click.echo(f"no feasible placement for {case_id}; try `rjsched explain --case {case_id}`")
        return
    table = Table(title=f"{case_id}: best {len(found)} placements")
    for col in ("start", "venue", "room", "waiting", "lead", "co", "soft cost"):
        table.add_column(col)
    for p in found:
        table.add_row(
            f"{p.start:%Y-%m-%d %H:%M}",
            p.venue,
            p.room,
            "/".join(p.waiting),
            p.lead,
            ", ".join(p.cos),
            str(p.cost),
        )
    Console().print(table)


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
    "--tight", type=click.Choice(["both", "yes", "no"]), default="both", show_default=True
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
    tight: str,
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
    from scheduler.engine.bench import BenchConfig, print_report, run_bench

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
    config = BenchConfig(
        sizes=names,
        seeds=_ints(seeds),
        tight={"both": [False, True], "yes": [True], "no": [False]}[tight],
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
