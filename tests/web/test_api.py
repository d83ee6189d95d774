"""The HTTP API: every endpoint, each permission, CSRF, bad input, audit entries."""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from scheduler.domain import Plan
from scheduler.storage.db import transaction
from scheduler.storage.plans import save_plan
from scheduler.web_services.audit import entries
from tests.web.helpers import login, make_app

DATA = Path(__file__).parents[1] / "data"
PROBLEM = json.loads((DATA / "small.problem.json").read_text())
PLAN = json.loads((DATA / "small.plan.json").read_text())


@pytest.fixture
def app(tmp_path):  # type: ignore[no-untyped-def]
    return make_app(tmp_path)


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    with TestClient(app) as c:
        c.headers["X-CSRF-Token"] = login(c)
        yield c


@pytest.fixture
def loaded(client, app):  # type: ignore[no-untyped-def]
    """The spec example imported, and its plan stored as a draft; the plan id."""
    assert client.post("/api/import", json=PROBLEM).status_code == 200
    with transaction(app.state.engine) as session:
        plan_id = save_plan(
            session, Plan.model_validate(PLAN), kind="import", created_at=app.state.clock()
        )
    return plan_id


def audit_actions(client: TestClient) -> list[str]:
    return [e["action"] for e in client.get("/api/audit").json()]


# --------------------------------------------------------------------------- permissions

PROTECTED_GETS = [
    "/api/session", "/api/cases", "/api/cases/C1", "/api/cases/C1/suggestions", "/api/facilitators",
    "/api/facilitators/F1", "/api/venues", "/api/venues/V1", "/api/plans", "/api/plans/1",
    "/api/jobs/1", "/api/export", "/api/export/plan", "/api/audit", "/api/facilitators/F1/feed-tokens",
]  # fmt: skip
PROTECTED_POSTS = [
    "/api/import", "/api/import/csv", "/api/jobs", "/api/plans/1/confirm", "/api/plans/1/meetings/C1/pin",
    "/api/plans/1/meetings/C1/unpin", "/api/send", "/api/cases/C1/place", "/api/cases/C1/erase",
    "/api/parties/P1/erase", "/api/facilitators/F1/feed-tokens", "/api/feed-tokens/1/revoke",
]  # fmt: skip
PAGES = [
    "/",
    "/facilitators",
    "/venues",
    "/facilitators/F1",
    "/venues/V1",
    "/cases/C1",
    "/audit",
    "/import",
    "/jobs/1",
]


@pytest.mark.parametrize("path", PROTECTED_GETS)
def test_api_get_without_session_is_401(app, path):  # type: ignore[no-untyped-def]
    assert TestClient(app).get(path).status_code == 401


@pytest.mark.parametrize("path", PROTECTED_POSTS)
def test_api_post_without_session_is_401(app, path):  # type: ignore[no-untyped-def]
    assert TestClient(app).post(path, json={}).status_code == 401


@pytest.mark.parametrize("path", PAGES)
def test_pages_without_session_redirect_to_login(app, path):  # type: ignore[no-untyped-def]
    res = TestClient(app).get(path, follow_redirects=False)
    assert res.status_code == 303
    assert res.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("path", PROTECTED_POSTS)
def test_post_without_csrf_is_403(client, loaded, path):  # type: ignore[no-untyped-def]
    res = client.post(path, json={}, headers={"X-CSRF-Token": ""})
    assert res.status_code == 403
    res = client.post(path, json={}, headers={"X-CSRF-Token": "forged"})
    assert res.status_code == 403


