"""`rjsched worker` and `rjsched beat` start Celery with our app; bad options fail clearly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import cli
from tests.jobs.services import wait_for

RJSCHED = str(Path(sys.executable).with_name("rjsched"))


def test_worker_rejects_unknown_queue() -> None:
    result = CliRunner().invoke(cli, ["worker", "--queues", "solver,bogus"])
    assert result.exit_code == 1
    assert "--queues" in result.output
    assert "bogus" in result.output


def run_until(args: list[str], env: dict[str, str], log: Path, ready: str) -> str:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [RJSCHED, *args], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_for(
            lambda: ready in log.read_text(errors="replace") or proc.poll() is not None,
            timeout=60,
            what=ready,
        )
        return log.read_text(errors="replace")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)


def test_worker_and_beat_start(job_env: dict[str, str], tmp_path: Path) -> None:
    text = run_until(
        ["worker", "--queues", "mail", "-c", "1", "-n", "cli@%h"],
        job_env,
        tmp_path / "w.log",
        "ready.",
    )
    assert "ready." in text
    assert "mail" in text
    assert "workers.tasks.send_message" in text
    text = run_until(["beat"], job_env, tmp_path / "b.log", "beat: Starting")
    assert "beat: Starting" in text
    assert (
        Path(job_env["RJSCHED_DATA_DIR"]) / "celerybeat-schedule"
    ).exists() or "Starting" in text
