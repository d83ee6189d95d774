"""The Celery app. Importing it connects to nothing: the configuration is read lazily.

Start a worker with ``rjsched worker`` (or ``celery -A workers.app worker``).
"""

from __future__ import annotations

from celery import Celery

app = Celery("rjsched", include=["workers.tasks"])
app.config_from_object("celeryconfig")
