"""The one-page HTML plan report, on the spec's example plan."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from scheduler.formats import load_plan, load_problem
from scheduler.report import render_report
from tests.paths import DATA

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Checker(HTMLParser):
    """Counts tags and checks that every opened element is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.counts: dict[str, int] = {}
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        # <p>, <li>, <td>, ... may be closed implicitly; unwind to the matching tag.
        if tag not in self.stack:
            self.errors.append(f"</{tag}> closes nothing")
            return
        while self.stack.pop() != tag:
            pass


@pytest.fixture(scope="module")
def example():
    problem = load_problem((DATA / "small.problem.json").read_text(encoding="utf-8"))
    plan = load_plan((DATA / "small.plan.json").read_text(encoding="utf-8"))
    return problem, plan, render_report(problem, plan)


def test_report_is_well_formed_html_with_one_title(example) -> None:
    _, _, html = example
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    assert checker.counts.get("h1") == 1
    assert html.lstrip().lower().startswith("<!doctype html>")


def test_report_names_every_scheduled_case_and_busy_facilitator(example) -> None:
    problem, plan, html = example
    assert plan.meetings
    for m in plan.meetings:
        assert m.case in html
    for fid in {f for m in plan.meetings for f in m.facilitators}:
        assert problem.facilitator_by_id[fid].name in html
    for u in plan.unscheduled:
        assert u.case in html


def test_report_holds_no_party_personal_data(example) -> None:
    problem, _, html = example
    for case in problem.cases:
        for party in case.parties:
            assert party.name not in html, party.id
            if party.email:
                assert party.email not in html, party.id
    # Facilitators' emails are not needed on a one-page overview either.
    for f in problem.facilitators:
        assert f.email not in html, f.id
