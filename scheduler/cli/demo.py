"""`rjsched demo`: the whole service on the embedded default, one stage after another.

Generate the synthetic area dataset (seed 1), validate it, import it into the settings'
database (default SQLite in the data folder), allocate it with the engine, store the plan
as a draft, check it with the independent verifier, write `demo/plan.json` and
`demo/report.html`, summarise, and create (or reset) the demo coordinator account. Each
stage is a function of the shared `Demo`; `STAGES` is the running order.

Re-running replaces the demo's own data: the problem, every plan, plan request, re-plan
run and queued or sent invite record (a fresh demo, as if run for the first time), and
the coordinator's password. Another problem in the database is left alone unless --force.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, delete

from scheduler.cli.data import generated_problem, open_db_or_fail, unit_of_work, write_file
from scheduler.cli.document_io import SECONDS, WORKERS, fail, write_json
from scheduler.domain import Plan, Problem, Reason
from scheduler.formats import DocumentError, load_problem
from scheduler.settings import Settings, get_settings
from scheduler.storage.migrate import safe_url
from scheduler.storage.problems import ImportSummary, import_problem

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

DEMO_SIZE = "area"
DEMO_SEED = 1
DEMO_EMAIL = "coordinator@example.org"


@dataclass
class Demo:
    """What the stages share; each stage fills in what the next ones need."""

    console: Console
    settings: Settings
    engine: Engine
    force: bool = False
    time_limit: float = 20.0
    workers: int = 2
    problem_path: Path | None = None
    problem: Problem | None = None
    summary: ImportSummary | None = None
    plan: Plan | None = None
    plan_id: int | None = None
    violations: list[str] = field(default_factory=list)
    password: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def out_dir(self) -> Path:
        return self.settings.data_dir / "demo"


def stage_generate(demo: Demo) -> None:
    """Generate the area dataset, write it beside the database, and validate it."""
    with demo.console.status(f"Generating the {DEMO_SIZE} dataset (seed {DEMO_SEED})…"):
        doc = generated_problem(DEMO_SIZE, DEMO_SEED, journeys=True)
    path = demo.out_dir / f"{DEMO_SIZE}-seed{DEMO_SEED}.problem.json"
    write_file(doc, path)
    try:
        demo.problem = load_problem(doc)
    except DocumentError as exc:  # generated_problem checked it already; belt and braces
        raise fail(f"{path}: {exc}") from None
    demo.problem_path = path
    demo.console.print(f"[green]✓[/] generated and validated [bold]{path}[/]")


def stage_import(demo: Demo) -> None:
    """Import into the default database, refusing to overwrite someone else's problem."""
    assert demo.problem is not None
    from scheduler.storage.models import ProblemMeta

    url = safe_url(demo.engine.url.render_as_string(hide_password=False))
    with unit_of_work(demo.engine) as session:
        meta = session.get(ProblemMeta, 1)
        if meta is not None and meta.name != demo.problem.name and not demo.force:
            raise fail(
                f"the database {url} already holds the problem {meta.name!r}; the demo would "
                "replace it. Use --force, or point RJSCHED_DATA_DIR / RJSCHED_DATABASE_URL elsewhere."
            )
        cleared = _clear_plans_and_mail(session)
        # replace=True: a rerun of the demo gives exactly the demo data, nothing left over.
        demo.summary = import_problem(
            session, demo.problem, replace=True, now=dt.datetime.now(dt.UTC)
        )
    demo.console.print(f"[green]✓[/] imported into [bold]{url}[/]")
    if cleared:
        demo.console.print(
            f"[green]✓[/] removed {cleared} plan and invite records of a previous run"
        )


def _clear_plans_and_mail(session: Session) -> int:
    """Delete every plan, request, re-plan run and invite record; returns how many rows."""
    from scheduler.storage.mail_models import InviteState, OutboxMessage
    from scheduler.storage.models import MeetingRow, PlanRequest, PlanRow, ReplanRun

    # Children before parents, so this works with or without foreign-key cascades.
    tables = (PlanRequest, ReplanRun, MeetingRow, PlanRow, OutboxMessage, InviteState)
    return sum(int(getattr(session.execute(delete(t)), "rowcount", 0) or 0) for t in tables)


def stage_summary(demo: Demo) -> None:
    """A table of what the database now holds."""
    assert demo.problem is not None
    demo.console.print(problem_table(demo.problem))


