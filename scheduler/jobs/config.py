"""Settings of the background jobs, read from the environment (prefix ``RJSCHED_``).

Kept beside the jobs rather than in `scheduler.settings` because only Celery and the
job services read them; like `Settings`, reading them connects to nothing.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class JobSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RJSCHED_", extra="ignore")

    # Redis redelivers a message nobody acknowledged after this long. It must exceed the
    # longest task (a national solve), or a slow solve would be started a second time.
    visibility_timeout_seconds: int = Field(default=2 * 3600, ge=1)
    # Hard limit for one solver task (allocate, a part, a merge, the nightly re-plan); the
    # soft limit comes a minute earlier so the task can record the failure itself.
    solver_task_time_limit_seconds: int = Field(default=3600, ge=10)
    # How often beat re-queues outbox rows that are due and unsent.
    sweep_seconds: float = Field(default=60.0, gt=0)
    # The nightly re-plan, a UTC wall time (see celeryconfig for why 03:30).
    replan_at_utc: dt.time = dt.time(3, 30)
    replan_enabled: bool = True
    # Mail retries on transient SMTP errors: full-jitter exponential backoff.
    mail_retry_base_seconds: float = Field(default=30.0, gt=0)
    mail_retry_max_seconds: float = Field(default=3600.0, gt=0)
    mail_max_retries: int = Field(default=12, ge=0)
    # How long a sender holds a message it is sending (the outbox's claim). Longer than
    # a whole SMTP conversation (cut off after RJSCHED_SMTP_TIMEOUT_SECONDS), so a live
    # sender never loses it; a killed sender's message is swept up again after it (so
    # it bounds that delay, with the sweep interval). Tests shorten it.
    mail_claim_seconds: int = Field(default=120, ge=1)
    # The sweeper leaves alone what became due within this long (a task is on its way).
    sweep_grace_seconds: float = Field(default=30.0, ge=0)
    # The nightly re-plan holds its date with a lease that its heartbeat renews every
    # `replan_heartbeat_seconds`; a run whose lease ran out (its process died) is taken
    # over by the redelivered task, the watchdog's, or `rjsched replan`.
    replan_lease_seconds: float = Field(default=120.0, gt=0)
    replan_heartbeat_seconds: float = Field(default=20.0, gt=0)
    # How often beat looks for a re-plan whose lease ran out, and queues it again.
    replan_check_seconds: float = Field(default=60.0, gt=0)

    @model_validator(mode="after")
    def _heartbeat_within_lease(self) -> JobSettings:
        if self.replan_heartbeat_seconds * 2 > self.replan_lease_seconds:
            raise ValueError(
                "RJSCHED_REPLAN_HEARTBEAT_SECONDS must be at most half of "
                f"RJSCHED_REPLAN_LEASE_SECONDS (got {self.replan_heartbeat_seconds:g} and "
                f"{self.replan_lease_seconds:g}), or a live run would lose its lease"
            )
        return self

    @field_validator("replan_at_utc", mode="before")
    @classmethod
    def _hh_mm(cls, value: object) -> object:
        if isinstance(value, str) and len(value) == 5:
            return dt.time.fromisoformat(value)
        return value


def get_job_settings() -> JobSettings:
    """Read the job settings now (not at import time), so tests can set the environment."""
    return JobSettings()
