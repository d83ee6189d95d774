"""For each hard rule, data built to tempt the solver into breaking it; the plan never does."""

from __future__ import annotations

import datetime as dt

from scheduler.engine import solve
from tests.engine.factories import (
    case,
    check,
    facilitator,
    north_km,
    problem,
    venue,
    with_existing,
)


def run(p):  # type: ignore[no-untyped-def]
    plan = solve(p, time_limit=10, workers=2)
    check(p, plan)
    return plan


def placed(plan) -> dict:  # type: ignore[no-untyped-def]
    return {m.case: m for m in plan.meetings}


def test_rule1_no_consent_never_scheduled() -> None:
    p = problem([facilitator("F1")], [venue("V1")], [case("C1", offender={"consent": False})])
    plan = run(p)
    assert plan.unscheduled[0].reasons[0].code == "NO_CONSENT"


def test_rule1_domestic_abuse_needs_victim_initiated() -> None:
    f = facilitator("F1", skills=["sensitive_complex", "domestic_abuse"])
    c = case("C1", offence="domestic_abuse")
    plan = run(problem([f, facilitator("F2")], [venue("V1", location=north_km(20))], [c]))
    assert not plan.meetings
    assert plan.unscheduled[0].reasons[0].code == "NOT_ELIGIBLE_DIRECT"


def test_rule2_only_free_facilitator_lacks_skill() -> None:
    skilled = facilitator(
        "F1", skills=["sensitive_complex", "domestic_abuse"], availability={"dates": []}
    )
    unskilled = facilitator("F2")
    helper = facilitator("F3")
    c = case("C1", offence="domestic_abuse", victim_initiated=True)
    plan = run(problem([skilled, unskilled, helper], [venue("V1", location=north_km(20))], [c]))
    assert not plan.meetings


def test_rule2_picks_the_qualified_lead() -> None:
    fs = [
        facilitator("F1", skills=["sensitive_complex", "domestic_abuse"]),
        facilitator("F2", level="foundation"),
        facilitator("F3", level="intermediate"),
    ]
    c = case("C1", offence="domestic_abuse", victim_initiated=True)
    plan = run(problem(fs, [venue("V1", location=north_km(20))], [c]))
    m = plan.meetings[0]
    assert m.lead == "F1"
    assert len(m.facilitators) == 2  # S&C: two, whatever the case says


def test_rule3_meeting_inside_everyones_window() -> None:
    narrow = {"dates": [{"start": "2027-03-03T13:00", "end": "2027-03-03T15:30"}]}
    plan = run(
        problem([facilitator("F1")], [venue("V1")], [case("C1", victim={"availability": narrow})])
    )
    m = plan.meetings[0]
    assert m.start.date() == dt.date(2027, 3, 3)


def test_rule4_one_room_one_slot_two_cases() -> None:
    only = {"dates": [{"start": "2027-03-03T10:00", "end": "2027-03-03T13:00"}]}
    cases = [
        case(c, victim={"availability": only}, priority=2 + i) for i, c in enumerate(("C1", "C2"))
    ]
    plan = run(problem([facilitator("F1"), facilitator("F2")], [venue("V1")], cases))
    assert [m.case for m in plan.meetings] == ["C2"]  # the higher priority wins the room


def test_rule4_waiting_rooms_are_not_shared() -> None:
    only = {"dates": [{"start": "2027-03-03T10:00", "end": "2027-03-03T13:00"}]}
    v = venue(
        "V1",
        rooms=[{"id": "R1", "capacity": 8}, {"id": "R2", "capacity": 8}],
        waiting_rooms=["W1", "W2", "W3"],
    )
    cases = [case(c, victim={"availability": only}) for c in ("C1", "C2")]
    plan = run(problem([facilitator("F1"), facilitator("F2")], [v], cases))
    assert len(plan.meetings) == 1


