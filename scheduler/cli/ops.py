"""Running the service: demo, serve, worker, beat, user."""

from __future__ import annotations

from scheduler.cli.common import not_yet

COMMANDS = [not_yet(n) for n in ("demo", "serve", "worker", "beat", "user")]
