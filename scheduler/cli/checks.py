"""The independent checker: verify."""

from __future__ import annotations

from scheduler.cli.common import not_yet

COMMANDS = [not_yet("verify")]
