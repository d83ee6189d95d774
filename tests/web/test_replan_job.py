"""The dashboard's "Re-plan (keep confirmed)" job: the re-plan service, a draft to review."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from scheduler.domain import Plan
from scheduler.storage.db import transaction
from scheduler.storage.plans import save_plan
from tests.web.helpers import login, make_app

DATA = Path(__file__).parents[1] / "data"
PROBLEM = json.loads((DATA / "small.problem.json").read_text())
PLAN = json.loads((DATA / "small.plan.json").read_text())
OFF_SICK = "F4"
SICK_DAY = "2027-03-30"  # F4 co-facilitates C10 that day, and nothing else


@pytest.fixture
def client(tmp_path: Path) -> Any:
    app = make_app(tmp_path)
    with TestClient(app) as c:
        c.headers["X-CSRF-Token"] = login(c)
        assert c.post("/api/import", json=PROBLEM).status_code == 200
        with transaction(app.state.engine) as session:
            plan_id = save_plan(
                session, Plan.model_validate(PLAN), kind="import", created_at=app.state.clock()
            )
        assert c.post(f"/api/plans/{plan_id}/confirm").status_code == 200
        c.confirmed_id = plan_id  # type: ignore[attr-defined]
        yield c


def run_job(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    job = client.post("/api/jobs", json=body).json()
    for _ in range(600):
        job = client.get(f"/api/jobs/{job['id']}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    return job


def test_replan_job_keeps_what_it_can_and_leaves_a_draft(client: TestClient) -> None:
    sick = copy.deepcopy(PROBLEM)
    f4 = next(f for f in sick["facilitators"] if f["id"] == OFF_SICK)
    f4["availability"].setdefault("unavailable", []).append(
        {"start": f"{SICK_DAY}T00:00", "end": "2027-03-31T00:00"}
    )
    assert client.post("/api/import", json=sick).status_code == 200
    affected = {
        m["case"]
        for m in PLAN["meetings"]
        if m["start"].startswith(SICK_DAY)
        and OFF_SICK in [m["lead"], *m.get("co_facilitators", [])]
    }
    assert affected == {"C10"}

    # A limit long enough for the solver to prove optimal (it stops there).
    job = run_job(client, {"kind": "replan", "time_limit": 60})
    assert job["status"] == "done", job
    assert job["kind"] == "replan"
    plan = client.get(f"/api/plans/{job['plan_id']}").json()
    statuses = {p["id"]: p["status"] for p in client.get("/api/plans").json()}
    assert statuses[job["plan_id"]] == "draft"  # for the coordinator to review; nothing sent
    assert statuses[client.confirmed_id] == "confirmed"  # type: ignore[attr-defined]

    assert plan["objective"]["disruption"] > 0
    new = {m["case"]: m for m in plan["meetings"]}
    for old in PLAN["meetings"]:
        kept = new[old["case"]]
        team = {kept["lead"], *kept.get("co_facilitators", [])}
        if old["case"] in affected:
            assert OFF_SICK not in team or not kept["start"].startswith(SICK_DAY)
            continue
        assert (kept["start"], kept["venue"]) == (old["start"], old["venue"]), old["case"]
        assert team == {old["lead"], *old.get("co_facilitators", [])}, old["case"]


def test_replan_job_without_a_confirmed_plan_fails_clearly(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    with TestClient(app) as c:
        c.headers["X-CSRF-Token"] = login(c)
        assert c.post("/api/import", json=PROBLEM).status_code == 200
        job = run_job(c, {"kind": "replan", "time_limit": 5})
    assert job["status"] == "failed"
    assert "no confirmed plan" in job["error"]
