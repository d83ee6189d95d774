"""Hostile documents for the corpus: text that breaks lines, numbers that are not numbers,
JSON that is too big, too deep or says a key twice. Each names the path at fault.

`hostile_cases()` joins `corpus.broken_cases()`, so every suite that walks the corpus
(the formats tests, no-write-on-import on SQLite and PostgreSQL) walks these too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.formats.corpus import Broken, Doc, base_problem

LONG = "x" * 100_000


def _doc(edit: Callable[[Doc], Any]) -> bytes:
    d = base_problem()
    edit(d)
    return json.dumps(d, ensure_ascii=False).encode()


def _text(where: Callable[[Doc], dict], key: str, value: Any) -> Callable[[Doc], Any]:
    return lambda d: where(d).update({key: value})


def _fac(d: Doc) -> dict:
    return d["facilitators"][0]


def _venue(d: Doc) -> dict:
    return d["venues"][0]


def _case(d: Doc) -> dict:
    return d["cases"][0]


def _party(d: Doc) -> dict:
    return d["cases"][0]["parties"][0]


# name → (edit, path, reason fragment)
EDITS: dict[str, tuple[Callable[[Doc], Any], str, str]] = {
    "reference_line_break": (
        _text(_case, "reference", "RJ-1\r\nBcc: all@example.org"),
        "cases[0].reference",
        "U+000D",
    ),
    "party_name_line_feed": (
        _text(_party, "name", "Ann\nSmith"),
        "cases[0].parties[0].name",
        "without control characters",
    ),
    "facilitator_name_tab": (
        _text(_fac, "name", "Amrit\tKaur"),
        "facilitators[0].name",
        "U+0009",
    ),
    "venue_address_line_separator": (
        _text(_venue, "address", "12 Road\u2028Town"),
        "venues[0].address",
        "U+2028",
    ),
    "venue_name_bidi_override": (
        _text(_venue, "name", "Hub \u202egnp.exe"),
        "venues[0].name",
        "U+202E",
    ),
    "entrance_nul": (
        lambda d: _venue(d).update(entrances=["Main\x00", "Side"], separate_entrances=True),
        "venues[0].entrances[0]",
        "U+0000",
    ),
    "email_two_recipients": (
        _text(_fac, "email", "a@example.org, b@example.org"),
        "facilitators[0].email",
        "one email address",
    ),
    "email_header_injection": (
        _text(_party, "email", "a@example.org\nBcc: x@example.org"),
        "cases[0].parties[0].email",
        "control characters",
    ),
    "email_without_at": (
        _text(_fac, "email", "nobody"),
        "facilitators[0].email",
        "one email address",
    ),
    "name_too_long": (_text(_party, "name", LONG), "cases[0].parties[0].name", "at most 200"),
    "email_too_long": (
        _text(_fac, "email", "a" * 300 + "@example.org"),
        "facilitators[0].email",
        "at most 254",
    ),
    "reference_too_long": (
        _text(_case, "reference", "R" * 101),
        "cases[0].reference",
        "at most 100",
    ),
    "id_too_long": (_text(_fac, "id", "F" * 65), "facilitators[0].id", "at most 64"),
    "id_with_line_break": (_text(_case, "id", "C1\nC2"), "cases[0].id", "U+000A"),
    "problem_name_control": (lambda d: d.update(name="area\x1b[31m"), "name", "U+001B"),
    "language_control": (
        lambda d: _party(d).setdefault("needs", {}).update(language="en\x7f"),
        "cases[0].parties[0].needs.language",
        "U+007F",
    ),
    "in_custody_c1_control": (
        _text(_party, "in_custody", "HMP\x85Birmingham"),
        "cases[0].parties[0].in_custody",
        "U+0085",
    ),
    "timezone_too_long": (lambda d: d.update(timezone="x" * 100_000), "timezone", "at most 100"),
    "timezone_a_folder": (lambda d: d.update(timezone="Europe"), "timezone", "not a known IANA"),
    "timezone_a_path": (
        lambda d: d.update(timezone="../../../etc/passwd"),
        "timezone",
        "not a known IANA",
    ),
    "horizon_of_a_thousand_years": (
        lambda d: d["horizon"].update(end="2999-12-31"),
        "horizon.end",
        "less than 731 days",
    ),
    "date_in_year_9999": (
        lambda d: d["horizon"].update(start="9999-12-30"),
        "horizon.start",
        "between 1900 and 2999",
    ),
    "huge_duration": (
        _text(_case, "duration_minutes", 10**12),
        "cases[0].duration_minutes",
        "≤ 1440",
    ),
    "huge_integer_weight": (
        lambda d: d.setdefault("policy", {}).setdefault("weights", {}).update(continuity=2**80),
        "policy.weights.continuity",
        "≤ 1000000",
    ),
    "max_travel_km_beyond_earth": (
        _text(_fac, "max_travel_km", 1e9),
        "facilitators[0].max_travel_km",
        "≤ 40000",
    ),
}


def _raw(text_of: Callable[[str], str]) -> bytes:
    return text_of(json.dumps(base_problem(), ensure_ascii=False)).encode()


def hostile_cases() -> list[Broken]:
    out = [Broken(name, _doc(edit), path, reason) for name, (edit, path, reason) in EDITS.items()]
    fac_km = '"max_travel_km": 31'
    assert fac_km in json.dumps(base_problem()), "the base has a facilitator with max_travel_km"
    out += [
        Broken(
            "max_travel_km_1e400",
            _raw(lambda t: t.replace(fac_km, '"max_travel_km": 1e400', 1)),
            "facilitators[0].max_travel_km",
            "finite number",
        ),
        Broken(
            "max_travel_km_infinity",
            _raw(lambda t: t.replace(fac_km, '"max_travel_km": Infinity', 1)),
            "facilitators[0].max_travel_km",
            "finite number",
        ),
        Broken(
            "latitude_minus_1e999",
            _raw(lambda t: t.replace('"lat": ', '"lat": -1e999, "_": ', 1)),
            "facilitators[0].home.lat",
            "finite number",
        ),
        Broken("nested_100000_deep", b"[" * 100_000 + b"]" * 100_000, "", "nested more than"),
        Broken(
            "nested_in_a_field",
            _raw(lambda t: t.replace('"name": ', '"name": ' + "[" * 40 + "]" * 40 + ', "_n": ', 1)),
            "name" + "[0]" * 31,
            "nested more than 32",
        ),
        Broken(
            "duplicate_consent_key",
            _raw(lambda t: t.replace('"consent": true', '"consent": true, "consent": false', 1)),
            "cases[0].parties[0].consent",
            "more than once",
        ),
        Broken(
            "lone_surrogate_in_name",
            _raw(lambda t: t.replace('"name": "', '"name": "\\ud800', 1)),
            "name",
            "surrogate",
        ),
        Broken(
            "over_32_mib",
            b'{"format": "rj-problem/1", "name": "' + b"x" * (33 * 1024 * 1024) + b'"}',
            "",
            "at most 33,554,432",
        ),
    ]
    return out
