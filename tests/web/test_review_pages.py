"""The draft page, confirming knowingly, the whole-plan timeline and jobs, through the app.

The confirmed plan is the spec's example; the draft moves C6 a week and drops C7 (see
tests/review). Confirming it needs the acknowledgement, checked by the server: a POST
without it (or with a stale one) is refused and queues nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from scheduler.jobs import requests
from scheduler.storage.db import transaction
from scheduler.storage.mail_models import OutboxMessage
from scheduler.storage.models import PlanRequest
from scheduler.storage.plans import save_plan
from tests.invites.helpers import NOW, example_plan, example_problem, problem_doc
from tests.review.test_plan_review import moved_and_dropped
from tests.web.helpers import login, make_app


@pytest.fixture
def app_client(tmp_path: Path) -> Any:
    app = make_app(tmp_path)
    with TestClient(app) as client:
        client.headers["X-CSRF-Token"] = login(client)
        assert client.post("/api/import", json=problem_doc()).status_code == 200
        with transaction(app.state.engine) as session:
            first = save_plan(session, example_plan(), kind="import", created_at=NOW)
            second = save_plan(session, moved_and_dropped(), kind="replan", created_at=NOW)
        assert client.post(f"/api/plans/{first}/confirm").status_code == 200
        yield app, client, first, second


def outbox(app: Any) -> int:
    with transaction(app.state.engine) as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_the_draft_page_shows_changes_by_name(app_client: Any) -> None:
    app, client, first, second = app_client
    problem = example_problem()
    page = client.get(f"/plans/{second}")
    assert page.status_code == 200
    text = page.text
    assert "Moved (new time or place) (1)" in text
    assert "Dropped (cancelled) (1)" in text
    for case in ("C6", "C7"):
        assert problem.case_by_id[case].reference in text
    assert problem.facilitator_by_id["F4"].name in text  # C6's and C7's lead, by name
    assert problem.venue_by_id["V3"].name in text
    assert "would move" in text
    # Many cases on one page, viewed without an audit row: no party's name.
    for case in problem.cases:
        for party in case.parties:
            assert party.name not in text, party.id
    # The dashboard links plans to their pages, not to the JSON.
    dash = client.get("/").text
    assert f'href="/plans/{second}"' in dash
    assert f'href="/api/plans/{second}"' not in dash
    # The confirmed plan's meetings read as confirmed, never "proposed".
    confirmed = client.get(f"/plans/{first}").text
    assert "badge proposed" not in confirmed
    assert "badge confirmed" in confirmed
    assert "badge proposed" not in dash


def test_changes_api_counts_what_confirming_queues(app_client: Any) -> None:
    app, client, _, second = app_client
    changes = client.get(f"/api/plans/{second}/changes").json()
    assert changes["counts"]["moved"] == 1
    assert changes["counts"]["dropped"] == 1
    assert {c["case"] for c in changes["needs_acknowledgement"]} == {"C6", "C7"}
    assert changes["acknowledgement"]
    before = outbox(app)
    res = client.post(f"/api/plans/{second}/confirm")
    assert res.status_code == 409
    assert res.json()["detail"]["acknowledgement"] == changes["acknowledgement"]
    res = client.post(f"/api/plans/{second}/confirm", json={"acknowledge": "stale0000"})
    assert res.status_code == 409
    assert "out of date" in res.json()["detail"]["message"]
    assert outbox(app) == before
    res = client.post(
        f"/api/plans/{second}/confirm", json={"acknowledge": changes["acknowledgement"]}
    )
    assert res.status_code == 200, res.text
    assert res.json()["queued"] == changes["messages"]["total"] == outbox(app) - before
    entry = client.get("/api/audit?action=confirm").json()[0]
    assert entry["details"]["acknowledged"] == ["moved:C6", "dropped:C7"]
    assert entry["details"]["queued"] == changes["messages"]["total"]


def test_the_confirm_form_needs_the_acknowledgement_server_side(app_client: Any) -> None:
    app, client, first, second = app_client
    page = client.get(f"/plans/{second}/confirm").text
    token = re.search(r'name="acknowledge" value="([0-9a-f]+)"', page).group(1)  # type: ignore[union-attr]
    total = int(re.search(r"<strong>(\d+) messages?</strong> will be queued", page).group(1))  # type: ignore[union-attr]
    csrf = client.headers["X-CSRF-Token"]
    del client.headers["X-CSRF-Token"]  # a plain HTML form: the token is a field
    before = outbox(app)
    refused = client.post(f"/plans/{second}/confirm", data={"csrf_token": csrf})
    assert refused.status_code == 409
    assert "Not confirmed" in refused.text
    assert "needs an explicit acknowledgement" in refused.text
    assert outbox(app) == before
    assert {p["id"]: p["status"] for p in client.get("/api/plans").json()}[second] == "draft"
    done = client.post(
        f"/plans/{second}/confirm",
        data={"csrf_token": csrf, "acknowledge": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/plans/{second}?confirmed=1"
    assert outbox(app) - before == total
    statuses = {p["id"]: p["status"] for p in client.get("/api/plans").json()}
    assert statuses == {first: "superseded", second: "confirmed"}


def test_the_form_without_csrf_is_refused(app_client: Any) -> None:
    _, client, _, second = app_client
    del client.headers["X-CSRF-Token"]
    assert client.post(f"/plans/{second}/confirm", data={"acknowledge": "x"}).status_code == 403


def test_the_timeline_page_draws_the_whole_plan(app_client: Any) -> None:
    _, client, first, second = app_client
    problem = example_problem()
    for by, name in (
        ("venue", problem.venue_by_id["V3"].name),
        ("facilitator", problem.facilitator_by_id["F8"].name),
    ):
        res = client.get(f"/plans/{second}/timeline?by={by}")
        assert res.status_code == 200
        assert name in res.text
        assert (
            res.text.count('class="tl-day')
            == 1 + (problem.horizon.end - problem.horizon.start).days
        )
        assert "Unscheduled cases" in res.text
    assert "moved" in client.get(f"/plans/{second}/timeline").text
    assert client.get("/plans/999/timeline").status_code == 404


def test_jobs_are_listed_and_cancelled(app_client: Any) -> None:
    app, client, first, _ = app_client
    job = requests.create_request(app.state.engine, kind="replan", now=NOW)
    listed = client.get("/api/jobs").json()
    assert [j["id"] for j in listed] == [job]
    assert f'data-job="{job}"' in client.get("/").text  # after a reload, still there
    res = client.post(f"/api/jobs/{job}/cancel")
    assert res.status_code == 200
    assert res.json()["status"] == "cancelled"
    assert client.get("/api/jobs").json() == []
    assert client.post(f"/api/jobs/{job}/cancel").status_code == 409
    assert client.post("/api/jobs/999/cancel").status_code == 404
    assert client.get("/api/audit?action=job_cancelled").json()[0]["target"] == f"job:{job}"
    # A cancelled job is never started again nor closed as done.
    from scheduler.jobs.allocation import SolveOptions, run_in_process

    assert run_in_process(app.state.engine, job, options=SolveOptions(1, 1), now=NOW) is None
    with transaction(app.state.engine) as session:
        assert session.get(PlanRequest, job).status == "cancelled"  # type: ignore[union-attr]


def test_the_default_run_re_plans_once_something_is_confirmed(
    app_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client, first, _ = app_client
    dash = client.get("/").text
    assert '<option value="replan" selected>' in dash
    assert "Fresh allocation" in dash
    import scheduler.web.jobs as web_jobs

    launched: list[tuple[int, str]] = []  # only the rows: no solve runs
    monkeypatch.setattr(
        web_jobs, "_launch", lambda request, rid, kind: launched.append((rid, kind))
    )
    default = client.post("/api/jobs", json={"time_limit": 1}).json()
    fresh = client.post("/api/jobs", json={"kind": "allocate", "time_limit": 1}).json()
    assert default["kind"] == "replan"
    assert not default["fresh"]
    assert fresh["kind"] == "allocate"
    assert fresh["fresh"]
    assert f"ignores confirmed plan {first}" in fresh["message"]
    assert [k for _, k in launched] == ["replan", "allocate"]
    assert (
        client.post(
            "/api/jobs", content=b"{", headers={"Content-Type": "application/json"}
        ).status_code
        == 422  # unreadable JSON: one 422 naming the problem, as every body
    )


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def test_hostile_bodies_get_clear_refusals_never_a_5xx(app_client: Any) -> None:
    """Any JSON (or broken bytes) to confirm, jobs and the timeline: 4xx, nothing queued."""
    app, client, _, second = app_client
    before = outbox(app)
    import scheduler.web.jobs as web_jobs

    web_jobs_launch = web_jobs._launch
    web_jobs._launch = lambda request, rid, kind: None  # type: ignore[assignment]

    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        body=JSON
        | st.fixed_dictionaries({"acknowledge": JSON})
        | st.fixed_dictionaries({"kind": JSON, "time_limit": JSON}),
        raw=st.binary(max_size=30),
        by=st.text(max_size=20),
    )
    def probe(body: Any, raw: bytes, by: str) -> None:
        res = client.post(f"/api/plans/{second}/confirm", json=body)
        assert res.status_code in (409, 422), res.text
        res = client.post(
            f"/api/plans/{second}/confirm",
            content=raw,
            headers={"Content-Type": "application/json"},
        )
        assert res.status_code in (400, 409, 422), res.text
        res = client.post("/api/jobs", json=body)
        assert res.status_code < 500, res.text
        assert client.get(f"/plans/{second}/timeline", params={"by": by}).status_code == 200

    try:
        probe()
    finally:
        web_jobs._launch = web_jobs_launch  # type: ignore[assignment]
    assert outbox(app) == before
    with transaction(app.state.engine) as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == before
