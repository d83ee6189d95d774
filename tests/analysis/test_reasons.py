"""Unscheduled reasons: one test per code on a case blocked by exactly that cause."""

from __future__ import annotations

from scheduler.engine import solve
from scheduler.engine.greedy import greedy
from scheduler.verify import verify
from tests.analysis.helpers import codes, one_case, reasons_of
from tests.engine.factories import case, facilitator, north_km, problem, venue

SC_PAIR = [
    facilitator("F1", skills=["sensitive_complex", "domestic_abuse", "sexual_harm"]),
    facilitator("F2"),
]


def test_schedulable_case_alone_gets_capacity_only_when_placeable():
    # Sanity: an unblocked case is placeable alone, so its only possible code is CAPACITY.
    assert codes(reasons_of(one_case())) == {"CAPACITY"}


def test_no_consent():
    got = reasons_of(one_case(victim={"consent": False}))
    assert codes(got) == {"NO_CONSENT"}
    assert "C1V" in got[0].message


def test_not_eligible_direct():
    p = problem(SC_PAIR, [venue("V1")], [case("C1", offence="domestic_abuse")])
    assert codes(reasons_of(p)) == {"NOT_ELIGIBLE_DIRECT"}


def test_missing_appropriate_adult():
    youth = [facilitator("F1", skills=["sensitive_complex", "youth"])]
    got = reasons_of(one_case(youth, offender={"age": 14}))
    assert codes(got) == {"MISSING_APPROPRIATE_ADULT"}
    assert "C1O" in got[0].message


def test_all_true_rule_1_causes_are_given():
    p = problem(
        SC_PAIR, [venue("V1")], [case("C1", offence="sexual_harm", victim={"consent": False})]
    )
    assert codes(reasons_of(p)) == {"NO_CONSENT", "NOT_ELIGIBLE_DIRECT"}


def test_no_qualified_facilitator_names_the_missing_skill():
    plain = [facilitator("F1"), facilitator("F2")]
    p = problem(plain, [venue("V1")], [case("C1", offence="sexual_harm", victim_initiated=True)])
    got = reasons_of(p)
    assert codes(got) == {"NO_QUALIFIED_FACILITATOR"}
    assert "sexual_harm" in got[0].message
    assert "advanced" in got[0].message


def test_no_qualified_facilitator_for_a_conflict():
    got = reasons_of(one_case([facilitator("F1", conflicts=["C1O"])]))
    assert codes(got) == {"NO_QUALIFIED_FACILITATOR"}
    assert "F1" in got[0].message


def test_no_safe_venue():
    got = reasons_of(
        one_case(venues=[venue("V1", step_free=False)], victim={"needs": {"step_free": True}})
    )
    assert codes(got) == {"NO_SAFE_VENUE"}
    assert "step-free" in got[0].message


def test_no_common_time():
    mondays = {"weekly": [{"days": ["mon"], "from": "09:00", "to": "12:00"}]}
    tuesdays = {"weekly": [{"days": ["tue"], "from": "09:00", "to": "12:00"}]}
    got = reasons_of(
        one_case(victim={"availability": mondays}, offender={"availability": tuesdays})
    )
    assert codes(got) == {"NO_COMMON_TIME"}
    assert "victim side (C1V) and the offender side (C1O) are never free" in got[0].message


def test_no_common_time_when_the_only_facilitator_is_too_far():
    far = facilitator("F1", max_travel_km=1)  # the venue is 4 km from home
    assert codes(reasons_of(one_case([far]))) == {"NO_COMMON_TIME"}


def _one_slot_for_two_cases():
    """One facilitator, one meeting a week: two cases compete for one place."""
    f = facilitator("F1", max_meetings_per_week=1)
    cases = [
        case("C1", priority=5, referred_on="2027-01-10"),
        case("C2", priority=2, referred_on="2027-01-01"),
    ]
    return problem([f], [venue("V1")], cases)


def test_capacity_names_the_case_that_took_its_only_slot_greedy():
    p = _one_slot_for_two_cases()
    plan = greedy(p)
    assert [m.case for m in plan.meetings] == ["C1"]
    (u,) = plan.unscheduled
    assert u.case == "C2"
    assert codes(u.reasons) == {"CAPACITY"}
    assert "C1 (priority 5)" in u.reasons[0].message
    assert verify(p, plan) == []


def test_capacity_from_the_engine():
    p = _one_slot_for_two_cases()
    plan = solve(p, time_limit=5, workers=2)
    (u,) = plan.unscheduled
    assert codes(u.reasons) == {"CAPACITY"}
    assert "C1" in u.reasons[0].message


def test_pinned_meeting_taking_the_only_time_gives_no_common_time():
    p = _one_slot_for_two_cases()
    plan = greedy(p)
    pinned = [m.model_copy(update={"status": "pinned"}) for m in plan.meetings]
    assert codes(reasons_of(p, "C2", pinned)) == {"NO_COMMON_TIME"}


def test_keep_apart_blocker_is_named():
    # Same time window only, two rooms: keep-apart is the only thing between the cases.
    short = {"weekly": [{"days": ["mon"], "from": "09:00", "to": "12:00"}]}
    v = venue("V1", rooms=[{"id": "R1", "capacity": 8}, {"id": "R2", "capacity": 8}],
              waiting_rooms=["W1", "W2", "W3", "W4"])  # fmt: skip
    cases = [
        case("C1", priority=4, victim={"availability": short}),
        case("C2", priority=3, victim={"availability": short}),
    ]
    facs = [facilitator("F1"), facilitator("F2")]
    p = problem(facs, [v], cases, keep_apart=[["C1V", "C2V"]])
    plan = greedy(p)
    assert verify(p, plan) == []
    (u,) = plan.unscheduled
    assert codes(u.reasons) == {"CAPACITY"}
    assert "C1" in u.reasons[0].message


def test_party_home_far_from_venue_is_a_safe_venue_matter():
    got = reasons_of(one_case(victim={"home": north_km(40), "max_travel_km": 5}))
    assert codes(got) == {"NO_SAFE_VENUE"}
