"""Odd but valid text through the real binary and the web app: confirm works, mail parses.

A line break in a case reference once made every confirmation fail (a traceback on the
CLI, a 500 on the web). Now a line break is refused at import, and text that is odd but
valid (quotes, accents, CJK, emoji, names at their longest) confirms and sends. Data
stored before the rule (a line break already in the database) gets one line, exit 1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from email import message_from_bytes, policy
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import update

from scheduler.storage.db import make_engine, transaction
from scheduler.storage.models import PartyRow
from tests.formats.corpus import base_problem
from tests.formats.test_hostile_input_property import ODD_BUT_VALID, _set
from tests.web.helpers import login, make_app

RJSCHED = str(Path(sys.executable).with_name("rjsched"))


def odd_document() -> dict:
    doc = base_problem()
    for path, value in ODD_BUT_VALID.items():
        _set(doc, path, value)
    return doc


def rjsched(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([RJSCHED, *args], env=env, capture_output=True, text=True, timeout=300)


def test_cli_confirms_and_sends_odd_text(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RJSCHED_")}
    env["RJSCHED_DATA_DIR"] = str(tmp_path / "data")
    src = tmp_path / "odd.json"
    src.write_text(json.dumps(odd_document(), ensure_ascii=False), encoding="utf-8")
    for args in (
        ["import", str(src)],
        ["solve", "--db", "--time-limit", "5"],
        ["confirm", "--all"],
        ["send"],
    ):
        proc = rjsched(env, *args)
        assert proc.returncode == 0, f"{args}: {proc.stdout}{proc.stderr}"
        assert "Traceback" not in proc.stderr
    mails = list((tmp_path / "data" / "outbox").glob("*.eml"))
    assert mails
    reference = ODD_BUT_VALID["cases[0].reference"]
    subjects = [
        str(message_from_bytes(p.read_bytes(), policy=policy.default)["Subject"]) for p in mails
    ]
    assert all("\n" not in s for s in subjects)
    # The reference comes back exactly, quotes, guillemets, CJK and emoji included.
    assert any(reference in s for s in subjects), subjects[:3]


def test_data_stored_before_the_rule_is_one_line_and_exit_1(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RJSCHED_")}
    env["RJSCHED_DATA_DIR"] = str(tmp_path / "data")
    src = tmp_path / "base.json"
    src.write_text(json.dumps(base_problem()), encoding="utf-8")
    assert rjsched(env, "import", str(src)).returncode == 0
    assert rjsched(env, "solve", "--db", "--time-limit", "5").returncode == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'rjsched.db'}")
    with transaction(engine) as session:  # as an older version could have stored it
        session.execute(update(PartyRow).where(PartyRow.id == "P1").values(name="Ann\nSmith"))
    engine.dispose()
    proc = rjsched(env, "confirm", "--all")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert "cases[0].parties[0].name" in proc.stderr
    assert "rjsched import FILE --replace" in proc.stderr


def test_web_confirms_odd_text(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with TestClient(app) as client:
        client.headers["X-CSRF-Token"] = login(client)
        assert client.post("/api/import", json=odd_document()).status_code == 200
        res = client.post("/api/jobs", json={"kind": "allocate", "time_limit": 5})
        assert res.status_code in (200, 201, 202), res.text
        plan_id = _wait_for_plan(client, res.json()["id"])
        res = client.post(f"/api/plans/{plan_id}/confirm")
        assert res.status_code == 200, res.text
        assert res.json()["queued"] > 0
        sent = client.post("/api/send")
        assert sent.status_code == 200
        assert sent.json()["failed"] == 0


def _wait_for_plan(client: TestClient, job_id: int) -> int:
    import time

    for _ in range(600):
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["status"] == "done":
            return int(job["plan_id"])
        assert job["status"] != "failed", job
        time.sleep(0.1)
    raise AssertionError("the allocation job did not finish")
