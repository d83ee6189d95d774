"""The `rjsched` command line.

Each area registers its commands from its own module (data, engine, analysis, ...), so
the group here stays a table of contents. User mistakes raise `click.ClickException`
(message on stderr, exit 1, no traceback).
"""

from __future__ import annotations

import click

from scheduler import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rjsched")
def cli() -> None:
    """Scheduling and facilitator allocation for restorative-justice meetings."""


def _register() -> None:
    from scheduler.cli import analysis, checks, data, demo, engine, jobs, mail, web

    for module in (data, engine, analysis, checks, mail, jobs, web, demo):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    cli(prog_name="rjsched")