def test_rule4_separate_entrances() -> None:
    v1 = venue("V1", entrances=["Front"])
    v2 = venue("V2", separate_entrances=True, entrances=["Front", "Back"], location=north_km(6))
    plan = run(
        problem([facilitator("F1")], [v1, v2], [case("C1", requires_separate_entrances=True)])
    )
    m = plan.meetings[0]
    assert m.venue == "V2"
    assert len({a.entrance for a in m.attendance}) == 2


def test_rule4_step_free_need() -> None:
    v1 = venue("V1", step_free=False)
    v2 = venue("V2", location=north_km(30))
    plan = run(
        problem([facilitator("F1")], [v1, v2], [case("C1", victim={"needs": {"step_free": True}})])
    )
    assert plan.meetings[0].venue == "V2"


def test_rule5_custody_at_the_holding_prison_only() -> None:
    prison = venue("V1", kind="prison", prison="HMP-X", location=north_km(4))
    community = venue("V2")
    fs = [facilitator("F1", skills=["sensitive_complex", "prison"]), facilitator("F2")]
    cases = [case("C1", offender={"in_custody": "HMP-X"}), case("C2")]
    plan = run(problem(fs, [prison, community], cases))
    got = placed(plan)
    assert got["C1"].venue == "V1"
    assert got["C2"].venue == "V2"


def test_rule6_only_free_room_inside_exclusion_zone() -> None:
    zone = {"center": north_km(5), "radius_km": 2.0}
    near = venue("V1")  # free all week, inside the zone
    far = venue("V2", location=north_km(12), availability={"dates": []})
    plan = run(
        problem(
            [facilitator("F1")], [near, far], [case("C1", offender={"exclusion_zones": [zone]})]
        )
    )
    assert not plan.meetings


def test_rule6_exclusion_zone_boundary_counts_as_inside() -> None:
    zone = {"center": north_km(0), "radius_km": 5.0}
    near = venue("V1", location=north_km(0, base=(52.48 + 5 / 111.195, -1.90)))
    far = venue("V2", location=north_km(9))
    plan = run(
        problem(
            [facilitator("F1")], [near, far], [case("C1", offender={"exclusion_zones": [zone]})]
        )
    )
    assert plan.meetings[0].venue == "V2"


def test_rule6_victim_locality_and_travel_limits() -> None:
    home = north_km(5)
    close = venue("V1", location=north_km(6))  # 1 km from the victim's home
    mid = venue("V2", location=north_km(15))
    c = case("C1", risk="high", victim={"home": home}, facilitators_required=2)
    fs = [facilitator("F1"), facilitator("F2")]
    plan = run(problem(fs, [close, mid], [c]))
    assert plan.meetings[0].venue == "V2"
    short = facilitator("F1", max_travel_km=10)
    plan = run(problem([short, facilitator("F2")], [close, mid], [c]))
    assert not plan.meetings  # F1 cannot reach V2, and V1 is too near the victim


def test_rule7_keep_apart_never_overlap_at_one_venue() -> None:
    only = {"dates": [{"start": "2027-03-03T10:00", "end": "2027-03-03T13:00"}]}
    v = venue(
        "V1",
        rooms=[{"id": "R1", "capacity": 8}, {"id": "R2", "capacity": 8}],
        waiting_rooms=["W1", "W2", "W3", "W4"],
    )
    cases = [case(c, victim={"availability": only}) for c in ("C1", "C2")]
    plan = run(
        problem([facilitator("F1"), facilitator("F2")], [v], cases, keep_apart=[["C1V", "C2O"]])
    )
    assert len(plan.meetings) == 1


def test_rule8_travel_between_venues_on_one_day() -> None:
    # One facilitator, two cases on the only day; venues 40 km apart need 80 minutes.
    day = {"dates": [{"start": "2027-03-03T09:00", "end": "2027-03-03T13:30"}]}
    v1 = venue("V1", location=north_km(0))
    v2 = venue("V2", location=north_km(40))
    f = facilitator("F1", availability=day, home=north_km(20))
    c1 = case("C1", victim={"home": north_km(0), "max_travel_km": 3})
    c2 = case("C2", victim={"home": north_km(40), "max_travel_km": 3})
    plan = run(problem([f], [v1, v2], [c1, c2], slot=15))
    assert len(plan.meetings) == 1  # 09:00-13:30 has room for both only without travel


