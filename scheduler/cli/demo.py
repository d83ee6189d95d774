"""`rjsched demo`: the whole service on the embedded default, one stage after another.

Stage one (here): generate the synthetic area dataset (seed 1), validate it, import it
into the settings' database (default SQLite in the data folder) and show what is in it.
Later stages (solve, report, serve address) are further functions taking the same
`Demo` and are appended to `STAGES`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from scheduler.cli.common import fail
from scheduler.cli.data import generated_problem, open_db_or_fail, unit_of_work, write_file
from scheduler.domain import Problem
from scheduler.formats import DocumentError, load_problem
from scheduler.settings import Settings, get_settings
from scheduler.storage.migrate import safe_url
from scheduler.storage.problems import ImportSummary, import_problem

DEMO_SIZE = "area"
DEMO_SEED = 1


@dataclass
class Demo:
    """What the stages share; each stage fills in what the next ones need."""

    console: Console
    settings: Settings
    engine: Engine
    force: bool = False
    problem_path: Path | None = None
    problem: Problem | None = None
    summary: ImportSummary | None = None
    notes: list[str] = field(default_factory=list)


def stage_generate(demo: Demo) -> None:
    """Generate the area dataset, write it beside the database, and validate it."""
    with demo.console.status(f"Generating the {DEMO_SIZE} dataset (seed {DEMO_SEED})…"):
        doc = generated_problem(DEMO_SIZE, DEMO_SEED)
    path = demo.settings.data_dir / "demo" / f"{DEMO_SIZE}-seed{DEMO_SEED}.problem.json"
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
        # replace=True: a rerun of the demo gives exactly the demo data, nothing left over.
        demo.summary = import_problem(
            session, demo.problem, replace=True, now=dt.datetime.now(dt.UTC)
        )
    demo.console.print(f"[green]✓[/] imported into [bold]{url}[/]")


def stage_summary(demo: Demo) -> None:
    """A table of what the database now holds."""
    assert demo.problem is not None
    demo.console.print(problem_table(demo.problem))


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


def _counts(counter: Counter[str], order: tuple[str, ...]) -> str:
    return ", ".join(f"{counter[k]} {k}" for k in order if counter[k])


Stage = Callable[[Demo], None]
STAGES: list[Stage] = [stage_generate, stage_import, stage_summary]


@click.command()
@click.option("--force", is_flag=True, help="Replace a different problem already in the database.")
def demo(force: bool) -> None:
    """Generate a synthetic area, load it into the embedded database and show it."""
    settings = get_settings()
    engine = open_db_or_fail()
    ctx = Demo(console=Console(), settings=settings, engine=engine, force=force)
    try:
        for stage in STAGES:
            stage(ctx)
    finally:
        engine.dispose()
    for note in ctx.notes:
        ctx.console.print(note)


COMMANDS = [demo]