def stage_allocate(demo: Demo) -> None:
    """Allocate with the engine under a progress bar, and store the plan as a draft."""
    assert demo.problem is not None
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from scheduler.engine import allocate
    from scheduler.storage.plans import save_plan

    with Progress(
        TextColumn("[bold]allocate"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        transient=True,
        console=demo.console,
    ) as bar:
        task = bar.add_task("building options", total=1.0)

        def progress(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, description=message)

        try:
            demo.plan = allocate(
                demo.problem, time_limit=demo.time_limit, workers=demo.workers, progress=progress
            )
        except RuntimeError as exc:  # the engine found no plan at all within the limit
            raise fail(
                f"no plan within {demo.time_limit:g} s ({exc}); the imported data is kept. "
                "Run the demo again with a longer --time-limit."
            ) from None
    with unit_of_work(demo.engine) as session:
        demo.plan_id = save_plan(
            session, demo.plan, kind="allocate", created_at=dt.datetime.now(dt.UTC)
        )
    demo.console.print(f"[green]✓[/] allocated; stored as draft plan {demo.plan_id}")
    demo.console.print(f"[green]✓[/] {sessions_booked(demo.plan)}")


def sessions_booked(plan: Plan) -> str:
    """How many preparation sessions of each mode the plan books, in words."""
    from collections import Counter

    modes = Counter(s.mode for s in plan.sessions)
    words = {"venue": "at a venue", "home": "home visits", "video": "by video"}
    parts = [f"{modes.get(m, 0)} {words[m]}" for m in ("venue", "home", "video")]
    return f"sessions booked: {len(plan.sessions)} ({', '.join(parts)})"


def stage_verify(demo: Demo) -> None:
    """Check the plan with the independent verifier (not the solver's own rules)."""
    assert demo.problem is not None
    assert demo.plan is not None
    from scheduler.verify import verify

    demo.violations = [str(v) for v in verify(demo.problem, demo.plan)]
    if not demo.violations:
        rules = "hard rules 1–10, S1–S8" if demo.problem.has_journeys else "hard rules 1–10"
        demo.console.print(f"[green]✓[/] verify: [bold green]VALID[/] ({rules}, objective)")
        return
    demo.console.print(f"[red]✗ verify: {len(demo.violations)} violations[/]")
    for line in demo.violations[:20]:
        demo.console.print(f"  [red]•[/] {line}", markup=False, highlight=False)
    if len(demo.violations) > 20:
        demo.console.print(f"  … and {len(demo.violations) - 20} more")


def stage_write(demo: Demo) -> None:
    """Write the plan document and the one-page HTML report beside the problem."""
    assert demo.problem is not None
    assert demo.plan is not None
    from scheduler.formats import dump_plan
    from scheduler.report import render_report

    plan_path = demo.out_dir / "plan.json"
    report_path = demo.out_dir / "report.html"
    write_json(dump_plan(demo.plan), plan_path)
    report_path.write_text(render_report(demo.problem, demo.plan), encoding="utf-8")
    demo.console.print(f"[green]✓[/] wrote [bold]{plan_path}[/] and [bold]{report_path}[/]")


def stage_plan_summary(demo: Demo) -> None:
    assert demo.problem is not None
    assert demo.plan is not None
    demo.console.print(plan_table(demo.problem, demo.plan))


def stage_account(demo: Demo) -> None:
    """Create the demo coordinator, or give it a new password if it exists."""
    from sqlalchemy import select

    from scheduler.storage.web_models import UserRow
    from scheduler.web_services import audit
    from scheduler.web_services.accounts import create_user, set_password

    password = secrets.token_urlsafe(12)  # 16 characters; only its argon2 hash is stored
    now = dt.datetime.now(dt.UTC)
    with unit_of_work(demo.engine) as session:
        user = session.scalar(select(UserRow).where(UserRow.email == DEMO_EMAIL))
        if user is None:
            user = create_user(session, email=DEMO_EMAIL, password=password, now=now)
            action = "user_added"
        else:
            set_password(session, user=user, password=password)
            user.active = True
            action = "password_reset"
        audit.record(session, actor="cli", action=action, target=f"user:{user.id}", now=now)
    demo.password = password
    verb = "created" if action == "user_added" else "reset the password of"
    demo.console.print(f"[green]✓[/] {verb} the demo coordinator account")


def stage_address(demo: Demo) -> None:
    """Where to look next: the address, the login, and how to start the server."""
    url = demo.settings.base_url.rstrip("/") + "/"
    env = "".join(
        f"{name}={os.environ[name]} "
        for name in ("RJSCHED_DATA_DIR", "RJSCHED_DATABASE_URL")
        if os.environ.get(name)
    )
    demo.console.print()
    demo.console.print(f"Open      [bold]{url}[/]")
    demo.console.print(f"Login     [bold]{DEMO_EMAIL}[/]")
    demo.console.print(
        f"Password  [bold]{demo.password}[/]  (shown once; run the demo again to reset it)"
    )
    demo.console.print(f"Server    [bold]{env}.venv/bin/rjsched serve[/]", highlight=False)


def problem_table(p: Problem) -> Table:
    table = Table(title=f"{p.name}: {p.horizon.start} to {p.horizon.end} ({p.timezone})")
    table.add_column("records")
    table.add_column("count", justify="right")
    table.add_column("breakdown")
    parties = [party for c in p.cases for party in c.parties]
    roles: Counter[str] = Counter(party.role for party in parties)
    levels: Counter[str] = Counter(f.level for f in p.facilitators)
    kinds: Counter[str] = Counter(v.kind for v in p.venues)
    sensitive = sum(1 for c in p.cases if c.sensitive_complex)
    table.add_row("cases", str(len(p.cases)), f"{sensitive} sensitive and complex")
    table.add_row("parties", str(len(parties)), _counts(roles, ("victim", "offender", "supporter")))
    table.add_row(
        "facilitators",
        str(len(p.facilitators)),
        _counts(levels, ("foundation", "intermediate", "advanced")),
    )
    table.add_row(
        "venues",
        str(len(p.venues)),
        _counts(kinds, ("community", "police", "probation", "office", "prison")),
    )
    table.add_row("keep-apart pairs", str(len(p.keep_apart)), "")
    return table


def plan_table(problem: Problem, plan: Plan) -> Table:
    """Cases, scheduled, unscheduled by reason code, objective vs bound, solver status.

    A case unscheduled for several reasons counts once under each of its codes.
    """
    table = Table(title=f"Plan for {plan.problem}")
    table.add_column("")
    table.add_column("value", justify="right")
    table.add_column("bound", justify="right")
    table.add_row("cases", str(len(problem.cases)), "")
    out = {u.case for u in plan.unscheduled}
    with_meeting = {m.case for m in plan.meetings} - out
    sessions_only = {s.case for s in plan.sessions} - with_meeting - out
    table.add_row("scheduled", str(len(with_meeting | sessions_only)), "")
    if sessions_only:
        table.add_row("  without a conference", str(len(sessions_only)), "")
    table.add_row("unscheduled", str(len(plan.unscheduled)), "")
    codes: Counter[str] = Counter(code for u in plan.unscheduled for code in _codes(u.reasons))
    for code, count in sorted(codes.items(), key=lambda kv: (-kv[1], kv[0])):
        table.add_row(f"  {code}", str(count), "")
    o, b = plan.objective, plan.solver.bound
    table.add_row("disruption (minimise)", str(o.disruption), str(b.disruption))
    table.add_row(
        "scheduled priority (maximise)", str(o.scheduled_priority), str(b.scheduled_priority)
    )
    table.add_row("soft cost (minimise)", str(o.soft_cost), str(b.soft_cost))
    table.add_row("solver status", plan.solver.status, "")
    table.add_row("wall time", f"{plan.solver.wall_seconds:.1f} s", "")
    return table


def _codes(reasons: Iterable[Reason]) -> set[str]:
    return {r.code for r in reasons}


def _counts(counter: Counter[str], order: tuple[str, ...]) -> str:
    return ", ".join(f"{counter[k]} {k}" for k in order if counter[k])


Stage = Callable[[Demo], None]
STAGES: list[Stage] = [
    stage_generate,
    stage_import,
    stage_summary,
    stage_allocate,
    stage_verify,
    stage_write,
    stage_plan_summary,
    stage_account,
    stage_address,
]


def serve_address(base_url: str) -> tuple[str, int]:
    """Where `--serve` listens: the base URL's port on the loopback interface.

    The demo never listens on all interfaces: a base URL naming a public host is the
    proxy's address, not one to bind to.
    """
    port = urlsplit(base_url).port or 8000
    return "127.0.0.1", port


@click.command()
@click.option("--force", is_flag=True, help="Replace a different problem already in the database.")
@click.option(
    "--time-limit", default=20.0, show_default=True, type=SECONDS,
    help="Solver seconds.",
)  # fmt: skip
@click.option("--workers", default=2, show_default=True, type=WORKERS)
@click.option("--serve", "serve_after", is_flag=True, help="Start the web app at the end.")
@click.pass_context
def demo(
    click_ctx: click.Context, force: bool, time_limit: float, workers: int, serve_after: bool
) -> None:
    """The whole service on a synthetic area: import, allocate, verify, report, login."""
    settings = get_settings()
    engine = open_db_or_fail()
    ctx = Demo(
        console=Console(),
        settings=settings,
        engine=engine,
        force=force,
        time_limit=time_limit,
        workers=workers,
    )
    started = time.monotonic()
    try:
        for stage in STAGES:
            stage(ctx)
    finally:
        engine.dispose()
    ctx.console.print(f"(demo done in {time.monotonic() - started:.0f} s)", style="dim")
    for note in ctx.notes:
        ctx.console.print(note)
    if ctx.violations:
        raise fail(f"the demo plan has {len(ctx.violations)} violations (see above)")
    if serve_after:
        from scheduler.cli.web import serve

        host, port = serve_address(settings.base_url)
        click_ctx.invoke(serve, host=host, port=port)


COMMANDS = [demo]
