"""CSV import: every problem of every sheet at once, each at its cell with the value given.

The merge is tested directly (it is pure: stored document + sheets → document or
`SheetError`), with hand-made sheets and generated hostile ones; the HTTP route is
tested for its JSON answers, the templates and the column guide on the import page.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.web_services.csv_columns import SHEETS, markdown_guide, template
from scheduler.web_services.csv_import import CellIssue, SheetError, merge_sheets
from tests.web.helpers import login, make_app

ROOT = Path(__file__).parents[2]
BASE = json.loads((ROOT / "tests" / "data" / "small.problem.json").read_text())
FAC_HEAD = "id,name,email,home_lat,home_lon,level,max_travel_km\n"
GOOD_FAC = "FX1,Test Person,tp@example.org,52.4,-1.9,advanced,40\n"
CASES = "id,reference,offence,risk,duration_minutes,facilitators_required,earliest\n"
PARTIES = "case,id,role,name,consent,home_lat,home_lon\n"
GOOD_PARTIES = "CX1,PX1,victim,Vic Tim,true,52.45,-1.9\nCX1,PX2,offender,Off Ender,yes,52.5,-1.8\n"


def issues_of(sheets: dict[str, str]) -> list[CellIssue]:
    with pytest.raises(SheetError) as err:
        merge_sheets(BASE, sheets)
    return err.value.issues


def at(issues: list[CellIssue], sheet: str, row: int | None, column: str | None) -> CellIssue:
    found = [i for i in issues if (i.sheet, i.row, i.column) == (sheet, row, column)]
    assert found, [str(i) for i in issues]
    return found[0]


# --------------------------------------------------------------------------- hand-made


def test_good_sheets_merge():
    doc, listed = merge_sheets(
        BASE,
        {"facilitators": FAC_HEAD + GOOD_FAC, "cases": CASES + "CX1,RJ-X-1,theft,low,90,1,\n",
         "parties": PARTIES + GOOD_PARTIES},
    )  # fmt: skip
    assert [f["id"] for f in listed["facilitators"]] == ["FX1"]
    case = next(c for c in doc["cases"] if c["id"] == "CX1")
    assert [p["id"] for p in case["parties"]] == ["PX1", "PX2"]


def test_every_problem_of_every_sheet_in_one_answer():
    facilitators = FAC_HEAD + "FX1,A,a@example.org,52.4,-1.9,wizard,far\n"
    cases = CASES + "CX1,RJ-X-1,theft,low,ninety,1,2027-02-30\n"
    parties = PARTIES + "CX1,PX1,victim,Vic,maybe,52.45,-1.9\nCX1,PX2,offender,Off,yes,52.5,-1.8\n"
    venues = "id,name,rooms\nVX1,Hall,R1:big\n"
    issues = issues_of(
        {"facilitators": facilitators, "cases": cases, "parties": parties, "venues": venues}
    )
    assert at(issues, "facilitators", 2, "max_travel_km").value == "far"
    level = at(issues, "facilitators", 2, "level")
    assert level.value == "wizard"
    assert "must be one of" in level.reason
    assert at(issues, "cases", 2, "duration_minutes").value == "ninety"
    assert at(issues, "parties", 2, "consent").value == "maybe"
    assert at(issues, "venues", 2, "rooms").value == "R1:big"
    assert {i.sheet for i in issues} == {"facilitators", "cases", "parties", "venues"}


def test_an_impossible_date_is_named_as_such():
    issues = issues_of(
        {
            "cases": CASES + "CX1,RJ-X-1,theft,low,90,1,2027-02-30\n",
            "parties": PARTIES + GOOD_PARTIES,
        }
    )
    date = at(issues, "cases", 2, "earliest")
    assert date.problem.startswith("30 February 2027 is not a real date")
    assert "2027-02-28" in date.problem  # what to enter instead
    assert '(the cell holds "2027-02-30")' in str(date)
    month = at(
        issues_of({"cases": CASES + "CX1,R,theft,low,90,1,2027-13-01\n"}), "cases", 2, "earliest"
    )
    assert "no month 13" in month.problem


def test_a_date_in_another_shape_says_how_to_write_it():
    issue = at(
        issues_of({"cases": CASES + "CX1,R,theft,low,90,1,04/03/2027\n"}), "cases", 2, "earliest"
    )
    assert "YYYY-MM-DD" in issue.problem
    assert issue.value == "04/03/2027"


def test_duplicate_id_in_one_sheet_names_both_rows():
    rows = FAC_HEAD + GOOD_FAC + "FX2,B,b@example.org,52.4,-1.9,advanced,40\n" + GOOD_FAC
    issue = at(issues_of({"facilitators": rows}), "facilitators", 4, "id")
    assert "row 2" in issue.problem
    assert issue.value == "FX1"


def test_a_cell_over_the_limit_is_refused_and_the_rest_is_still_read():
    rows = FAC_HEAD + "FX1," + "x" * 131_073 + ",a@example.org,52.4,-1.9,advanced,40\n"
    rows += "FX2,B,b@example.org,52.4,-1.9,advanced,far\n"
    issues = issues_of({"facilitators": rows})
    assert "131,072 characters" in at(issues, "facilitators", 2, None).problem
    assert at(issues, "facilitators", 3, "max_travel_km").value == "far"


@pytest.mark.parametrize("char", ["\n", "\r", "\x00", "\x1b", "\u2028", "\x7f"])
def test_control_characters_are_refused_naming_the_cell(char):
    out = io.StringIO()
    csv.writer(out).writerows(
        [
            FAC_HEAD.strip().split(","),
            ["FX1", f"Test{char}Person", "t@example.org", "52.4", "-1.9", "advanced", "40"],
        ]
    )
    issue = at(issues_of({"facilitators": out.getvalue()}), "facilitators", 2, "name")
    assert issue.problem.startswith("contains ")
    assert "one line of ordinary text" in issue.problem


def test_json_cells_may_hold_line_breaks():
    avail = '{\n "weekly": [{"days": ["mon"], "from": "09:00", "to": "17:00"}]\n}'
    out = io.StringIO()
    csv.writer(out).writerows(
        [[*FAC_HEAD.strip().split(","), "availability"], [*GOOD_FAC.strip().split(","), avail]]
    )
    doc, _ = merge_sheets(BASE, {"facilitators": out.getvalue()})
    assert next(f for f in doc["facilitators"] if f["id"] == "FX1")["availability"]["weekly"]


def test_header_problems_are_listed_and_rows_still_read():
    rows = (
        "id,name,colour,email,home_lat,home_lon,level\nFX1,A,red,a@example.org,52.4,-1.9,wizard\n"
    )
    issues = issues_of({"facilitators": rows})
    assert "not a known column" in at(issues, "facilitators", 1, "colour").problem
    assert at(issues, "facilitators", 2, "level").value == "wizard"


def test_missing_required_column_and_empty_required_cell():
    assert "required column" in at(issues_of({"venues": "name\nHall\n"}), "venues", 1, "id").problem
    issue = at(
        issues_of({"facilitators": FAC_HEAD + ",A,a@example.org,52.4,-1.9,advanced,40\n"}),
        "facilitators",
        2,
        "id",
    )
    assert issue.problem == "must not be empty"


def test_blank_rows_are_skipped():
    doc, listed = merge_sheets(BASE, {"facilitators": FAC_HEAD + ",,,,,,\n\n" + GOOD_FAC})
    assert [f["id"] for f in listed["facilitators"]] == ["FX1"]


def test_party_of_an_unknown_case_and_parties_without_cases():
    issues = issues_of(
        {
            "cases": CASES + "CX1,R,theft,low,90,1,\n",
            "parties": PARTIES + GOOD_PARTIES + "CZZ,PX3,victim,V,true,52,-1.9\n",
        }
    )
    assert at(issues, "parties", 4, "case").value == "CZZ"
    alone = issues_of({"parties": PARTIES + GOOD_PARTIES})
    assert "needs the cases sheet" in at(alone, "parties", None, None).problem


def test_unknown_sheet_is_named():
    issues = issues_of({"rooms": "id\nR1\n", "facilitators": FAC_HEAD + GOOD_FAC})
    assert any("'rooms' is not a sheet" in i.problem for i in issues)


# --------------------------------------------------------------------------- generated

CELL = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["", "1e400", "nan", "-1", "2027-02-30", "0000-01-01", "[[[[[[", '"', "true", "R1:0", "{}"]
    ),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)


@st.composite
def hostile_sheet(draw, sheet: str) -> str:  # type: ignore[no-untyped-def]
    names = [c.name for c in SHEETS[sheet]]
    header = draw(st.lists(st.sampled_from([*names, "bogus", ""]), min_size=0, max_size=8))
    if draw(st.booleans()):
        header = (
            ["id", *header] if sheet not in ("parties", "sessions") else ["case", "id", *header]
        )
    rows = draw(st.lists(st.lists(CELL, max_size=len(header) + 2), max_size=5))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    if draw(st.booleans()):  # raw damage: quotes, NULs, stray line ends
        at_ = draw(st.integers(0, len(text)))
        text = text[:at_] + draw(st.sampled_from(['"', "\x00", "\r", '\n"', ",,,"])) + text[at_:]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["facilitators", "venues", "cases", "parties", "sessions"]),
        st.just(None),
        min_size=1,
    ).flatmap(lambda d: st.fixed_dictionaries({k: hostile_sheet(k) for k in d}))
)
def test_hostile_sheets_give_a_list_of_located_problems_or_a_valid_document(sheets):
    try:
        merge_sheets(BASE, sheets)
        issues: list[CellIssue] = []
    except SheetError as err:
        issues = err.issues
        assert issues
    for issue in issues:
        assert issue.reason
        assert str(issue)
        if issue.sheet is not None:
            assert issue.sheet in sheets
        assert issue.value is None or isinstance(issue.value, str)


# --------------------------------------------------------------------------- HTTP

PAGE = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def client(tmp_path):  # type: ignore[no-untyped-def]
    with TestClient(make_app(tmp_path)) as c:
        c.headers["X-CSRF-Token"] = login(c)
        assert c.post("/api/import", json=BASE).status_code == 200
        yield c


def test_api_client_gets_json_not_a_redirect(client):  # type: ignore[no-untyped-def]
    res = client.post(
        "/api/import/csv",
        files={"facilitators": ("f.csv", FAC_HEAD + GOOD_FAC, "text/csv")},
        headers={"Accept": "application/json"},
        follow_redirects=False,
    )
    assert res.status_code == 200, res.text
    assert res.json()["rows"] == {"facilitators": 1}


def test_api_errors_carry_sheet_row_column_and_value(client):  # type: ignore[no-untyped-def]
    res = client.post(
        "/api/import/csv",
        files={
            "facilitators": (
                "f.csv",
                FAC_HEAD + "FX1,A,a@example.org,52.4,-1.9,advanced,far\n",
                "text/csv",
            ),
            "cases": ("c.csv", CASES + "CX1,R,theft,low,90,1,2027-02-30\n", "text/csv"),
        },
    )
    assert res.status_code == 422
    detail = res.json()["detail"]
    cells = {(d["sheet"], d["row"], d["column"]): d["value"] for d in detail}
    assert cells[("facilitators", 2, "max_travel_km")] == "far"
    assert cells[("cases", 2, "earliest")] == "2027-02-30"


def test_huge_cell_over_http_is_a_422_not_a_500(client):  # type: ignore[no-untyped-def]
    rows = FAC_HEAD + "FX1," + "x" * 200_000 + ",a@example.org,52.4,-1.9,advanced,40\n"
    res = client.post("/api/import/csv", files={"facilitators": ("f.csv", rows, "text/csv")})
    assert res.status_code == 422
    assert "131,072 characters" in res.json()["detail"][0]["reason"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=hostile_sheet("facilitators"), raw=st.binary(max_size=40))
def test_hostile_upload_never_gets_a_5xx(client, text, raw):  # type: ignore[no-untyped-def]
    for body in (text.encode(), raw):
        res = client.post("/api/import/csv", files={"facilitators": ("f.csv", body, "text/csv")})
        assert res.status_code in (200, 422), res.text


@pytest.mark.parametrize("sheet", list(SHEETS))
def test_template_is_the_header_of_the_sheet(client, sheet):  # type: ignore[no-untyped-def]
    res = client.get(f"/import/templates/{sheet}.csv")
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("text/csv")
    assert next(csv.reader(io.StringIO(res.text))) == [c.name for c in SHEETS[sheet]]
    assert res.text == template(sheet)


def test_unknown_template_is_a_404(client):  # type: ignore[no-untyped-def]
    assert client.get("/import/templates/rooms.csv").status_code == 404


def test_import_page_shows_the_column_guide_and_template_links(client):  # type: ignore[no-untyped-def]
    page = client.get("/import", headers=PAGE).text
    for sheet, columns in SHEETS.items():
        assert f'href="/import/templates/{sheet}.csv"' in page
        for c in columns:
            assert f"<code>{c.name}</code>" in page


def test_docs_table_is_generated_from_the_columns():
    text = (ROOT / "docs" / "web.md").read_text()
    block = re.search(r"<!-- csv-guide:start -->\n(.*?)<!-- csv-guide:end -->", text, re.S)
    assert block, "docs/web.md lost its csv-guide markers"
    assert block.group(1) == markdown_guide(), "regenerate with csv_columns.markdown_guide()"


def test_json_cell_problem_says_where_inside_the_cell():
    avail = '{"weekly": [{"days": ["mon"], "from": "09:00", "to": "25:00"}]}'
    out = io.StringIO()
    csv.writer(out).writerows(
        [[*FAC_HEAD.strip().split(","), "availability"], [*GOOD_FAC.strip().split(","), avail]]
    )
    issue = at(issues_of({"facilitators": out.getvalue()}), "facilitators", 2, "availability")
    assert issue.problem.startswith("at weekly[0].to: ")


def test_a_missing_group_names_its_columns():
    issue = at(
        issues_of({"venues": "id,name,kind,rooms,waiting_rooms\nVX,Hall,community,R1:5,W1;W2\n"}),
        "venues",
        2,
        "lat",
    )
    assert issue.problem == "is required: fill in lat and lon"
