"""After an erasure, no table holds the person's name or email, except the documented
pending CANCEL (it must still reach them); once it is sent, nothing at all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, MetaData, select

from scheduler.domain import Plan
from scheduler.storage.db import transaction
from scheduler.storage.plans import save_plan
from tests.web.helpers import login, make_app

DATA = Path(__file__).parents[1] / "data"
PROBLEM = json.loads((DATA / "small.problem.json").read_text())
PLAN = json.loads((DATA / "small.plan.json").read_text())


def find_everywhere(engine: Engine, needles: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """(table, column, row) for every stored value whose text contains a needle."""
    meta = MetaData()
    meta.reflect(engine)
    hits = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                for column, value in row.items():
                    text = value if isinstance(value, str) else json.dumps(value, default=str)
                    if any(n in text for n in needles):
                        hits.append((table.name, column, dict(row)))
    return hits


def _pending_cancel(hit: tuple[str, str, dict[str, Any]], ids: set[str]) -> bool:
    table, _, row = hit
    return (
        table == "outbox"
        and row["method"] == "CANCEL"
        and row["sent_at"] is None
        and row["recipient_id"] in ids
    )


def _unique_details(parties: list[dict[str, Any]]) -> list[str]:
    """Names and emails that no one else in the problem shares (synthetic names repeat)."""
    everyone = [
        v for c in PROBLEM["cases"] for p in c["parties"] for v in (p["name"], p.get("email"))
    ]
    everyone += [v for f in PROBLEM["facilitators"] for v in (f["name"], f.get("email"))]
    mine = [v for p in parties for v in (p["name"], p.get("email")) if v]
    return [v for v in mine if everyone.count(v) == 1]


@pytest.fixture
def sent(tmp_path):  # type: ignore[no-untyped-def]
    """The example confirmed and its invites sent: a client and the app."""
    app = make_app(tmp_path)
    with TestClient(app) as client:
        client.headers["X-CSRF-Token"] = login(client)
        assert client.post("/api/import", json=PROBLEM).status_code == 200
        with transaction(app.state.engine) as session:
            plan_id = save_plan(
                session, Plan.model_validate(PLAN), kind="import", created_at=app.state.clock()
            )
        assert client.post(f"/api/plans/{plan_id}/confirm").status_code == 200
        assert client.post("/api/send").json()["sent"] > 0
        yield client, app


@pytest.mark.parametrize("what", ["party", "case"])
def test_erasure_leaves_only_the_pending_cancel_then_nothing(sent, what):  # type: ignore[no-untyped-def]
    client, app = sent
    case_id = PLAN["meetings"][0]["case"]
    case = next(c for c in PROBLEM["cases"] if c["id"] == case_id)
    erased = [p for p in case["parties"] if what == "case" or p["role"] == "victim"]
    needles = _unique_details(erased)
    assert needles, "the example must give the erased people a name or email of their own"
    ids = {p["id"] for p in erased}
    before = find_everywhere(app.state.engine, needles)
    assert {h[0] for h in before} >= {"outbox", "invite_state"}  # the scan sees them

    url = (
        f"/api/parties/{erased[0]['id']}/erase"
        if what == "party"
        else f"/api/cases/{case_id}/erase"
    )
    assert client.post(url).status_code == 200

    left = find_everywhere(app.state.engine, needles)
    assert left, "their CANCEL must still be waiting to reach them"
    unexpected = [(t, c) for t, c, r in left if not _pending_cancel((t, c, r), ids)]
    assert not unexpected, unexpected

    assert client.post("/api/send").json()["sent"] > 0
    assert find_everywhere(app.state.engine, needles) == []


def test_a_failed_send_keeps_the_cancel_for_the_retry(sent):  # type: ignore[no-untyped-def]
    """Only sent (or refused) messages are blanked: a CANCEL still due keeps its address."""
    client, app = sent
    case_id = PLAN["meetings"][0]["case"]
    case = next(c for c in PROBLEM["cases"] if c["id"] == case_id)
    victim = next(p for p in case["parties"] if p["role"] == "victim")
    assert client.post(f"/api/parties/{victim['id']}/erase").status_code == 200
    from scheduler.web_services.erasure import scrub_delivered

    with transaction(app.state.engine) as session:
        assert scrub_delivered(session) == 0  # nothing of theirs has gone since the erasure
    needles = _unique_details([victim])
    assert any(h[0] == "outbox" for h in find_everywhere(app.state.engine, needles))
