"""The issue's bad inputs, one by one: each gets a clear 4xx naming what is wrong, never a 500."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import login, make_app

DATA = Path(__file__).parents[1] / "data"
PROBLEM = json.loads((DATA / "small.problem.json").read_text())
HUGE = str(2**64)


@pytest.fixture
def client(tmp_path):  # type: ignore[no-untyped-def]
    with TestClient(make_app(tmp_path)) as c:
        c.headers["X-CSRF-Token"] = login(c)
        assert c.post("/api/import", json=PROBLEM).status_code == 200
        yield c


def test_deeply_nested_json_on_import(client: TestClient) -> None:
    res = client.post(
        "/api/import", content="[" * 100_000, headers={"Content-Type": "application/json"}
    )
    assert res.status_code == 422
    assert "nested" in res.text


@pytest.mark.parametrize(
    "path",
    [
        f"/api/plans/{HUGE}", f"/api/jobs/{HUGE}", f"/jobs/{HUGE}", "/api/plans/0",
        f"/api/audit?before_id={HUGE}", f"/api/cases/{'C' * 500}", "/api/plans?limit=-1",
    ],
)  # fmt: skip
def test_ids_out_of_range_are_422_or_404(client: TestClient, path: str) -> None:
    assert client.get(path).status_code in (404, 422)


@pytest.mark.parametrize("path", [f"/api/plans/{HUGE}/confirm", f"/api/feed-tokens/{HUGE}/revoke"])
def test_posts_with_huge_ids_are_422(client: TestClient, path: str) -> None:
    assert client.post(path).status_code == 422


@pytest.mark.parametrize("week", ["9999-12-31", "0001-01-01", "2026-02-30", "x" * 50])
def test_timeline_weeks_out_of_range_are_422(client: TestClient, week: str) -> None:
    for page in ("/facilitators/F1", "/venues/V1"):
        res = client.get(page, params={"week": week})
        assert res.status_code == 422, (page, week, res.status_code)


@pytest.mark.parametrize(
    "body",
    [{"time_limit": -1}, {"time_limit": 1e9}, {"time_limit": "abc"}, {"kind": "nope"}, {"x": 1}],
)
def test_job_parameters_are_checked(client: TestClient, body: dict) -> None:  # type: ignore[type-arg]
    res = client.post("/api/jobs", json=body)
    assert res.status_code == 422
    assert res.json()["detail"][0]["path"] in ("time_limit", "kind", "x")


def test_job_form_with_bad_time_limit_is_422(client: TestClient) -> None:
    res = client.post("/api/jobs", data={"kind": "allocate", "time_limit": "abc"})
    assert res.status_code == 422


def test_job_body_that_is_not_json_is_422(client: TestClient) -> None:
    res = client.post("/api/jobs", content="{", headers={"Content-Type": "application/json"})
    assert res.status_code == 422


@pytest.mark.parametrize("index", ["abc", "1e400", "-1"])
def test_place_with_a_bad_index_is_422(client: TestClient, index: str) -> None:
    res = client.post("/api/cases/C1/place", data={"index": index})
    assert res.status_code == 422
    assert "index" in res.text


def test_a_long_csv_cell_names_its_sheet_and_row(client: TestClient) -> None:
    sheet = "id,name,email,level\nF99," + "x" * 140_000 + ",f@example.org,intermediate\n"
    res = client.post("/api/import/csv", files={"facilitators": ("f.csv", sheet, "text/csv")})
    assert res.status_code == 422
    assert res.headers["content-type"].startswith("application/json")  # no redirect for the API
    assert "131,072" in res.text


def test_duplicate_ids_in_one_csv_sheet_are_refused(client: TestClient) -> None:
    sheet = "id,name,email,level\nF98,A B,a@example.org,intermediate\nF98,C D,c@example.org,intermediate\n"
    res = client.post("/api/import/csv", files={"facilitators": ("f.csv", sheet, "text/csv")})
    assert res.status_code == 422
    issues = [i for i in res.json()["detail"] if i.get("column") == "id"]
    assert issues, res.json()
    assert issues[0]["sheet"] == "facilitators"
    assert issues[0]["row"] == 3
    assert "row 2" in issues[0]["reason"]
