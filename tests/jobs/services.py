"""Real background services for the job tests: Redis, an SMTP sink, a Celery worker and beat.

Each is a real process or server on a free loopback port, started and stopped by the
tests (never eager mode, never mocks). Waiting is always polling a condition with a
timeout; nothing sleeps and then asserts.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

ROOT = Path(__file__).resolve().parents[2]
REDIS_MISSING = "redis-server not found: apt-get install redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    condition: Callable[[], Any], *, timeout: float, what: str, interval: float = 0.1
) -> Any:
    """Poll `condition` until it returns something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(interval)


# --------------------------------------------------------------------------- Redis


class RedisServer:
    """`redis-server` without persistence: a restart loses every queued message."""

    def __init__(self, workdir: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            if os.environ.get("CI"):
                pytest.fail(REDIS_MISSING)
            pytest.skip(REDIS_MISSING)
        self.binary = binary
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):  # type: ignore[no-untyped-def]
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._pong, timeout=10, what=f"redis-server on port {self.port}")

    def _pong(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:
            return False

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


# --------------------------------------------------------------------------- SMTP


@dataclass(frozen=True)
class Received:
    recipients: tuple[str, ...]
    message_id: str
    uid: str
    sequence: int
    method: str

    @property
    def keys(self) -> list[tuple[str, int, str, str]]:
        return [(self.uid, self.sequence, self.method, r.lower()) for r in self.recipients]


def parse_received(recipients: list[str], data: bytes) -> Received:
    msg = message_from_bytes(data, policy=policy.SMTP)
    cal = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    calendar = Calendar.from_ical(cal.get_content())
    event = next(iter(calendar.walk("VEVENT")))
    return Received(
        recipients=tuple(recipients),
        message_id=str(msg["Message-ID"]),
        uid=str(event["UID"]),
        sequence=int(event.get("SEQUENCE", 0)),
        method=str(calendar["METHOD"]),
    )


@dataclass
class Recorder:
    """Records every message the server accepted; it never deduplicates.

    `delay` holds each message before the "250" reply, so a test can kill the sender
    mid-transfer. A message whose sender hung up during the delay is not accepted
    (no reply was sent, so by RFC 5321 the server has not taken it on): that is how a
    real server behaves, not deduplication.

    After the "250", `quit_reply` answers QUIT (421 or 554 instead of "221 Bye") and
    `quit_delay` holds that answer, so a test can kill the sender between the "250" and
    the end of the session (`quitting` is set when a QUIT arrives). `refuse` answers
    RCPT for an address with a reply for good; `busy` with "451" that many times first.
    """

    delay: float = 0.0
    quit_reply: str | None = None
    quit_delay: float = 0.0
    refuse: dict[str, str] = field(default_factory=dict)
    busy: dict[str, int] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    in_transfer: threading.Event = field(default_factory=threading.Event)
    quitting: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    active: int = 0  # messages in transfer now (between DATA and the reply)
    quits: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        with self.lock:
            if address in self.refuse:
                return self.refuse[address]
            if self.busy.get(address, 0) > 0:
                self.busy[address] -= 1
                return f"451 4.2.1 <{address}>: mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.quits += 1
        self.quitting.set()
        if self.quit_delay:
            await asyncio.sleep(self.quit_delay)
        return self.quit_reply or "221 Bye"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.in_transfer.set()
        with self.lock:
            self.active += 1
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            transport = getattr(server, "transport", None)
            if transport is None or transport.is_closing():
                return "451 sender went away"
            data = envelope.original_content or envelope.content
            with self.lock:
                self.raw.append(bytes(data))
                self.received.append(parse_received(list(envelope.rcpt_tos), bytes(data)))
            return "250 OK"
        finally:
            with self.lock:
                self.active -= 1

    def transfers(self) -> int:
        with self.lock:
            return self.active

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def by_message_id(self) -> Counter[str]:
        with self.lock:
            return Counter(r.message_id for r in self.received)

    def by_key(self) -> Counter[tuple[str, int, str, str]]:
        with self.lock:
            return Counter(k for r in self.received for k in r.keys)


class SmtpServer:
    """An aiosmtpd server on a fixed loopback port that can go down and come back."""

    def __init__(self, recorder: Recorder | None = None) -> None:
        self.recorder = recorder or Recorder()
        self.port = free_port()
        self.controller: Any = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


# --------------------------------------------------------------------------- Celery


class CeleryProcess:
    """A `celery -A workers.app worker|beat` subprocess in its own process group."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path, ready: str) -> None:
        self.args, self.env, self.log, self.ready = args, env, log, ready
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        mark = f"--- start {self.starts} ---\n"
        with self.log.open("a") as fh:
            fh.write(mark)
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "workers.app", *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group, so a kill takes the pool children too
        )
        out.close()
        wait_for(
            lambda: (
                self.ready in self.log.read_text(errors="replace").split(mark)[-1] or self._died()
            ),
            timeout=60,
            what=f"celery {self.args[0]} to start (log {self.log})",
        )
        if self._died():
            pytest.fail(f"celery {self.args[0]} exited at start:\n{self.log.read_text()[-3000:]}")

    def _died(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def kill(self) -> None:
        """SIGKILL the whole process group: no warm shutdown, no acknowledgements."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")
