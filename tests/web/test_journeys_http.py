"""Case journeys over HTTP, on SQLite and PostgreSQL: the JSON import and export carry
every journeys key, the CSV sessions sheet is read cell by cell, and a refusal lists
every problem at once and writes nothing."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.domain import Plan
from scheduler.formats import load_problem
from scheduler.storage.db import transaction
from scheduler.storage.plans import save_plan
from scheduler.web_services.csv_import import CellIssue, SheetError, merge_sheets
from tests.web.helpers import login, make_app

DATA = Path(__file__).parents[1] / "data"
PROBLEM = json.loads((DATA / "journeys.problem.json").read_text())
PLAN = json.loads((DATA / "journeys.plan.json").read_text())
T0 = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)
SESSIONS_HEAD = "case,id,party,modes,duration_minutes,team,after\n"


@pytest.fixture
def client(tmp_path: Path, migrated_db_url: str):  # type: ignore[no-untyped-def]
    app = make_app(tmp_path, database_url=migrated_db_url)
    with TestClient(app) as c:
        c.headers["X-CSRF-Token"] = login(c)
        c.app_engine = app.state.engine  # type: ignore[attr-defined]
        yield c


def _problem() -> dict[str, Any]:
    doc = copy.deepcopy(PROBLEM)
    doc["policy"] = {
        **doc.get("policy", {}),
        "preparation_gap_days": 3,
        "session_margin_minutes": 10,
    }
    doc["policy"]["weights"] = {**doc["policy"].get("weights", {}), "remote_session": 25}
    doc["facilitators"][0]["max_sessions_per_week"] = 4
    doc["cases"][0]["parties"][0]["address"] = "3 Test Row, Birmingham"
    return doc


def _csv(client: TestClient, **sheets: str) -> Any:
    files = {k: (f"{k}.csv", v.encode(), "text/csv") for k, v in sheets.items()}
    return client.post("/api/import/csv", files=files)


def _case(doc: dict[str, Any], case_id: str) -> dict[str, Any]:
    return next(c for c in doc["cases"] if c["id"] == case_id)


def test_json_import_and_export_carry_every_journeys_key(client: TestClient) -> None:
    doc = _problem()
    assert client.post("/api/import", json=doc).status_code == 200
    assert client.get("/api/export").json() == doc
    with transaction(client.app_engine) as session:  # type: ignore[attr-defined]
        plan_id = save_plan(session, Plan.model_validate(PLAN), kind="import", created_at=T0)
    assert client.get("/api/export/plan").json() == PLAN
    assert client.get(f"/api/plans/{plan_id}").json()["sessions"] == PLAN["sessions"]
    detail = client.get("/api/cases/C3").json()
    assert detail["state"] == "scheduled"
    assert [s["session"] for s in detail["sessions"]] == ["C3-P7-1", "C3-P6-1", "C3-P6-2"]


def test_a_bad_journeys_document_is_refused_whole_with_every_problem(client: TestClient) -> None:
    assert client.post("/api/import", json=PROBLEM).status_code == 200
    doc = _problem()
    _case(doc, "C1")["sessions"][1]["modes"] = ["zoom"]  # a shape error (phase one)
    _case(doc, "C2")["sessions"][0]["party"] = "P9"  # another case's party
    c5 = _case(doc, "C5")
    c5["sessions"][2]["after"] = c5["sessions"][2]["id"]
    _case(doc, "C3")["sessions"] = []  # conference false needs a session
    doc["policy"]["preparation_gap_days"] = -1
    res = client.post("/api/import", json=doc)
    assert res.status_code == 422
    paths = {d["path"] for d in res.json()["detail"]}
    assert {
        "cases[0].sessions[1].modes[0]",
        "cases[1].sessions[0].party",
        "cases[4].sessions[2].after",
        "cases[2].sessions",
        "policy.preparation_gap_days",
    } <= paths, paths
    assert client.get("/api/export").json() == PROBLEM  # nothing written


def test_sessions_sheet_sets_a_cases_sessions(client: TestClient) -> None:
    assert client.post("/api/import", json=PROBLEM).status_code == 200
    sheet = SESSIONS_HEAD + "C1,C1-N1,P1,home;video,50,yes,\nC1,C1-N2,P2,venue,40,,C1-N1\n"
    res = _csv(client, sessions=sheet)
    assert res.status_code == 200, res.text
    assert res.json()["rows"] == {"sessions": 2}
    exported = client.get("/api/export").json()
    assert _case(exported, "C1")["sessions"] == [
        {
            "id": "C1-N1",
            "party": "P1",
            "modes": ["home", "video"],
            "duration_minutes": 50,
            "team": True,
        },
        {
            "id": "C1-N2",
            "party": "P2",
            "modes": ["venue"],
            "duration_minutes": 40,
            "after": "C1-N1",
        },
    ]
    assert _case(exported, "C2")["sessions"] == _case(PROBLEM, "C2")["sessions"]  # untouched


def test_a_cases_sheet_alone_keeps_sessions_and_reads_conference_and_address(
    client: TestClient,
) -> None:
    assert client.post("/api/import", json=PROBLEM).status_code == 200
    c3 = _case(PROBLEM, "C3")
    cases = (
        "id,reference,offence,risk,duration_minutes,conference\n"
        f"C3,{c3['reference']},{c3['offence']},{c3['risk']},{c3['duration_minutes']},no\n"
    )
    OAK = '"1 Oak Close, Birmingham"'  # quoted: the address holds a comma
    parties = "case,id,role,name,email,consent,home_lat,home_lon,address,supports,relationship\n"
    parties += "".join(
        f"C3,{p['id']},{p['role']},{p['name']},{p['email']},true,{p['home']['lat']},"
        f"{p['home']['lon']},{OAK if p['id'] == 'P6' else ''},"
        f"{p.get('supports', '')},{p.get('relationship', '')}\n"
        for p in c3["parties"]
    )
    res = _csv(client, cases=cases, parties=parties)
    assert res.status_code == 200, res.text
    after = _case(client.get("/api/export").json(), "C3")
    assert after["conference"] is False
    assert after["sessions"] == c3["sessions"]
    assert (
        next(p for p in after["parties"] if p["id"] == "P6")["address"] == "1 Oak Close, Birmingham"
    )


def test_a_bad_sessions_sheet_names_each_cell_and_writes_nothing(client: TestClient) -> None:
    assert client.post("/api/import", json=PROBLEM).status_code == 200
    sheet = SESSIONS_HEAD + (
        "C1,C1-N1,P9,venue,60,,\n"  # P9 is in case C4
        "C5,C5-N2,P12,zoom,0,maybe,\n"  # shape errors: case C5 is checked no further
        "C99,S9,P1,venue,30,,\n"
        "C2,C1-N1,P3,venue,30,,\n"  # the same id twice
        "C2,C2-N3,P3,venue,30,,C2-NONE\n"
        "C2,C3-P6-1,P3,venue,30,,\n"  # an id case C3 uses
    )
    res = _csv(client, sessions=sheet)
    assert res.status_code == 422
    found = {(d["sheet"], d["row"], d["column"]): d for d in res.json()["detail"]}
    assert found["sessions", 2, "party"]["value"] == "P9"
    assert found["sessions", 3, "modes"]["value"] == "zoom"
    assert found["sessions", 3, "duration_minutes"]["value"] == "0"
    assert found["sessions", 3, "team"]["value"] == "maybe"
    assert found["sessions", 4, "case"]["value"] == "C99"
    assert found["sessions", 5, "id"]["value"] == "C1-N1"
    assert found["sessions", 6, "after"]["value"] == "C2-NONE"
    assert "session of case 'C3'" in found["sessions", 7, "id"]["reason"]
    assert all(d["path"].startswith("sessions.csv, row ") for d in res.json()["detail"])
    assert client.get("/api/export").json() == PROBLEM  # nothing written


def test_the_sessions_template_and_guide(client: TestClient) -> None:
    res = client.get("/import/templates/sessions.csv")
    assert res.status_code == 200
    assert res.text.strip() == SESSIONS_HEAD.strip()
    page = client.get("/import", headers={"Accept": "text/html"}).text
    assert 'href="/import/templates/sessions.csv"' in page
    assert "<code>after</code>" in page


def test_a_facilitators_feed_lists_their_sessions_too(client: TestClient) -> None:
    from icalendar import Calendar

    assert client.post("/api/import", json=PROBLEM).status_code == 200
    with transaction(client.app_engine) as session:  # type: ignore[attr-defined]
        plan_id = save_plan(session, Plan.model_validate(PLAN), kind="import", created_at=T0)
    confirmed = client.post(f"/api/plans/{plan_id}/confirm")
    assert confirmed.status_code == 200, confirmed.text
    token = client.post("/api/facilitators/F8/feed-tokens").json()
    feed = TestClient(client.app).get(token["url"].replace("http://testserver", ""))
    assert feed.status_code == 200
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    meetings = [m for m in PLAN["meetings"] if "F8" in [m["lead"], *m.get("co_facilitators", [])]]
    sessions = [s for s in PLAN["sessions"] if "F8" in s["facilitators"]]
    assert len(events) == len(meetings) + len(sessions)
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert sum("home visit" in str(e["SUMMARY"]) for e in events) == sum(
        s["mode"] == "home" for s in sessions
    )
    names = [p["name"] for c in PROBLEM["cases"] for p in c["parties"]]
    assert not any(n in feed.text for n in names)


# --------------------------------------------------------------------------- generated

_IDS = [c["id"] for c in PROBLEM["cases"]] + [
    p["id"] for c in PROBLEM["cases"] for p in c["parties"]
]
_SESSION_IDS = [s["id"] for c in PROBLEM["cases"] for s in c.get("sessions", [])]
_CELL = st.one_of(
    st.sampled_from([*_IDS, *_SESSION_IDS, "venue", "home;video", "zoom", "60", "0", "yes", ""]),
    st.text(max_size=8),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_CELL, min_size=7, max_size=7), max_size=6))
def test_generated_sessions_sheets_are_refused_at_cells_or_give_a_valid_problem(
    rows: list[list[str]],
) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SESSIONS_HEAD.strip().split(","))
    writer.writerows(rows)
    issues: list[CellIssue] = []
    try:
        doc, _ = merge_sheets(PROBLEM, {"sessions": out.getvalue()})
    except SheetError as err:
        issues = err.issues
    if not issues:
        load_problem(doc)  # what merges is a valid document
    for issue in issues:
        assert issue.reason
        assert issue.sheet in (None, "sessions")


EARLY = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)  # before the app's clock: the draft placed is newer


def _plan_without(case_id: str) -> dict[str, Any]:
    doc = copy.deepcopy(PLAN)
    doc["meetings"] = [m for m in doc["meetings"] if m["case"] != case_id]
    doc["sessions"] = [s for s in doc["sessions"] if s["case"] != case_id]
    doc["unscheduled"].append(
        {"case": case_id, "reasons": [{"code": "CAPACITY", "message": "taken out by hand"}]}
    )
    return doc


@pytest.mark.parametrize("case_id", ["C1", "C3"])  # with a conference, and without one
def test_suggestions_are_whole_journeys_and_placing_one_saves_a_valid_draft(
    client: TestClient, case_id: str
) -> None:
    from scheduler.verify import verify

    assert client.post("/api/import", json=PROBLEM).status_code == 200
    with transaction(client.app_engine) as session:  # type: ignore[attr-defined]
        save_plan(
            session, Plan.model_validate(_plan_without(case_id)), kind="import", created_at=EARLY
        )
    got = client.get(f"/api/cases/{case_id}/suggestions?k=3")
    assert got.status_code == 200, got.text
    options = got.json()
    assert options
    case = _case(PROBLEM, case_id)
    wanted = {s["id"] for s in case["sessions"]}
    for o in options:
        assert {s["session"] for s in o["sessions"]} == wanted
        assert (o["meeting"] is not None) == case.get("conference", True)
        assert all(s["facilitators"][0] == o["lead"] for s in o["sessions"])
        assert o["start"] <= min(s["start"] for s in o["sessions"])
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert "Place this journey" in page.text
    placed = client.post(f"/api/cases/{case_id}/place", json={"index": 0})
    assert placed.status_code == 200, placed.text
    plan = client.get(f"/api/plans/{placed.json()['plan_id']}").json()
    assert {s["session"] for s in plan["sessions"] if s["case"] == case_id} == wanted
    assert case_id not in {u["case"] for u in plan["unscheduled"]}
    problem = load_problem(PROBLEM)
    broken = [
        v
        for v in verify(problem, Plan.model_validate(plan))
        if isinstance(v.rule, int) or str(v.rule).startswith("S")
    ]
    assert broken == []
    again = client.post(f"/api/cases/{case_id}/place", json={"index": 0})
    assert again.status_code == 409  # already scheduled


def test_a_conference_without_its_sessions_is_refused(client: TestClient) -> None:
    # S1: a case is placed whole or not at all; the conference alone breaks it.
    assert client.post("/api/import", json=PROBLEM).status_code == 200
    with transaction(client.app_engine) as session:  # type: ignore[attr-defined]
        save_plan(session, Plan.model_validate(_plan_without("C1")), kind="import", created_at=T0)
    meeting = next(m for m in PLAN["meetings"] if m["case"] == "C1")
    got = client.post("/api/cases/C1/place", json={"meeting": meeting})
    assert got.status_code == 409, got.text
    assert "S1" in got.text
    bad = client.post("/api/cases/C1/place", json={"sessions": [{"case": "C1"}]})
    assert bad.status_code == 422
    assert "sessions[0]" in bad.text
