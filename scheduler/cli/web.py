"""The web app: serve, user."""

from __future__ import annotations

from scheduler.cli.common import not_yet

COMMANDS = [not_yet(n) for n in ("serve", "user")]
