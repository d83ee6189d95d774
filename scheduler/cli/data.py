"""Commands on documents and the database: validate, import, export, generate."""

from __future__ import annotations

import click

from scheduler.cli.common import not_yet, read_problem


@click.command()
@click.argument("problem", type=click.Path(dir_okay=False))
def validate(problem: str) -> None:
    """Check a problem document and report every problem in it."""
    p = read_problem(problem)
    click.echo(f"{problem}: valid ({len(p.cases)} cases, {len(p.facilitators)} facilitators, {len(p.venues)} venues)")


COMMANDS = [validate, not_yet("import"), not_yet("export"), not_yet("generate")]
