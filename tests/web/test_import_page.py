"""A refused import from the HTML form: the import page again, listing each problem."""

from __future__ import annotations

import copy
import html
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import login, make_app

DATA = Path(__file__).parents[1] / "data"
PROBLEM = json.loads((DATA / "small.problem.json").read_text())
PAGE = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}  # what a browser sends


@pytest.fixture
def client(tmp_path):  # type: ignore[no-untyped-def]
    with TestClient(make_app(tmp_path)) as c:
        token = login(c)
        c.csrf = token  # type: ignore[attr-defined]
        yield c


def _form(client: TestClient, files: dict, url: str = "/api/import", headers: dict | None = None):  # type: ignore[no-untyped-def]
    data = {"csrf_token": client.csrf, "next": "/"}  # type: ignore[attr-defined]
    return client.post(url, data=data, files=files, headers=headers or PAGE, follow_redirects=False)


def _items(page: str) -> list[str]:
    block = re.search(r'<ul id="issues">(.*?)</ul>', page, re.S)
    assert block, page
    return [
        html.unescape(re.sub(r"<[^>]+>", "", li))
        for li in re.findall(r"<li>(.*?)</li>", block.group(1))
    ]


def test_bad_document_shows_each_problem_on_the_import_page(client):  # type: ignore[no-untyped-def]
    bad = copy.deepcopy(PROBLEM)
    bad["cases"][0]["priority"] = "high"
    del bad["facilitators"][1]["name"]
    res = _form(client, {"file": ("p.json", json.dumps(bad), "application/json")})
    assert res.status_code == 422
    assert res.headers["content-type"].startswith("text/html")
    assert "The document was not imported: 2 problem(s)" in res.text
    items = _items(res.text)
    assert any(i.startswith("cases[0].priority: ") for i in items), items
    assert any(i.startswith("facilitators[1].name: ") for i in items), items
    assert 'action="/api/import"' in res.text  # still the import page, form and all
    assert client.get("/api/export").status_code == 404  # nothing written


def test_unreadable_file_is_one_readable_problem(client):  # type: ignore[no-untyped-def]
    res = _form(client, {"file": ("p.json", b"{not json", "application/json")})
    assert res.status_code == 422
    assert len(_items(res.text)) >= 1
    assert "not imported" in res.text


def test_bad_csv_row_names_sheet_row_and_column_on_the_page(client):  # type: ignore[no-untyped-def]
    assert (
        client.post("/api/import", json=PROBLEM, headers={"X-CSRF-Token": client.csrf}).status_code
        == 200
    )  # type: ignore[attr-defined]
    rows = (
        "id,name,email,home_lat,home_lon,level,skills,languages,max_travel_km\n"
        "FX1,Test Person,tp@example.org,52.4,-1.9,advanced,,,far\n"
    )
    res = _form(client, {"facilitators": ("f.csv", rows, "text/csv")}, url="/api/import/csv")
    assert res.status_code == 422
    assert "The CSV sheets were not imported" in res.text
    assert (
        "facilitators.csv, row 2, column max_travel_km: must be a number, for example 40 or 52.48"
        ' (the cell holds "far")'
    ) in _items(res.text)


def test_api_multipart_clients_still_get_json(client):  # type: ignore[no-untyped-def]
    res = _form(
        client,
        {"file": ("p.json", b"{}", "application/json")},
        headers={"Accept": "application/json"},
    )
    assert res.status_code == 422
    assert res.json()["detail"][0].keys() == {"path", "reason"}


def test_good_document_from_the_form_goes_to_the_dashboard(client):  # type: ignore[no-untyped-def]
    res = _form(client, {"file": ("p.json", json.dumps(PROBLEM), "application/json")})
    assert res.status_code == 303
    assert res.headers["location"] == "/"