def test_rule9_one_meeting_a_week() -> None:
    fs = [facilitator("F1", max_meetings_per_week=1)]
    plan = run(problem(fs, [venue("V1")], [case("C1"), case("C2")]))
    assert len(plan.meetings) == 1


def test_rule9_one_meeting_a_day() -> None:
    fs = [facilitator("F1", max_meetings_per_day=1)]
    plan = run(problem(fs, [venue("V1")], [case("C1"), case("C2")], end="2027-03-01"))
    assert len(plan.meetings) == 1


def _pinned(**kw):  # type: ignore[no-untyped-def]
    doc = {
        "case": "C1",
        "status": "pinned",
        "start": "2027-03-04T14:00",
        "end": "2027-03-04T15:00",
        "venue": "V1",
        "room": "R1",
        "lead": "F1",
        "co_facilitators": [],
        "facilitators_on_site": {"start": "2027-03-04T13:15", "end": "2027-03-04T15:30"},
        "attendance": [
            {
                "party": "C1V",
                "side": "victim",
                "waiting_room": "W2",
                "arrive": "2027-03-04T13:45",
                "leave": "2027-03-04T15:00",
            },
            {
                "party": "C1O",
                "side": "offender",
                "waiting_room": "W1",
                "arrive": "2027-03-04T13:30",
                "leave": "2027-03-04T15:15",
            },
        ],
    }
    doc.update(kw)
    return doc


def test_rule10_pinned_meeting_kept_exactly() -> None:
    base = problem([facilitator("F1"), facilitator("F2")], [venue("V1")], [case("C1"), case("C2")])
    p = with_existing(base, [_pinned()])
    plan = run(p)
    m = placed(plan)["C1"]
    assert (m.status, m.start, m.venue, m.room, m.lead) == (
        "pinned",
        dt.datetime(2027, 3, 4, 14),
        "V1",
        "R1",
        "F1",
    )
    assert {a.party: a.waiting_room for a in m.attendance} == {"C1V": "W2", "C1O": "W1"}
    assert not plan.warnings


def test_rule10_pinned_with_unavailable_facilitator_is_released() -> None:
    sick = {"unavailable": [{"start": "2027-03-04T00:00", "end": "2027-03-05T00:00"}]}
    base = problem(
        [facilitator("F1", availability=sick), facilitator("F2")], [venue("V1")], [case("C1")]
    )
    plan = run(with_existing(base, [_pinned()]))
    assert [w.code for w in plan.warnings][:1] == ["PIN_RELEASED"]
    m = placed(plan)["C1"]
    assert m.status != "pinned"
    assert plan.objective.disruption >= 1


def test_dst_week_local_times() -> None:
    # Clocks go forward at 01:00 on 2027-03-28; the victim (second to arrive, present
    # [s-15, e)) is free 10:00-11:15 local on the 29th, so only 10:15 fits.
    only = {"dates": [{"start": "2027-03-29T10:00", "end": "2027-03-29T11:15"}]}
    always = {"weekly": [{"days": ["sun", "mon"], "from": "00:00", "to": "24:00"}]}
    f = facilitator("F1", availability=always)
    c = case("C1", victim={"availability": only})
    night = {"dates": [{"start": "2027-03-28T00:00", "end": "2027-03-28T03:00"}]}
    c2 = case("C2", victim={"availability": night}, offender={"availability": night})
    plan = run(problem([f], [venue("V1")], [c, c2], start="2027-03-27", end="2027-03-29", slot=15))
    got = placed(plan)
    assert got["C1"].start == dt.datetime(2027, 3, 29, 10, 15)
    assert "C2" not in got  # every window would contain the missing hour
