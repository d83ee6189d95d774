"""The scarce tier (issue 9): few facilitators and rooms, half the cases due early."""

from __future__ import annotations

import pytest

from scheduler.formats import load_problem
from scheduler.generate import SCARCE_SIZES, SIZES, generate_problem
from tests.test_generate import check_document


@pytest.mark.parametrize("size", ["small", "area", "region"])
def test_scarce_tier_has_the_issues_properties_and_validates(size: str) -> None:
    doc = generate_problem(size, 1, scarce=True)
    n_cases, n_fac, n_ven = SCARCE_SIZES[size]
    assert (len(doc["cases"]), len(doc["facilitators"]), len(doc["venues"])) == (
        n_cases,
        n_fac,
        n_ven,
    )
    assert n_cases == SIZES[size][0]  # the same case load as the other tiers
    assert all(1 <= f["max_meetings_per_week"] <= 2 for f in doc["facilitators"])
    assert all(1 <= len(v["rooms"]) <= 2 for v in doc["venues"])
    assert all(any(r["capacity"] >= 8 for r in v["rooms"]) for v in doc["venues"])
    end = doc["horizon"]["end"]
    due = [c for c in doc["cases"] if c["latest"] < end]
    assert len(due) == (n_cases + 1) // 2
    assert all(c["latest"] == end for c in doc["cases"] if c not in due)
    assert all(c["earliest"] >= doc["horizon"]["start"] for c in doc["cases"])
    assert doc["name"].endswith("-scarce")
    assert check_document(doc) == []
    load_problem(doc)  # the strict loader accepts it


def test_region_scarce_is_the_issues_problem() -> None:
    assert SCARCE_SIZES["region"] == (250, 140, 50)


def test_scarce_is_seeded_and_leaves_the_other_tiers_alone() -> None:
    assert generate_problem("area", 2, scarce=True) == generate_problem("area", 2, scarce=True)
    assert generate_problem("area", 2, scarce=True) != generate_problem("area", 3, scarce=True)
    loose = generate_problem("area", 2)
    assert len(loose["facilitators"]) == SIZES["area"][1]
    assert not loose["name"].endswith("-scarce")
