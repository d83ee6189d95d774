"""Exact pruning of venue options by facilitator reach, and the split it allows."""

from __future__ import annotations

from scheduler.engine import build_options, solve, split
from tests.engine.factories import case, check, facilitator, north_km, problem, venue


def _two_towns(required: int = 1):  # type: ignore[no-untyped-def]
    """Two towns 90 km apart; V3 halfway is safe for both cases but only a foundation
    facilitator (who may not lead) can reach it."""
    return problem(
        [
            facilitator("F1", home=north_km(1), max_travel_km=10),
            facilitator("F2", home=north_km(100), max_travel_km=10),
            facilitator("F3", home=north_km(50), max_travel_km=5, level="foundation", skills=[]),
        ],
        [
            venue("V1", location=north_km(5)),
            venue("V2", location=north_km(95)),
            venue("V3", location=north_km(50)),
        ],
        [
            case(
                "C1",
                victim={"home": north_km(10), "max_travel_km": 60},
                offender={"home": north_km(12), "max_travel_km": 60},
                facilitators_required=required,
            ),
            case(
                "C2",
                victim={"home": north_km(90), "max_travel_km": 60},
                offender={"home": north_km(88), "max_travel_km": 60},
            ),
        ],
    )


def test_venue_no_team_can_reach_is_no_option() -> None:
    p = _two_towns()
    o = build_options(p)
    assert set(o.cases["C1"].venues) == {"V1", "V3"}  # the safety rules alone
    assert o.cases["C1"].open_venues == {"V1"}
    assert o.cases["C2"].open_venues == {"V2"}
    assert set(o.cases["C1"].usable_facilitators) == {"F1"}
    assert all("V3" not in r for r in o.cases["C1"].reach.values())


def test_split_uses_pruned_venues() -> None:
    p = _two_towns()
    assert sorted(split(p)) == [["C1"], ["C2"]]


def test_team_size_counts_only_who_reach_the_venue() -> None:
    # Two facilitators needed: only F1 reaches V1 (F3 is not a lead, and is too far).
    p = _two_towns(required=2)
    o = build_options(p).cases["C1"]
    assert o.open_venues == frozenset()
    assert o.starts == ()
    assert not o.schedulable


def test_pruned_solve_is_valid_and_places_both() -> None:
    p = _two_towns()
    plan = solve(p, time_limit=5)
    check(p, plan)
    assert {m.case for m in plan.meetings} == {"C1", "C2"}
