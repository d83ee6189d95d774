"""Where messages go: an SMTP server, or (by default) one .eml file each in a folder."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol


class MailError(Exception):
    """A message could not be handed over."""


class TransientMailError(MailError):
    """Worth retrying later: connection trouble, a timeout, a 4xx reply."""


class PermanentMailError(MailError):
    """Retrying will not help: a 5xx reply (bad address, refused, authentication)."""


class Transport(Protocol):
    def send(self, message: EmailMessage, *, key: str) -> None:
        """Hand one message over; `key` is the same for every resend of the same message."""

    def describe(self) -> str:
        """Where messages go, for people (no secrets)."""


@dataclass(frozen=True)
class FolderTransport:
    """One .eml file per message; a resend of the same message overwrites its file.

    Files are named so that a person can find one: meeting date, case reference,
    recipient kind, sequence and method, then the start of the message key
    (``2027-03-04_RJ-2026-0025_facilitator-lead_seq1_REQUEST_3f9a2c1b0d.eml``); never a
    person's name or address. A message without that information is ``<key>.eml``.
    """

    folder: Path

    def file_name(self, message: EmailMessage, key: str) -> str:
        from scheduler.invites.mime import take_outbox_name

        name = getattr(message, "outbox_name", None) or take_outbox_name(message)
        safe_key = re.sub(r"[^A-Za-z0-9]", "", key)[:64] or "message"
        if not name:
            return f"{safe_key}.eml"
        safe = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-")[:120]
        return f"{safe}_{safe_key[:10]}.eml"

    def send(self, message: EmailMessage, *, key: str) -> None:
        name = self.file_name(message, key)
        data = message.as_bytes(policy=policy.SMTP)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # Temp file in the same folder + rename: a reader never sees half a message.
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".eml.tmp", dir=self.folder)
        except OSError as exc:
            raise TransientMailError(f"cannot write to {self.folder}: {exc}") from exc
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.folder / name)
        except OSError as exc:  # a full disk or a missing mount may well clear up
            Path(tmp).unlink(missing_ok=True)
            raise TransientMailError(f"cannot write to {self.folder}: {exc}") from exc

    def describe(self) -> str:
        return f"folder {self.folder}"


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def send(self, message: EmailMessage, *, key: str) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            raise _by_code(min(codes, default=550), str(exc.recipients)) from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, _text(exc.smtp_error)) from exc
        except smtplib.SMTPNotSupportedError as exc:  # e.g. no STARTTLS: a setup problem
            raise PermanentMailError(str(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:  # disconnects, refused, timeouts
            raise TransientMailError(f"{type(exc).__name__}: {exc}") from exc

    def describe(self) -> str:
        return f"SMTP {self.host}:{self.port}"


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _by_code(code: int, text: str) -> MailError:
    message = f"SMTP {code}: {text}"
    return PermanentMailError(message) if code >= 500 else TransientMailError(message)


def transport_from_settings(settings: Any) -> Transport:
    """SMTP when a host is configured, else the outbox folder."""
    if settings.smtp_configured:
        return SmtpTransport(
            host=settings.smtp_host,
            port=settings.smtp_port,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password,
            timeout=settings.smtp_timeout_seconds,
        )
    return FolderTransport(Path(settings.effective_outbox_dir))
