"""Helpers shared by the command modules."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click

from scheduler.domain import Plan, Problem
from scheduler.formats import DocumentError, Issue, load_plan, load_problem_file


class Seconds(click.ParamType):
    """A finite number of seconds from 0.1 to a day (click's FloatRange lets nan and inf by)."""

    name = "seconds"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not math.isfinite(seconds) or not 0.1 <= seconds <= 86_400:
            self.fail(f"{value!r} is not between 0.1 and 86400 seconds", param, ctx)
        return seconds


SECONDS = Seconds()
# Database ids are 64-bit; a larger one would overflow the driver, not find nothing.
ROW_ID = click.IntRange(1, 2**63 - 1)
COUNT = click.IntRange(1, 2**31 - 1)
WORKERS = click.IntRange(1, 64)


def fail(message: str) -> click.ClickException:
    return click.ClickException(message)


def read_problem(path: str | Path) -> Problem:
    try:
        return load_problem_file(path)
    except DocumentError as exc:
        raise fail(f"{path}: {exc}") from None


def read_plan_document(path: str | Path, problem: Problem | None = None) -> Plan:
    """A plan document from a file (through the untrusted-JSON loader); `DocumentError`."""
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise DocumentError([Issue("", f"cannot read the plan: {exc.strerror}")], "plan") from None
    return load_plan(text, problem)


def write_json(doc: Any, out: str | Path | None) -> None:
    # allow_nan=False: a document with Infinity in it could not be read back.
    text = json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    if out in (None, "-"):
        click.echo(text, nl=False)
    else:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")


def not_yet(name: str) -> click.Command:
    @click.command(name, context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def stub(args: tuple[str, ...]) -> None:
        raise fail(f"`rjsched {name}` is not available in this build yet")

    stub.help = f"(not yet available) {name}"
    return stub
