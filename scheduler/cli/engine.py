"""Allocation commands: solve, verify, explain, suggest, bench."""

from __future__ import annotations

from scheduler.cli.common import not_yet

COMMANDS = [not_yet(n) for n in ("solve", "verify", "explain", "suggest", "bench")]