def test_session_cookie_flags_and_logout(app):  # type: ignore[no-untyped-def]
    c = TestClient(app)
    csrf = login(c)
    cookie = next(h for h in c.cookies.jar if h.name == "rj_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    res = c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert res.status_code == 303
    assert (
        TestClient(app, cookies={"rj_session": cookie.value}).get("/api/session").status_code == 401
    )


def test_https_cookie_is_secure(app):  # type: ignore[no-untyped-def]
    c = TestClient(app, base_url="https://testserver")
    page = c.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    res = c.post(
        "/login",
        data={
            "email": "coordinator@example.org",
            "password": "a-long-test-password",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert "secure" in res.headers["set-cookie"].lower()
    assert "samesite=lax" in res.headers["set-cookie"].lower()


def test_login_form_without_csrf_is_refused(app):  # type: ignore[no-untyped-def]
    res = TestClient(app).post(
        "/login", data={"email": "coordinator@example.org", "password": "a-long-test-password"}
    )
    assert res.status_code == 403


def test_login_rate_limited_after_five_failures(app):  # type: ignore[no-untyped-def]
    c = TestClient(app)
    for _ in range(5):
        token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        res = c.post(
            "/login",
            data={
                "email": "coordinator@example.org",
                "password": "wrong-password!",
                "csrf_token": token,
            },
        )
        assert res.status_code == 401
    token = c.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    res = c.post(
        "/login",
        data={
            "email": "coordinator@example.org",
            "password": "a-long-test-password",
            "csrf_token": token,
        },
    )
    assert res.status_code == 429
    with transaction(app.state.engine) as session:
        actions = [e.action for e in entries(session)]
    assert actions.count("login_failed") == 6


# --------------------------------------------------------------------------- import and export


def test_import_export_round_trip_and_audit(client):  # type: ignore[no-untyped-def]
    res = client.post("/api/import", json=PROBLEM)
    assert res.status_code == 200
    assert res.json()["counts"]["cases"]["added"] == len(PROBLEM["cases"])
    assert client.get("/api/export").json() == PROBLEM
    assert "import" in audit_actions(client)


def test_broken_document_is_422_with_every_problem_and_writes_nothing(client):  # type: ignore[no-untyped-def]
    bad = copy.deepcopy(PROBLEM)
    bad["cases"][0]["priority"] = 9
    bad["facilitators"][1]["level"] = "expert"
    res = client.post("/api/import", json=bad)
    assert res.status_code == 422
    paths = {i["path"] for i in res.json()["detail"]}
    assert {"cases[0].priority", "facilitators[1].level"} <= paths
    assert client.get("/api/export").status_code == 404


def test_not_json_is_422(client):  # type: ignore[no-untyped-def]
    res = client.post(
        "/api/import", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert res.status_code == 422
    assert "not valid JSON" in res.json()["detail"][0]["reason"]


FAC_CSV = (
    "id,name,email,home_lat,home_lon,level,skills,languages,max_travel_km\n"
    "FX1,Test Person,tp@example.org,52.4,-1.9,advanced,sensitive_complex;youth,en;pa,40\n"
)


def test_csv_import_adds_facilitator(client, loaded):  # type: ignore[no-untyped-def]
    res = client.post("/api/import/csv", files={"facilitators": ("f.csv", FAC_CSV, "text/csv")})
    assert res.status_code == 200, res.text
    fac = client.get("/api/facilitators/FX1").json()
    assert fac["skills"] == ["sensitive_complex", "youth"]
    assert fac["languages"] == ["en", "pa"]


def test_csv_bad_row_names_row_and_column_and_writes_nothing(client, loaded):  # type: ignore[no-untyped-def]
    rows = FAC_CSV + "".join(
        f"FX{i},P {i},p{i}@example.org,52.4,-1.9,advanced,,,40\n" for i in range(2, 6)
    )
    rows += "FX9,Bad,b@example.org,52.4,-1.9,advanced,,,far\n"  # row 7
    res = client.post("/api/import/csv", files={"facilitators": ("f.csv", rows, "text/csv")})
    assert res.status_code == 422
    assert {
        "path": "facilitators.csv, row 7, column max_travel_km",
        "reason": 'must be a number, for example 40 or 52.48 (the cell holds "far")',
        "sheet": "facilitators",
        "row": 7,
        "column": "max_travel_km",
        "value": "far",
    } in res.json()["detail"]
    assert client.get("/api/facilitators/FX1").status_code == 404


def test_csv_semantic_error_is_mapped_to_row_and_column(client, loaded):  # type: ignore[no-untyped-def]
    rows = "id,name,email,home_lat,home_lon,level\nFX1,A,a@example.org,52.4,-1.9,wizard\n"
    res = client.post("/api/import/csv", files={"facilitators": ("f.csv", rows, "text/csv")})
    assert res.status_code == 422
    assert res.json()["detail"][0]["path"] == "facilitators.csv, row 2, column level"


def test_csv_cases_and_parties(client, loaded):  # type: ignore[no-untyped-def]
    cases = "id,reference,offence,risk,duration_minutes,facilitators_required\nCX1,RJ-X-1,theft,low,90,1\n"
    parties = (
        "case,id,role,name,email,consent,home_lat,home_lon\n"
        "CX1,PX1,victim,Vic Tim,v@example.org,true,52.45,-1.9\n"
        "CX1,PX2,offender,Off Ender,,yes,52.5,-1.8\n"
    )
    res = client.post(
        "/api/import/csv",
        files={"cases": ("c.csv", cases, "text/csv"), "parties": ("p.csv", parties, "text/csv")},
    )
    assert res.status_code == 200, res.text
    case = client.get("/api/cases/CX1").json()["case"]
    assert [p["id"] for p in case["parties"]] == ["PX1", "PX2"]


def test_export_plan(client, loaded):  # type: ignore[no-untyped-def]
    assert client.get("/api/export/plan").json() == PLAN
    assert client.get(f"/api/plans/{loaded}").json() == PLAN
    assert client.get("/api/plans").json()[0]["id"] == loaded
    assert client.get("/api/plans/999").status_code == 404


# --------------------------------------------------------------------------- reading


def test_lists_and_views(client, loaded):  # type: ignore[no-untyped-def]
    cases = client.get("/api/cases").json()
    assert len(cases) == len(PROBLEM["cases"])
    unscheduled = [c for c in cases if c["state"] == "unscheduled"]
    assert all(c["reasons"] for c in unscheduled)
    assert "name" not in json.dumps(cases)  # the list holds no personal data
    assert len(client.get("/api/facilitators").json()) == len(PROBLEM["facilitators"])
    assert len(client.get("/api/venues").json()) == len(PROBLEM["venues"])
    assert client.get("/api/venues/V1").json()["id"] == "V1"
    assert client.get("/api/venues/NOPE").status_code == 404
    assert client.get("/api/cases/NOPE").status_code == 404
    detail = client.get("/api/cases/C1").json()
    assert detail["case"]["parties"]
    entry = client.get("/api/audit").json()[0]
    assert entry["action"] == "view_case"
    assert entry["target"] == "case:C1"


def test_pages_render(client, loaded):  # type: ignore[no-untyped-def]
    for path in PAGES[:-1]:
        res = client.get(path)
        assert res.status_code == 200, path
        assert "<main" in res.text


# --------------------------------------------------------------------------- plans and mail


def test_confirm_pin_unpin_send(client, loaded, tmp_path):  # type: ignore[no-untyped-def]
    res = client.post(f"/api/plans/{loaded}/confirm")
    assert res.status_code == 200
    assert res.json()["queued"] > 0
    case = PLAN["meetings"][0]["case"]
    res = client.post(f"/api/plans/{loaded}/meetings/{case}/pin")
    assert res.json()["status"] == "pinned"
    meeting = next(
        m for m in client.get(f"/api/plans/{loaded}").json()["meetings"] if m["case"] == case
    )
    assert meeting["status"] == "pinned"
    assert client.post(f"/api/plans/{loaded}/meetings/{case}/unpin").json()["status"] == "confirmed"
    assert client.post(f"/api/plans/{loaded}/meetings/NOPE/pin").status_code == 404
    sent = client.post("/api/send").json()["sent"]
    assert sent > 0
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == sent
    assert client.post("/api/send").json()["sent"] == 0
    assert {"confirm", "pin", "unpin", "send"} <= set(audit_actions(client))


def test_pin_needs_a_confirmed_plan(client, loaded):  # type: ignore[no-untyped-def]
    case = PLAN["meetings"][0]["case"]
    assert client.post(f"/api/plans/{loaded}/meetings/{case}/pin").status_code == 409


def test_job_runs_an_allocation(client, loaded):  # type: ignore[no-untyped-def]
    job = client.post("/api/jobs", json={"time_limit": 3}).json()
    for _ in range(200):
        job = client.get(f"/api/jobs/{job['id']}").json()
        if job["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert job["progress"] == 100
    plan = client.get(f"/api/plans/{job['plan_id']}").json()
    assert len(plan["meetings"]) + len(plan["unscheduled"]) == len(PROBLEM["cases"])
    assert client.get("/api/jobs/999").status_code == 404


def test_suggestions_and_place(client, loaded):  # type: ignore[no-untyped-def]
    case = PLAN["unscheduled"][0]["case"]
    res = client.get(f"/api/cases/{case}/suggestions?k=3")
    assert res.status_code in (200, 501)
    if res.status_code == 200 and res.json():
        placed = client.post(f"/api/cases/{case}/place", json={"index": 0})
        assert placed.status_code == 200
        plan = client.get(f"/api/plans/{placed.json()['plan_id']}").json()
        assert case in {m["case"] for m in plan["meetings"]}
        assert "place" in audit_actions(client)
    # A meeting that breaks the rules is refused, whatever the engine says.
    bad = {**PLAN["meetings"][0], "case": case}
    assert client.post(f"/api/cases/{case}/place", json={"meeting": bad}).status_code == 409


# --------------------------------------------------------------------------- feeds


def test_feed_shows_only_its_facilitators_confirmed_meetings(client, loaded):  # type: ignore[no-untyped-def]
    client.post(f"/api/plans/{loaded}/confirm")
    lead = PLAN["meetings"][0]["lead"]
    token = client.post(f"/api/facilitators/{lead}/feed-tokens").json()
    feed = TestClient(client.app).get(token["url"].replace("http://testserver", ""))
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(feed.content)
    assert "METHOD" not in cal
    events = list(cal.walk("VEVENT"))
    mine = [m for m in PLAN["meetings"] if lead in [m["lead"], *m.get("co_facilitators", [])]]
    assert len(events) == len(mine)
    refs = {c["reference"] for c in PROBLEM["cases"] if c["id"] in {m["case"] for m in mine}}
    assert {str(e["SUMMARY"]).split()[2] for e in events} == refs
    names = [p["name"] for c in PROBLEM["cases"] for p in c["parties"]]
    assert not any(n in feed.text for n in names)
    # Revoked: a bare 404.
    client.post(f"/api/feed-tokens/{token['id']}/revoke")
    gone = TestClient(client.app).get(token["url"].replace("http://testserver", ""))
    assert gone.status_code == 404
    assert gone.content == b""
    assert TestClient(client.app).get("/feeds/made-up-token.ics").status_code == 404
    listed = client.get(f"/api/facilitators/{lead}/feed-tokens").json()
    assert listed[0]["revoked_at"]
    assert listed[0]["url"] is None
    assert {"feed_token_created", "feed_token_revoked"} <= set(audit_actions(client))


# --------------------------------------------------------------------------- erasure


def test_erase_party_cancels_and_blanks(client, loaded, tmp_path):  # type: ignore[no-untyped-def]
    client.post(f"/api/plans/{loaded}/confirm")
    client.post("/api/send")
    meeting = PLAN["meetings"][0]
    case = next(c for c in PROBLEM["cases"] if c["id"] == meeting["case"])
    victim = next(p for p in case["parties"] if p["role"] == "victim")
    res = client.post(f"/api/parties/{victim['id']}/erase")
    assert res.status_code == 200, res.text
    assert meeting["case"] in res.json()["cancelled_meetings"]
    exported = json.dumps(client.get("/api/export").json())
    assert [n for c in PROBLEM["cases"] for p in c["parties"] for n in [p["name"]]].count(
        victim["name"]
    ) > 1 or victim["name"] not in exported
    assert '"name": "[erased]"' in exported
    if victim.get("email"):
        assert victim["email"] not in exported
    sent = client.post("/api/send").json()["sent"]
    assert sent > 0  # the cancellations
    cancels = [p for p in (tmp_path / "outbox").glob("*.eml") if 'method="CANCEL"' in p.read_text()]
    assert cancels
    assert client.get(f"/api/cases/{case['id']}").json()["state"] == "unscheduled"
    assert "erase_party" in audit_actions(client)


def test_erase_case_removes_it(client, loaded):  # type: ignore[no-untyped-def]
    client.post(f"/api/plans/{loaded}/confirm")
    case = PLAN["meetings"][1]["case"]
    # Names that only this case's parties have (synthetic names repeat across cases).
    everyone = [p["name"] for c in PROBLEM["cases"] for p in c["parties"]]
    names = [
        p["name"]
        for c in PROBLEM["cases"]
        if c["id"] == case
        for p in c["parties"]
        if everyone.count(p["name"]) == 1
    ]
    assert names
    assert client.post(f"/api/cases/{case}/erase").status_code == 200
    assert client.get(f"/api/cases/{case}").status_code == 404
    exported = json.dumps(client.get("/api/export").json())
    assert not any(n in exported for n in names)
    assert client.post("/api/cases/NOPE/erase").status_code == 404
    entry = client.get("/api/audit?action=erase_case").json()[0]
    assert entry["target"] == f"case:{case}"
    assert not any(n in json.dumps(entry) for n in names)


def test_openapi_lists_the_api(client):  # type: ignore[no-untyped-def]
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/import",
        "/api/jobs",
        "/api/jobs/{job_id}",
        "/api/cases/{case_id}/suggestions",
        "/feeds/{token}.ics",
    ):
        assert path in spec["paths"], path
    assert "JobOut" in spec["components"]["schemas"]
