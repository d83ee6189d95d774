"""Case journeys in the documents (spec journeys.md): new keys load, dump and are refused strictly."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.formats import DocumentError, dump_plan, dump_problem, load_plan, load_problem
from tests.formats.corpus import base_problem, with_sessions
from tests.strategies import problems_with_sessions

DATA = Path(__file__).parent.parent / "data"
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _doc(name: str) -> dict:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def journeys_problem():
    return load_problem(_doc("journeys.problem.json"))


def test_spec_examples_load_and_dump_exactly(journeys_problem):
    assert dump_problem(journeys_problem) == _doc("journeys.problem.json")
    plan = load_plan(_doc("journeys.plan.json"), journeys_problem)
    assert dump_plan(plan) == _doc("journeys.plan.json")
    assert len(plan.sessions) == 26
    assert {s.mode for s in plan.sessions} == {"venue", "home", "video"}


def test_defaults_are_read_but_not_written():
    doc = with_sessions(base_problem())
    problem = load_problem(doc)
    c1 = problem.cases[0]
    assert c1.conference is True
    assert c1.sessions[0].team is False
    assert c1.sessions[0].after is None
    assert problem.policy.preparation_gap_days == 2
    assert problem.policy.session_margin_minutes == 15
    assert problem.policy.weights.remote_session == 20
    assert problem.facilitators[0].max_sessions_per_week is None
    out = dump_problem(problem)
    assert out == doc
    assert "conference" not in out["cases"][0]
    assert "team" not in out["cases"][0]["sessions"][0]
    assert "sessions" not in out["cases"][1]
    assert "address" not in out["cases"][0]["parties"][0]


def test_a_session_without_modes_key_is_a_venue_session():
    doc = base_problem()
    doc["cases"][0]["sessions"] = [{"id": "S1", "party": "P2", "duration_minutes": 30}]
    problem = load_problem(doc)
    assert problem.cases[0].sessions[0].modes == ["venue"]
    assert "modes" not in dump_problem(problem)["cases"][0]["sessions"][0]


def test_a_document_without_journeys_is_unchanged():
    doc = base_problem()
    problem = load_problem(doc)
    assert not problem.has_journeys
    assert dump_problem(problem) == doc


def test_every_error_at_once():
    doc = with_sessions(base_problem())
    doc["cases"][0]["sessions"][0]["party"] = "P404"
    doc["cases"][0]["sessions"][2]["after"] = "nope"
    doc["existing_sessions"][0]["facilitators"] = ["F4", "F404"]
    doc["cases"][1]["conference"] = False
    with pytest.raises(DocumentError) as info:
        load_problem(doc)
    paths = {i.path for i in info.value.issues}
    assert paths == {
        "cases[0].sessions[0].party",
        "cases[0].sessions[2].after",
        "existing_sessions[0].facilitators[1]",
        "cases[1].sessions",
    }


def test_a_broken_case_does_not_make_its_sessions_look_dangling():
    doc = with_sessions(base_problem())
    doc["cases"][0]["risk"] = "extreme"
    with pytest.raises(DocumentError) as info:
        load_problem(doc)
    assert [i.path for i in info.value.issues] == ["cases[0].risk"]


def test_three_session_cycle_is_reported_once():
    doc = with_sessions(base_problem())
    s = doc["cases"][0]["sessions"]
    s[0]["after"], s[1]["after"], s[2]["after"] = "C1-O1", "C1-V2", "C1-V1"
    with pytest.raises(DocumentError) as info:
        load_problem(doc)
    (issue,) = info.value.issues
    assert issue.path == "cases[0].sessions[0].after"
    assert "C1-V1 → C1-O1 → C1-V2 → C1-V1" in issue.reason


# --------------------------------------------------------------------------- plans


def _plan_paths(doc: dict, problem=None) -> set[str]:
    with pytest.raises(DocumentError) as info:
        load_plan(doc, problem)
    return {i.path for i in info.value.issues}


def test_plan_session_shape_is_checked_without_a_problem():
    doc = _doc("journeys.plan.json")
    home = next(s for s in doc["sessions"] if s["mode"] == "home")
    home["venue"] = "V1"
    venue = next(s for s in doc["sessions"] if s["mode"] == "venue")
    venue.pop("room")
    venue["facilitators"] = ["F1", "F1"]
    i, j = doc["sessions"].index(home), doc["sessions"].index(venue)
    assert _plan_paths(doc) == {
        f"sessions[{i}].venue",
        f"sessions[{j}].room",
        f"sessions[{j}].facilitators[1]",
    }


def test_plan_session_references_are_checked_with_the_problem(journeys_problem):
    doc = _doc("journeys.plan.json")
    doc["sessions"][0]["session"] = "C1-P1-1"  # a session of another case
    doc["sessions"][1]["facilitators"] = ["F99"]
    doc["sessions"][2]["venue"] = "V42"
    doc["sessions"].append(copy.deepcopy(doc["sessions"][3]))
    doc["warnings"] = [
        {"code": "PIN_RELEASED", "case": "C3", "session": "C3-X", "message": "released"}
    ]
    assert _plan_paths(doc, journeys_problem) == {
        "sessions[0].session",
        "sessions[12].session",  # C1-P1-1 again, after sessions[0]
        "sessions[1].facilitators[0]",
        "sessions[2].venue",
        "sessions[26].session",
        "warnings[0].session",
    }


def test_a_case_without_conference_is_scheduled_by_its_sessions(journeys_problem):
    doc = _doc("journeys.plan.json")
    doc["sessions"] = [s for s in doc["sessions"] if s["case"] != "C4"]
    assert _plan_paths(doc, journeys_problem) == {"unscheduled"}
    doc = _doc("journeys.plan.json")
    doc["meetings"].append({**copy.deepcopy(doc["meetings"][0]), "case": "C3"})
    assert f"meetings[{len(doc['meetings']) - 1}].case" in _plan_paths(doc, journeys_problem)


def test_unknown_key_in_a_plan_session_is_refused():
    doc = _doc("journeys.plan.json")
    doc["sessions"][0]["address"] = "1 Example Street"
    assert _plan_paths(doc) == {"sessions[0].address"}


# --------------------------------------------------------------------------- properties


@FAST
@given(problems_with_sessions())
def test_sessions_round_trip(doc):
    problem = load_problem(doc)
    assert dump_problem(problem) == doc
    assert load_problem(json.dumps(dump_problem(problem))) == problem


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_SESSION_KEYS = ["id", "party", "modes", "duration_minutes", "team", "after", "extra"]


@FAST
@given(
    st.lists(st.dictionaries(st.sampled_from(_SESSION_KEYS), _JSON, max_size=6), max_size=4),
    st.one_of(_JSON, st.lists(st.dictionaries(st.text(max_size=10), _JSON, max_size=6))),
)
def test_hostile_sessions_never_crash(sessions, existing):
    doc = base_problem()
    doc["cases"][0]["sessions"] = sessions
    doc["existing_sessions"] = existing
    issues: list = []
    try:
        load_problem(doc)
    except DocumentError as exc:
        issues = exc.issues
        assert issues
    assert all(str(i) for i in issues)


_ROW_KEYS = [
    "case",
    "session",
    "status",
    "mode",
    "venue",
    "room",
    "start",
    "end",
    "facilitators",
    "on_site",
    "x",
]


@FAST
@given(st.lists(st.dictionaries(st.sampled_from(_ROW_KEYS), _JSON, max_size=10), max_size=3))
def test_hostile_plan_sessions_never_crash(rows):
    problem = load_problem(_doc("journeys.problem.json"))
    doc = _doc("journeys.plan.json")
    doc["sessions"] = doc["sessions"][:2] + rows
    issues: list = []
    try:
        load_plan(doc, problem)
    except DocumentError as exc:
        issues = exc.issues
        assert issues
    assert all(str(i) for i in issues)
