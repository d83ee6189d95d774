"""The main job on the embedded default: demo."""

from __future__ import annotations

from scheduler.cli.common import not_yet

COMMANDS = [not_yet("demo")]
