"""Background jobs: worker, beat, replan."""

from __future__ import annotations

from scheduler.cli.common import not_yet

COMMANDS = [not_yet(n) for n in ("worker", "beat", "replan")]
