"""Hostile text and numbers put into a valid document: refused naming the path, or safe.

Each example writes one generated value into one field of the corpus' valid base
document. Either validation refuses it with a `DocumentError` naming exactly that
field, or the document goes through import, export, solve, verify, confirm and send
without any error (`tests.formats.pipeline`). Plus the end-to-end case the issue
reported: odd but valid text (quotes, accents, CJK, emoji, names at their longest).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scheduler.formats import DocumentError, load_problem
from scheduler.safe_text import MAX_ADDRESS, MAX_NAME, MAX_REFERENCE
from tests.formats.corpus import base_problem
from tests.formats.pipeline import run_pipeline

# (path in the document, how to set it) for free-text fields of people, places, cases.
TEXT_FIELDS = [
    "name",
    "facilitators[0].name",
    "facilitators[0].email",
    "facilitators[0].gender",
    "facilitators[0].languages[0]",
    "venues[0].name",
    "venues[0].address",
    "cases[0].reference",
    "cases[0].parties[0].name",
    "cases[0].parties[0].email",
    "cases[0].parties[1].name",
    "cases[0].parties[0].needs.language",
]
NUMBER_FIELDS = [
    "facilitators[0].max_travel_km",
    "facilitators[0].home.lat",
    "facilitators[0].home.lon",
    "venues[0].location.lat",
    "cases[0].parties[0].max_travel_km",
    "policy.min_victim_home_distance_km",
    "policy.travel_speed_kmh",
]

HOSTILE_CHARS = "\x00\x07\t\n\r\x0b\x0c\x1b\x7f\x85\u2028\u2029\u202e\u2066\ufeff\u200d"
hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(HOSTILE_CHARS + "aZé李😀'\"<>&;,@. "), max_size=40),
    st.builds(lambda n, c: "x" * n + c, st.integers(0, 600), st.sampled_from(["", "\n", "é"])),
    st.sampled_from(["", " ", "a@b", "x@example.org", 'O\'Brien "Bob"', "=cmd|' /C calc'!A0"]),
)
hostile_numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -0.0, 1e-320, 1e308, 40_000, 40_000.0001, 1e400]),
)

Path_ = list[str | int]


def _steps(path: str) -> Path_:
    out: Path_ = []
    for part in path.replace("]", "").split("."):
        name, *indices = part.split("[")
        out.append(name)
        out += [int(i) for i in indices]
    return out


def _set(doc: dict[str, Any], path: str, value: Any) -> None:
    *head, last = _steps(path)
    node: Any = doc
    for step in head:
        if isinstance(step, str) and step not in node:
            node[step] = {}
        node = node[step]
    node[last] = value


def _check(doc: dict[str, Any], path: str, sqlite_template: Path) -> None:
    # allow_nan: NaN and Infinity are written as JSON's common extension, 1e400 as is.
    text = json.dumps(doc, ensure_ascii=False, allow_nan=True).replace("1e+400", "1e400")
    try:
        problem = load_problem(text.encode("utf-8", "surrogatepass"))
    except DocumentError as exc:
        refused = [str(i) for i in exc.issues]
    else:
        refused = []
    if refused:
        assert [r.split(": ")[0] for r in refused] == [path], refused
        return
    with tempfile.TemporaryDirectory() as folder:
        run_pipeline(problem, Path(folder), sqlite_template)


@pytest.fixture(scope="session")
def template(request: pytest.FixtureRequest) -> Path:
    """A migrated SQLite database file to copy (the session's, from tests/conftest.py)."""
    return request.getfixturevalue("_sqlite_template")


SLOW = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SLOW
@given(path=st.sampled_from(TEXT_FIELDS), value=hostile_text)
@example(path="cases[0].reference", value="RJ-1\nBcc: x@example.org")
@example(path="cases[0].parties[0].name", value='Zoë O\'Brien "李" 😀')
def test_hostile_text_is_refused_at_its_path_or_safe(template, path, value) -> None:  # type: ignore[no-untyped-def]
    doc = base_problem()
    _set(doc, path, value)
    _check(doc, path, template)


@SLOW
@given(path=st.sampled_from(NUMBER_FIELDS), value=hostile_numbers)
@example(path="facilitators[0].max_travel_km", value=1e400)
def test_hostile_numbers_are_refused_at_their_path_or_safe(template, path, value) -> None:  # type: ignore[no-untyped-def]
    doc = base_problem()
    _set(doc, path, float("inf") if value == 1e400 else value)
    _check(doc, path, template)


ODD_BUT_VALID = {
    "cases[0].reference": 'RJ/2027 «0001» – Zoë’s "case" 李 😀' + "r" * 60,
    "cases[0].parties[0].name": 'Zoë O\'Brien-Łukasiewicz "Bobbie" 李小龍 😀 <b>&amp;</b>',
    "cases[0].parties[1].name": "N" * MAX_NAME,
    "facilitators[0].name": "Amrit \u200dKaur, MBE; =SUM(A1)",
    "venues[0].name": "Ladywood «Hub» & Café — 'the Old School'",
    "venues[0].address": "Flat 1, " + "Long Road " * ((MAX_ADDRESS - 20) // 10),
}


def test_odd_but_valid_text_imports_solves_verifies_confirms_and_sends(template) -> None:  # type: ignore[no-untyped-def]
    doc = base_problem()
    for path, value in ODD_BUT_VALID.items():
        _set(doc, path, value)
    assert len(ODD_BUT_VALID["cases[0].reference"]) <= MAX_REFERENCE
    problem = load_problem(json.dumps(doc, ensure_ascii=False))
    with tempfile.TemporaryDirectory() as folder:
        assert run_pipeline(problem, Path(folder), template) > 0


@pytest.mark.parametrize("path", TEXT_FIELDS)
def test_a_line_break_is_refused_at_every_text_field(path: str) -> None:
    doc = base_problem()
    _set(doc, path, "two\nlines")
    with pytest.raises(DocumentError) as caught:
        load_problem(doc)
    assert [i.path for i in caught.value.issues] == [path]


def _all_paths(node: Any, path: str = "") -> list[str]:
    out = [path] if path else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _all_paths(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node[:2]):
            out += _all_paths(v, f"{path}[{i}]")
    return out


ANY_PATH = _all_paths(base_problem())
anything = st.one_of(
    hostile_text,
    hostile_numbers,
    st.none(),
    st.booleans(),
    st.lists(hostile_text, max_size=3),
    st.dictionaries(
        st.sampled_from(["id", "name", "start", "from", "x\n"]), hostile_text, max_size=2
    ),
    st.sampled_from(
        ["Europe", "../etc", "2027-02-30", "2027-03-28T01:30", "24:00", "25:00", "99:99"]
    ),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(path=st.sampled_from(ANY_PATH), value=anything)
def test_any_field_replaced_is_refused_cleanly_or_round_trips(path: str, value: Any) -> None:
    """Validation never fails any other way: one-line issues, or a document that re-validates."""
    doc = base_problem()
    _set(doc, path, value)
    try:
        problem = load_problem(doc)
    except DocumentError as exc:
        issues = [str(i) for i in exc.issues]
    else:
        issues = []
    if issues:
        assert all("\n" not in i and len(i) < 600 for i in issues), issues
        return
    again = json.dumps(problem.to_doc(), ensure_ascii=False, allow_nan=False)
    assert load_problem(again) == problem
