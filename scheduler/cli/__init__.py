"""The `rjsched` command line.

Each area keeps its commands in its own module (data, engine, analysis, ...); the table
below is the table of contents. The group is lazy: a command's module (and with it
OR-Tools, Celery, FastAPI, SQLAlchemy...) is imported only when that command runs, so
`rjsched --help` and light commands start in a fraction of a second. User mistakes raise
`click.ClickException` (message on stderr, exit 1, no traceback).

Exit codes (README "Exit codes"): 0 done; 1 refused (a bad document, a broken rule, a
plan the checker refuses, missing data, a database that cannot be used); 2 a usage
error (and `verify`'s unreadable document); 70 an internal error. The group's `invoke`
is the guard that turns any unexpected exception into one line and exit 70, never a
traceback, unless ``RJSCHED_DEBUG`` is set.
"""

from __future__ import annotations

import errno
import importlib
import os

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


EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70  # EX_SOFTWARE of sysexits.h: a bug, not the user's mistake
DEBUG_VARIABLE = "RJSCHED_DEBUG"


def _one_line(text: str, limit: int = 300) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class InternalError(click.ClickException):
    """An exception nothing expected: one line on stderr, exit 70."""

    exit_code = EXIT_INTERNAL

    def __init__(self, exc: BaseException) -> None:
        detail = _one_line(str(exc)) or "no message"
        super().__init__(
            f"internal error ({type(exc).__name__}: {detail}); this is a bug. "
            f"Set {DEBUG_VARIABLE}=1 to see the traceback."
        )


class EnvironmentProblem(click.ClickException):
    """The database or the settings cannot be used: exit 1, like every refusal."""

    exit_code = EXIT_REFUSED


def _guarded(exc: Exception) -> click.ClickException:
    """What to say for an exception that reached the top of a command."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError) and exc.title == "Settings":
        wrong = "; ".join(
            f"RJSCHED_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        return EnvironmentProblem(_one_line(f"the settings in the environment are wrong: {wrong}"))
    from sqlalchemy.exc import SQLAlchemyError

    from scheduler.formats import DocumentError

    if isinstance(exc, DocumentError):  # a command's own documents are reported by it
        more = f" (and {len(exc.issues) - 1} more)" if len(exc.issues) > 1 else ""
        first = str(exc.issues[0]) if exc.issues else "no detail"
        return EnvironmentProblem(
            _one_line(
                f"the {exc.what} held in the database is not valid: {first}{more}; "
                "import a corrected document (`rjsched import FILE --replace`)"
            )
        )

    if isinstance(exc, SQLAlchemyError):
        cause = str(getattr(exc, "orig", None) or exc).strip().splitlines() or ["unknown"]
        return EnvironmentProblem(_one_line(f"database error: {cause[0]}"))
    if isinstance(exc, MemoryError | RecursionError):
        return EnvironmentProblem(
            f"the input is too large or too deeply nested to handle ({type(exc).__name__})"
        )
    return InternalError(exc)


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

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; any exception it did not expect becomes one line (see above)."""
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Abort, click.exceptions.Exit):
            raise
        except OSError as exc:
            if exc.errno == errno.EPIPE or os.environ.get(DEBUG_VARIABLE):
                raise  # click's own handling of a closed pipe (`rjsched ... | head`)
            raise EnvironmentProblem(
                _one_line(f"{exc.strerror or exc}: {exc.filename or ''}")
            ) from None
        except Exception as exc:
            if os.environ.get(DEBUG_VARIABLE):
                raise
            raise _guarded(exc) from None

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
