"""Helpers shared by the command modules."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from scheduler.domain import Problem
from scheduler.formats import DocumentError, load_problem_file


def fail(message: str) -> click.ClickException:
    return click.ClickException(message)


def read_problem(path: str | Path) -> Problem:
    try:
        return load_problem_file(path)
    except DocumentError as exc:
        raise fail(f"{path}: {exc}") from None


def write_json(doc: Any, out: str | Path | None) -> None:
    text = json.dumps(doc, indent=1, ensure_ascii=False) + "\n"
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
