"""Commands on documents and the database: validate, import, export, generate.

The database is the settings' one (``RJSCHED_DATABASE_URL``, default SQLite in
``RJSCHED_DATA_DIR``), migrated on opening. User mistakes (missing file, bad JSON, an
invalid document, an unreachable database) end with a message on stderr and exit 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from scheduler.cli.document_io import fail, read_problem, write_json
from scheduler.formats import DocumentError, dump_plan, dump_problem, load_problem

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from scheduler.storage.problems import ImportSummary

# SQLAlchemy, Alembic and the storage modules are imported inside the functions that use
# them, so `rjsched validate` and `generate` start without them (the CLI is lazy).

SIZES = ("small", "area", "region", "national")


def open_db_or_fail(url: str | None = None) -> Engine:
    """The migrated database engine, or a user-facing error naming the URL and the cause."""
    from scheduler.storage.migrate import DatabaseUnavailableError, open_database

    try:
        return open_database(url)
    except DatabaseUnavailableError as exc:
        raise fail(str(exc)) from None


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction; a database failure becomes a user-facing error (nothing written)."""
    from sqlalchemy.exc import SQLAlchemyError

    from scheduler.storage.db import transaction
    from scheduler.storage.migrate import safe_url

    try:
        with transaction(engine) as session:
            yield session
    except SQLAlchemyError as exc:
        cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise fail(
            f"database {safe_url(engine.url.render_as_string())}: {cause}; nothing was written"
        ) from None


@click.command()
@click.argument("problem", type=click.Path(dir_okay=False))
def validate(problem: str) -> None:
    """Check a problem document and report every problem in it."""
    p = read_problem(problem)
    sessions = sum(len(c.sessions) for c in p.cases)
    journeys = f", {sessions} sessions" if sessions else ""
    click.echo(
        f"{problem}: valid ({len(p.cases)} cases{journeys}, {len(p.facilitators)} facilitators, "
        f"{len(p.venues)} venues)"
    )


@click.command("import")
@click.argument("problem", type=click.Path(dir_okay=False))
@click.option(
    "--replace",
    is_flag=True,
    help="Delete facilitators, venues, cases and keep-apart pairs that the document does not list.",
)
def import_(problem: str, replace: bool) -> None:
    """Validate a problem document and load it into the database, all or nothing."""
    from scheduler.storage.problems import import_problem

    doc = read_problem(problem)
    engine = open_db_or_fail()
    console = Console()
    try:
        with console.status(f"Importing {problem}…"), unit_of_work(engine) as session:
            summary = import_problem(session, doc, replace=replace, now=dt.datetime.now(dt.UTC))
    except DocumentError as exc:
        raise fail(
            f"{problem}: importing it would leave the database inconsistent; nothing was written.\n{exc}"
        ) from None
    finally:
        engine.dispose()
    console.print(summary_table(summary))


def summary_table(summary: ImportSummary) -> Table:
    table = Table(title=f"Imported {summary.name}" + (" (replace)" if summary.replace else ""))
    table.add_column("records")
    for heading in ("added", "updated", "unchanged", "removed"):
        table.add_column(heading, justify="right")
    for kind, c in summary.kinds().items():
        table.add_row(kind, str(c.added), str(c.updated), str(c.unchanged), str(c.removed))
    if summary.kept:
        table.caption = f"{summary.kept} records not in the document were left as they were"
    return table


@click.command()
@click.option(
    "--out", "out", default="-", show_default=True, help="File to write ('-' for stdout)."
)
@click.option(
    "--plan", "plan", is_flag=True, help="Export the current plan (confirmed, else latest draft)."
)
def export(out: str, plan: bool) -> None:
    """Write the problem document (or, with --plan, the current plan) held in the database."""
    from scheduler.storage.plans import current_plan, plan_document
    from scheduler.storage.problems import NoProblemError, export_problem

    engine = open_db_or_fail()
    try:
        with unit_of_work(engine) as session:
            if plan:
                row = current_plan(session)
                if row is None:
                    raise fail("there is no plan in the database yet (run an allocation first)")
                doc = dump_plan(plan_document(session, row.id))
            else:
                doc = dump_problem(export_problem(session))
    except NoProblemError as exc:
        raise fail(f"{exc} (run `rjsched import PROBLEM.json` first)") from None
    finally:
        engine.dispose()
    _write(doc, out)


def _write(doc: dict, out: str) -> None:
    try:
        write_json(doc, out)
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror}") from None


@click.command()
@click.option("--size", type=click.Choice(SIZES), default="small", show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option(
    "--tight", is_flag=True, help="Fewer facilitator and venue hours: not every case fits."
)
@click.option(
    "--scarce",
    is_flag=True,
    help="Few facilitators (at most 2 conferences a week) and venues (at most 2 rooms); "
    "half the cases due before the horizon ends.",
)
@click.option(
    "--journeys",
    is_flag=True,
    help="Case journeys: preparation sessions, some cases without a conference.",
)
@click.option(
    "--out", "out", default="-", show_default=True, help="File to write ('-' for stdout)."
)
def generate(size: str, seed: int, tight: bool, scarce: bool, journeys: bool, out: str) -> None:
    """Write a seeded synthetic problem document (no real personal data)."""
    doc = generated_problem(size, seed, tight, scarce=scarce, journeys=journeys)
    _write(doc, out)
    if out != "-":
        p = load_problem(doc)
        sessions = sum(len(c.sessions) for c in p.cases)
        more = f", {sessions} sessions" if sessions else ""
        click.echo(
            f"{out}: {len(p.cases)} cases{more}, {len(p.facilitators)} facilitators, "
            f"{len(p.venues)} venues",
            err=True,
        )


def generated_problem(
    size: str, seed: int, tight: bool = False, *, scarce: bool = False, journeys: bool = False
) -> dict:
    """The generator's document, checked: an invalid one is a bug, reported as such."""
    from scheduler.generate import generate_problem  # heavy, and only needed here

    raw = generate_problem(size, seed, tight=tight, scarce=scarce, journeys=journeys)
    doc = raw.to_doc() if hasattr(raw, "to_doc") else raw
    try:
        load_problem(doc)
    except DocumentError as exc:
        raise fail(
            f"the generator made an invalid {size} problem for seed {seed} (a bug):\n{exc}"
        ) from None
    return doc


def write_file(doc: dict, out: str | Path) -> None:
    _write(doc, str(out))


COMMANDS = [validate, import_, export, generate]
