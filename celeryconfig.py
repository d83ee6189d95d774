"""Celery configuration, built from the environment (`RJSCHED_*`) when Celery reads it.

Celery imports this module lazily (``app.config_from_object("celeryconfig")``), the
first time the app's configuration is used; reading settings connects to nothing.
"""

from __future__ import annotations

import datetime as dt

from celery.schedules import crontab
from kombu import Queue

from scheduler.jobs.config import get_job_settings
from scheduler.settings import get_settings

_settings = get_settings()
_jobs = get_job_settings()

broker_url = _settings.redis_url
result_backend = _settings.redis_url
broker_connection_retry_on_startup = True
# Above the longest solve: Redis hands an unacknowledged message to another worker after
# this long, and a redelivered solve would be work done twice.
broker_transport_options = {"visibility_timeout": _jobs.visibility_timeout_seconds}
result_backend_transport_options = {"visibility_timeout": _jobs.visibility_timeout_seconds}

# JSON only: a pickle from the broker is code execution, and JSON keeps the messages
# readable for the privacy check (ids and dates only, never names or addresses).
task_serializer = "json"
result_serializer = "json"
accept_content = ["json"]
result_accept_content = ["json"]

timezone = "UTC"
enable_utc = True

task_queues = (Queue("solver"), Queue("mail"))
task_default_queue = "solver"
task_routes = {
    "workers.tasks.allocate": {"queue": "solver"},
    "workers.tasks.solve_part": {"queue": "solver"},
    "workers.tasks.merge_parts": {"queue": "solver"},
    "workers.tasks.allocation_failed": {"queue": "solver"},
    "workers.tasks.replan_nightly": {"queue": "solver"},
    "workers.tasks.replan_draft": {"queue": "solver"},
    "workers.tasks.replan_watchdog": {"queue": "solver"},
    "workers.tasks.send_message": {"queue": "mail"},
    "workers.tasks.sweep_outbox": {"queue": "mail"},
}

# Every task is idempotent (it re-reads the database and claims rows), so a message is
# acknowledged only when its task has finished, and one whose worker died is handed out
# again rather than lost.
task_acks_late = True
task_reject_on_worker_lost = True
# One message at a time per process: a worker busy with a long solve must not sit on
# other messages that an idle worker could take.
worker_prefetch_multiplier = 1
task_track_started = True

# Solver tasks get a hard time limit (the process is killed) and, a minute before it, a
# soft one (an exception the task turns into a 'failed' request).
_SOLVER_TASKS = ("allocate", "solve_part", "merge_parts", "replan_nightly", "replan_draft")
task_annotations = {
    f"workers.tasks.{name}": {
        "time_limit": _jobs.solver_task_time_limit_seconds,
        "soft_time_limit": max(1, _jobs.solver_task_time_limit_seconds - 60),
    }
    for name in _SOLVER_TASKS
}

# Parts results must survive until the merge has read them; nothing needs them later.
result_expires = dt.timedelta(days=1)

# Beat runs in UTC. The nightly re-plan is at 03:30 UTC, never 01:00-02:00 UTC: that is
# when the clocks change in the UK and the EU (01:00 UTC on the last Sundays of March and
# October), so an hour of local time is missing or happens twice, and a job then would
# see a shifting "today". At 03:30 UTC the London date equals the UTC date (so the run
# date means the same day to everyone), and it is hours before the working day.
beat_schedule = {
    "sweep-outbox": {
        "task": "workers.tasks.sweep_outbox",
        "schedule": dt.timedelta(seconds=_jobs.sweep_seconds),
        # A sweep that has not run within one interval is superseded by the next one.
        "options": {"expires": _jobs.sweep_seconds},
    },
}
if _jobs.replan_enabled:
    beat_schedule["replan-nightly"] = {
        "task": "workers.tasks.replan_nightly",
        "schedule": crontab(minute=_jobs.replan_at_utc.minute, hour=_jobs.replan_at_utc.hour),
    }
    # A re-plan whose whole worker died leaves its message unacknowledged in Redis for
    # the visibility timeout (hours); the watchdog queues it again once its lease ran out.
    beat_schedule["replan-watchdog"] = {
        "task": "workers.tasks.replan_watchdog",
        "schedule": dt.timedelta(seconds=_jobs.replan_check_seconds),
        "options": {"expires": _jobs.replan_check_seconds},
    }
