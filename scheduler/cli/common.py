"""Helpers shared by the command modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from scheduler.domain import Plan, Problem
from scheduler.formats import DocumentError, Issue, load_plan, load_problem_file


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
