"""One typed settings object, read from the environment (prefix ``RJSCHED_``).

Nothing here connects to anything: callers build engines and clients from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scheduler.safe_text import MAX_ADDRESS, text_problem


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RJSCHED_", extra="ignore")

    data_dir: Path = Field(
        default=Path("data"), description="where the embedded default keeps its files"
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default SQLite in data_dir"
    )
    outbox_dir: Path | None = Field(
        default=None, description="folder for .eml files; default data_dir/outbox"
    )
    redis_url: str = Field(
        default="redis://127.0.0.1:6379/0",
        description="the Celery broker; setting it says there is one (see queue_sends)",
    )
    queue_sends: Literal["auto", "yes", "no"] = Field(
        default="auto",
        description=(
            "after a confirmation commits, queue one send per message for the mail workers; "
            "auto: when a broker is configured (REDIS_URL set, or JOBS_BACKEND=celery)"
        ),
    )
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "scheduler@rj-scheduler.example.org"
    service_name: str = "the Restorative Justice Service"
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="the address the web app serves on"
    )
    public_url: str | None = Field(
        default=None,
        description="the address people open links in emails on (RJSCHED_PUBLIC_URL), "
        "e.g. https://rj.example.gov.uk; default base_url",
    )
    video_join_text: str | None = Field(
        default=None,
        description="what a video session's invites say about joining the call "
        "(RJSCHED_VIDEO_JOIN_TEXT), e.g. 'Join at https://video.example.gov.uk/rj with the "
        "code your facilitator gives you'; default: the facilitator sends the link or phones",
    )
    timezone: str = "Europe/London"
    solver_time_limit_seconds: float = 60.0
    solver_workers: int = 2
    secret_key: str | None = None
    # Web app (added by the web feature).
    jobs_backend: Literal["thread", "celery"] = Field(
        default="thread",
        description="thread: allocations run inside the web process; celery: queued",
    )
    session_hours: float = 12.0
    cookie_secure: bool = Field(default=False, description="always mark the session cookie Secure")
    login_max_failures: int = 5
    login_window_minutes: int = 15
    trusted_proxies: str = Field(
        default="",
        description=(
            "comma-separated addresses or networks (RJSCHED_TRUSTED_PROXIES) whose "
            "X-Forwarded-For / X-Forwarded-Proto are believed; default none"
        ),
    )
    api_docs: bool = Field(
        default=False, description="serve the browsable API docs at /api/docs (needs no CDN)"
    )
    max_body_bytes: int = Field(
        default=50 * 1024 * 1024, description="a larger request body is refused with 413"
    )

    @field_validator("video_join_text")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        # It goes into calendar lines and emails, like any document text.
        if value is not None:
            why = text_problem(value, MAX_ADDRESS)
            if why:
                raise ValueError(why)
        return value.strip() or None if value is not None else None

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'rjsched.db').resolve()}"

    @property
    def effective_outbox_dir(self) -> Path:
        return self.outbox_dir or (self.data_dir / "outbox")

    @property
    def sends_are_queued(self) -> bool:
        """Whether confirming asks the mail workers to send (else `rjsched send` does)."""
        if self.queue_sends != "auto":
            return self.queue_sends == "yes"
        return self.jobs_backend == "celery" or "redis_url" in self.model_fields_set

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)


def get_settings() -> Settings:
    """Read the settings now (not at import time), so tests can set the environment."""
    return Settings()
