"""Rule 10 (pinned meetings, releases) and the disruption of confirmed meetings."""

from __future__ import annotations

import copy

from scheduler.verify import compute_objective
from tests.verify.helpers import check, example, load, meeting, party, retime, rules_of


def _with_existing(status: str, **changes) -> tuple[dict, dict]:
    """The example, with C8's planned meeting as it stood in `existing` (status given)."""
    pr, pl = example()
    before = copy.deepcopy(meeting(pl, "C8"))
    before.update(status=status, **changes)
    pr["existing"] = [before]
    meeting(pl, "C8")["status"] = status
    return pr, pl


def _release(pl: dict, case_id: str) -> None:
    pl["warnings"].append({"code": "PIN_RELEASED", "case": case_id, "message": "released"})


def test_pinned_meeting_kept_unchanged_is_valid():
    pr, pl = _with_existing("pinned")
    assert check(pr, pl, fix_objective=True) == []


def test_pinned_meeting_moved_to_another_room_breaks_rule_10():
    pr, pl = _with_existing("pinned")
    meeting(pl, "C8")["room"] = "R2"
    violations = check(pr, pl, fix_objective=True)
    assert 10 in rules_of(violations)
    assert any(v.rule == 10 and v.case == "C8" and "R2" in v.message for v in violations)


def test_pinned_meeting_with_other_co_facilitators_breaks_rule_10():
    pr, pl = _with_existing("pinned", co_facilitators=["F3"])
    assert 10 in rules_of(check(pr, pl, fix_objective=True))


def test_pinned_meeting_dropped_without_warning_breaks_rule_10():
    pr, pl = _with_existing("pinned")
    pl["meetings"] = [m for m in pl["meetings"] if m["case"] != "C8"]
    pl["unscheduled"].append({"case": "C8", "reasons": [{"code": "CAPACITY", "message": "x"}]})
    assert 10 in rules_of(check(pr, pl, fix_objective=True))


def test_release_without_a_broken_rule_breaks_rule_10():
    pr, pl = _with_existing("pinned")
    _release(pl, "C8")
    retime(pr, pl, "C8", "2027-03-12T10:00")
    meeting(pl, "C8")["status"] = "proposed"
    violations = check(pr, pl, fix_objective=True)
    assert any(v.rule == 10 and "breaks no hard rule" in v.message for v in violations)


def test_release_after_a_withdrawal_is_justified_and_costs_disruption():
    pr, pl = _with_existing("pinned")
    party(pr, "P22")["consent"] = False  # today's data: the offender withdrew
    pl["meetings"] = [m for m in pl["meetings"] if m["case"] != "C8"]
    pl["unscheduled"].append({"case": "C8", "reasons": [{"code": "NO_CONSENT", "message": "x"}]})
    _release(pl, "C8")
    assert check(pr, pl, fix_objective=True) == []
    problem, plan = load(pr, pl)
    assert compute_objective(problem, plan).disruption == 10


def test_release_when_the_facilitator_is_off_sick_is_justified():
    pr, pl = _with_existing("pinned")
    f8 = next(f for f in pr["facilitators"] if f["id"] == "F8")
    f8["availability"] = {"unavailable": [{"start": "2027-03-12T00:00", "end": "2027-03-13T00:00"}]}
    _release(pl, "C8")
    meeting(pl, "C8").update(lead="F5", status="confirmed")  # same start and venue
    violations = check(pr, pl, fix_objective=True)
    assert 10 not in rules_of(violations)
    assert not [v for v in violations if v.rule == "plan"]


def test_confirmed_meeting_kept_is_confirmed_and_costs_nothing():
    pr, pl = _with_existing("confirmed")
    assert check(pr, pl, fix_objective=True) == []
    assert compute_objective(*load(pr, pl)).disruption == 0


def test_confirmed_meeting_kept_must_say_confirmed():
    pr, pl = _with_existing("confirmed")
    meeting(pl, "C8")["status"] = "proposed"
    assert any("should be confirmed" in v.message for v in check(pr, pl, fix_objective=True))


def test_disruption_counts_each_former_facilitator_lost():
    pr, pl = _with_existing("confirmed", lead="F5")  # F5 led it; the plan gives it to F8
    assert compute_objective(*load(pr, pl)).disruption == 1


def test_disruption_of_a_moved_meeting_is_10_plus_lost_facilitators():
    pr, pl = _with_existing("confirmed", lead="F5")
    retime(pr, pl, "C8", "2027-03-12T10:00")
    meeting(pl, "C8")["status"] = "proposed"
    assert compute_objective(*load(pr, pl)).disruption == 11


def test_swapping_lead_and_co_costs_nothing():
    pr, pl = example()
    before = copy.deepcopy(meeting(pl, "C7"))
    before.update(status="confirmed", lead="F3", co_facilitators=["F4"], room="R2")
    pr["existing"] = [before]
    meeting(pl, "C7")["status"] = "confirmed"
    assert compute_objective(*load(pr, pl)).disruption == 0
