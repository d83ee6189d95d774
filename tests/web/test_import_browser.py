"""The CSV import in real Chromium: every problem of every sheet at once, the column
guide and the templates, readable at desktop and phone width."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.web.helpers import EMAIL, PASSWORD
from tests.web.test_browser import check_page, page, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
PROBLEM = (Path(__file__).parents[1] / "data" / "small.problem.json").read_bytes()


def test_csv_problems_of_every_sheet_listed_with_values(server: Any, page: Any) -> None:  # noqa: F811
    from playwright.sync_api import expect

    base, _ = server
    page.goto(base + "/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(base + "/import")
    page.set_input_files(
        "#file", files=[{"name": "p.json", "mimeType": "application/json", "buffer": PROBLEM}]
    )
    page.get_by_role("button", name="Import document").click()
    page.goto(base + "/import")
    # The column guide and a template for each sheet are on the page.
    page.locator("#guide-cases summary").click()
    expect(page.locator("#guide-cases")).to_contain_text("duration_minutes")
    with page.expect_download() as got:
        page.get_by_role("link", name="Download the cases template (.csv)").click()
    assert Path(got.value.path()).read_text().startswith("id,reference,offence")
    check_page(page, "import-guide")

    facilitators = b"id,name,email,home_lat,home_lon,level,max_travel_km\nFX1,A,a@example.org,52.4,-1.9,wizard,far\n"
    cases = b"id,reference,offence,risk,duration_minutes,earliest\nCX1,R-1,theft,low,90,2027-02-30\nCX1,R-2,theft,low,90,\n"
    for field, body in (("#csv-facilitators", facilitators), ("#csv-cases", cases)):
        page.set_input_files(
            field, files=[{"name": "s.csv", "mimeType": "text/csv", "buffer": body}]
        )
    page.get_by_role("button", name="Import sheets").click()
    expect(
        page.get_by_role("heading", name=re.compile("CSV sheets were not imported"))
    ).to_be_visible()
    issues = page.locator("#issues")
    expect(issues).to_contain_text(
        'facilitators.csv, row 2, column max_travel_km: must be a number, for example 40 or 52.48 (the cell holds "far")'
    )
    expect(issues).to_contain_text("facilitators.csv, row 2, column level")
    expect(issues).to_contain_text(
        "cases.csv, row 2, column earliest: 30 February 2027 is not a real date"
    )
    expect(issues).to_contain_text("cases.csv, row 3, column id: is the same id as row 2")
    check_page(page, "import-csv-refused")
    assert json.loads(page.evaluate("() => JSON.stringify(document.title)"))
