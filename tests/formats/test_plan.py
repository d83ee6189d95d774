"""Loading plan documents: shape, and with a problem, references (structure only)."""

from __future__ import annotations

import json

import pytest

from scheduler.formats import DocumentError, dump_plan, load_plan, load_problem
from tests.formats.corpus import CORPUS, base_problem

PLAN_PATH = CORPUS / "base.plan.json"


@pytest.fixture(scope="module")
def problem():
    return load_problem(base_problem())


def base_plan() -> dict:
    return json.loads(PLAN_PATH.read_text(encoding="utf-8"))


def paths(doc, problem=None) -> set[str]:
    with pytest.raises(DocumentError) as info:
        load_plan(doc, problem)
    return {i.path for i in info.value.issues}


def test_example_plan_loads_and_round_trips(problem):
    doc = base_plan()
    plan = load_plan(doc, problem)
    assert len(plan.meetings) == 8
    assert len(plan.unscheduled) == 4
    assert dump_plan(plan) == doc
    assert dump_plan(load_plan(json.dumps(doc))) == doc


def test_unknown_key_in_plan_is_an_error():
    doc = base_plan()
    doc["meetings"][0]["colour"] = "red"
    assert paths(doc) == {"meetings[0].colour"}


def test_bad_reason_code():
    doc = base_plan()
    doc["unscheduled"][0]["reasons"][0]["code"] = "BUSY"
    assert paths(doc) == {"unscheduled[0].reasons[0].code"}


def test_malformed_plan_json():
    with pytest.raises(DocumentError, match="not valid JSON"):
        load_plan(b'{"format": ')


def test_case_missing_from_plan(problem):
    doc = base_plan()
    doc["unscheduled"].pop()
    assert paths(doc, problem) == {"unscheduled"}


def test_case_twice_in_plan(problem):
    doc = base_plan()
    doc["unscheduled"].append(
        {"case": doc["meetings"][0]["case"], "reasons": [{"code": "CAPACITY", "message": "x"}]}
    )
    assert paths(doc, problem) == {f"unscheduled[{len(doc['unscheduled']) - 1}].case"}


def test_unknown_case_in_plan(problem):
    doc = base_plan()
    doc["unscheduled"].append({"case": "C99", "reasons": [{"code": "CAPACITY", "message": "x"}]})
    assert paths(doc, problem) == {f"unscheduled[{len(doc['unscheduled']) - 1}].case"}


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda m: m.update(venue="V9"), "meetings[0].venue"),
        (lambda m: m.update(room="R9"), "meetings[0].room"),
        (lambda m: m.update(lead="F99"), "meetings[0].lead"),
        (lambda m: m.update(co_facilitators=["F98"]), "meetings[0].co_facilitators[0]"),
        (lambda m: m["attendance"][0].update(party="P1"), "meetings[0].attendance[0].party"),
        (
            lambda m: m["attendance"][1].update(waiting_room="W7"),
            "meetings[0].attendance[1].waiting_room",
        ),
        (
            lambda m: m["attendance"][1].update(entrance="Roof"),
            "meetings[0].attendance[1].entrance",
        ),
    ],
)
def test_dangling_reference_in_meeting(problem, mutate, path):
    doc = base_plan()
    mutate(doc["meetings"][0])
    assert path in paths(doc, problem)
    load_plan(doc)  # without a problem, only the shape is checked


def test_plan_for_another_problem(problem):
    doc = base_plan()
    doc["problem"] = "someone-else"
    assert paths(doc, problem) == {"problem"}
