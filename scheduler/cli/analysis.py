"""Looking into one case or the engine: explain, suggest, bench."""

from __future__ import annotations

from scheduler.cli.common import not_yet

COMMANDS = [not_yet(n) for n in ("explain", "suggest", "bench")]
