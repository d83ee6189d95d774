"""Where messages go: an SMTP server, or (by default) one .eml file each in a folder."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import smtplib
import socket
import ssl
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

from scheduler.invites.redact import redact_addresses

log = logging.getLogger(__name__)


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
    """One SMTP conversation per message, cut off after `timeout` seconds in all.

    The message counts as handed over at the server's "250" after DATA: `deliver` calls
    its `on_accepted` then, before QUIT, and nothing after that raises (a QUIT answered
    with 421 or 554, or a dropped connection, is logged and ignored). Without that, a
    reply other than 221 to QUIT turned an accepted message into a failure, and the
    message went again and again.
    """

    host: str
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def send(self, message: EmailMessage, *, key: str) -> None:
        self.deliver(message, key=key, on_accepted=None)

    def deliver(
        self, message: EmailMessage, *, key: str, on_accepted: Callable[[], None] | None
    ) -> None:
        smtp = smtplib.SMTP(timeout=self.timeout)  # not connected yet
        # The whole conversation up to the "250", not each step, is bounded by `timeout`
        # (so a sender's claim on the message, longer than that, never runs out early).
        cut = threading.Event()
        cutoff = threading.Timer(self.timeout, _cut_off, args=(smtp, cut))
        cutoff.daemon = True
        cutoff.start()
        try:
            try:
                smtp.connect(self.host, self.port)
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
            finally:
                cutoff.cancel()
        except smtplib.SMTPRecipientsRefused as exc:
            smtp.close()
            replies = sorted(exc.recipients.values())
            code = min((c for c, _ in replies), default=550)
            raise _by_code(code, "; ".join(f"{c} {_text(r)}" for c, r in replies)) from None
        except smtplib.SMTPResponseException as exc:
            smtp.close()
            raise _by_code(exc.smtp_code, _text(exc.smtp_error)) from None
        except smtplib.SMTPNotSupportedError as exc:  # e.g. no STARTTLS: a setup problem
            smtp.close()
            raise PermanentMailError(redact_addresses(str(exc))) from None
        except (smtplib.SMTPException, OSError) as exc:  # disconnects, refused, timeouts
            smtp.close()
            text = redact_addresses(f"{type(exc).__name__}: {exc}")
            if cut.is_set():
                text = f"no reply within {self.timeout:g}s in all ({text})"
            raise TransientMailError(text) from None
        # "250" after DATA: the server has the message. Record that before anything else.
        try:
            if on_accepted is not None:
                on_accepted()
        finally:
            self._quit(smtp, key)

    def _quit(self, smtp: smtplib.SMTP, key: str) -> None:
        try:
            code, reply = smtp.docmd("QUIT")
            if code != 221:
                log.warning(
                    "SMTP %s:%s answered %s %s to QUIT after accepting message %s; "
                    "it counts as sent",
                    self.host,
                    self.port,
                    code,
                    redact_addresses(_text(reply)),
                    key,
                )
        except (smtplib.SMTPException, OSError) as exc:
            log.warning(
                "SMTP %s:%s: %s at QUIT after accepting message %s; it counts as sent",
                self.host,
                self.port,
                redact_addresses(f"{type(exc).__name__}: {exc}"),
                key,
            )
        finally:
            smtp.close()

    def describe(self) -> str:
        return f"SMTP {self.host}:{self.port}"


def _cut_off(smtp: smtplib.SMTP, cut: threading.Event) -> None:
    cut.set()
    sock = getattr(smtp, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)  # the blocked read or write fails at once


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _by_code(code: int, text: str) -> MailError:
    message = redact_addresses(f"SMTP {code}: {text}")
    return PermanentMailError(message) if code >= 500 else TransientMailError(message)


def hand_over(
    transport: Transport, message: EmailMessage, *, key: str, on_accepted: Callable[[], None]
) -> None:
    """Send `message`; `on_accepted` runs the moment the transport has it.

    For SMTP that is the "250" after DATA, before QUIT (see `SmtpTransport`); for other
    transports, once `send` has returned. If `on_accepted` raises, so does this.
    """
    deliver = getattr(transport, "deliver", None)
    if deliver is not None:
        deliver(message, key=key, on_accepted=on_accepted)
        return
    transport.send(message, key=key)
    on_accepted()


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
