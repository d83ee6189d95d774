"""The `rjsched` command line.

Each area keeps its commands in its own module (data, engine, analysis, ...); the table
below is the table of contents. The group is lazy: a command's module (and with it
OR-Tools, Celery, FastAPI, SQLAlchemy...) is imported only when that command runs, so
`rjsched --help` and light commands start in a fraction of a second. User mistakes raise
`click.ClickException` (message on stderr, exit 1, no traceback).
"""

from __future__ import annotations

import importlib

import click

from scheduler import __version__

# name -> ("module:attribute", one-line help shown by `rjsched --help`). The help text is
# kept here so listing commands imports nothing; tests/test_cli_path.py checks that it
# matches each module's COMMANDS. Order is the order shown.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "validate": (
        "scheduler.cli.data:validate",
        "Check a problem document and report every problem in it.",
    ),
    "import": (
        "scheduler.cli.data:import_",
        "Validate a problem document and load it into the database.",
    ),
    "export": (
        "scheduler.cli.data:export",
        "Write the problem document (or --plan, the current plan).",
    ),
    "generate": ("scheduler.cli.data:generate", "Write a seeded synthetic problem document."),
    "solve": ("scheduler.cli.engine:solve_command", "Allocate facilitators, venues and times."),
    "verify": (
        "scheduler.cli.verify_command:verify_command",
        "Check PLAN against PROBLEM, rule by rule.",
    ),
    "explain": (
        "scheduler.cli.analysis:explain_command",
        "Whether one case can be scheduled and, if not, why.",
    ),
    "suggest": (
        "scheduler.cli.analysis:suggest_command",
        "The best placements of one case, or what it would take.",
    ),
    "bench": ("scheduler.cli.analysis:bench_command", "Engine vs greedy on generated problems."),
    "confirm": (
        "scheduler.cli.mail:confirm",
        "Confirm a plan: it replaces the plan in force; invites queued.",
    ),
    "send": (
        "scheduler.cli.mail:send",
        "Send every queued message that is due (each exactly once).",
    ),
    "replan": (
        "scheduler.cli.jobs:replan",
        "Re-plan the confirmed plan now and queue only what changed.",
    ),
    "worker": (
        "scheduler.cli.jobs:worker",
        "Start a Celery worker on the solver and/or mail queue.",
    ),
    "beat": ("scheduler.cli.jobs:beat", "Start the scheduler of periodic jobs (run exactly one)."),
    "serve": ("scheduler.cli.web:serve", "Run the coordinator's web app and HTTP API."),
    "user": ("scheduler.cli.web:user", "Coordinator accounts."),
    "demo": ("scheduler.cli.demo:demo", "The whole service on a synthetic area, end to end."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported from `LAZY_COMMANDS` on first use."""

    def __init__(self, *args: object, lazy: dict[str, tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.lazy) + sorted(n for n in self.commands if n not in self.lazy)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in self.lazy:
            return None
        module_name, attribute = self.lazy[cmd_name][0].split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name}:{attribute} is not a click command")
        self.commands[cmd_name] = command  # cached; later lookups skip the import
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the static table: no command module is imported."""
        rows = [(name, help_) for name, (_, help_) in self.lazy.items()]
        rows += [
            (name, cmd.get_short_help_str(formatter.width))
            for name, cmd in sorted(self.commands.items())
            if name not in self.lazy and not cmd.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(
    cls=LazyGroup, lazy=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(__version__, prog_name="rjsched")
def cli() -> None:
    """Scheduling and facilitator allocation for restorative-justice meetings."""


def main() -> None:
    cli(prog_name="rjsched")
