"""Document-level checks (rule "plan"), unscheduled reasons and the objective check."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.verify.helpers import case, check, example, meeting, party, relocate, retime

Edit = Callable[[dict, dict], None]


def _row(pl: dict, case_id: str, party_id: str) -> dict:
    return next(r for r in meeting(pl, case_id)["attendance"] if r["party"] == party_id)


def _unscheduled(pl: dict, case_id: str) -> dict:
    return next(u for u in pl["unscheduled"] if u["case"] == case_id)


def _reasons(pl: dict, case_id: str, *codes: str) -> None:
    _unscheduled(pl, case_id)["reasons"] = [{"code": c, "message": "…"} for c in codes]


# (what is wrong, edit, words the "plan" message must hold)
PLAN_BREAKS: list[tuple[str, Edit, tuple[str, ...]]] = [
    ("case missing", lambda pr, pl: pl["unscheduled"].pop(0), ("C4", "neither")),
    (
        "case twice",
        lambda pr, pl: pl["unscheduled"].append(
            {"case": "C8", "reasons": [{"code": "CAPACITY", "message": "x"}]}
        ),
        ("C8", "2 times"),
    ),
    (
        "unknown case",
        lambda pr, pl: pl["unscheduled"].append(
            {"case": "C99", "reasons": [{"code": "CAPACITY", "message": "x"}]}
        ),
        ("C99",),
    ),
    ("wrong problem name", lambda pr, pl: pl.update(problem="other"), ("other",)),
    ("unknown venue", lambda pr, pl: meeting(pl, "C8").update(venue="V9"), ("V9",)),
    (
        "unknown facilitator",
        lambda pr, pl: meeting(pl, "C7").update(co_facilitators=["F99"]),
        ("F99",),
    ),
    (
        "missing attendance row",
        lambda pr, pl: meeting(pl, "C6")["attendance"].pop(0),
        ("C6", "P13", "0 attendance rows"),
    ),
    (
        "row for a non-consenting supporter",
        lambda pr, pl: meeting(pl, "C7")["attendance"].append(
            {**_row(pl, "C7", "P17"), "party": "P19"}
        ),
        ("C7", "P19"),
    ),
    (
        "row for a party of another case",
        lambda pr, pl: meeting(pl, "C7")["attendance"].append(
            {**_row(pl, "C7", "P17"), "party": "P21"}
        ),
        ("C7", "P21"),
    ),
    (
        "duplicate row",
        lambda pr, pl: meeting(pl, "C7")["attendance"].append(_row(pl, "C7", "P17")),
        ("P17", "2 attendance rows"),
    ),
    (
        "supporter on the wrong side",
        lambda pr, pl: _row(pl, "C6", "P15").update(side="offender"),
        ("P15", "victim side"),
    ),
    (
        "arrive off by 15 minutes",
        lambda pr, pl: _row(pl, "C7", "P17").update(arrive="2027-03-08T10:00"),
        ("P17", "[2027-03-08T10:15, 2027-03-08T13:15)"),
    ),
    (
        "first side leaves too early",
        lambda pr, pl: _row(pl, "C7", "P18").update(leave="2027-03-08T13:15"),
        ("P18", "offender side"),
    ),
    (
        "end not start + duration",
        lambda pr, pl: meeting(pl, "C8").update(end="2027-03-12T12:00"),
        ("C8", "2027-03-12T12:15"),
    ),
    (
        "on-site window wrong",
        lambda pr, pl: meeting(pl, "C8")["facilitators_on_site"].update(start="2027-03-12T09:15"),
        ("facilitators_on_site",),
    ),
    (
        "start off the slot grid",
        lambda pr, pl: retime(pr, pl, "C8", "2027-03-12T09:50"),
        ("C8", "grid"),
    ),
    (
        "entrance missing at a venue that names them",
        lambda pr, pl: _row(pl, "C8", "P21").pop("entrance"),
        ("P21", "no entrance"),
    ),
    (
        "entrance not one of the venue's",
        lambda pr, pl: _row(pl, "C8", "P21").update(entrance="Back gate"),
        ("Back gate",),
    ),
    (
        "entrance named where the venue names none",
        lambda pr, pl: [
            relocate(pr, pl, "C8", "V4", "R1"),
            _row(pl, "C8", "P21").update(entrance="Front"),
        ],
        ("V4", "names none"),
    ),
    (
        "confirmed status for a new meeting",
        lambda pr, pl: meeting(pl, "C8").update(status="confirmed"),
        ("C8", "should be proposed"),
    ),
    (
        "warning for an unknown case",
        lambda pr, pl: pl["warnings"].append({"code": "NOTE", "case": "C99", "message": "m"}),
        ("C99",),
    ),
    (
        "PIN_RELEASED without a pin",
        lambda pr, pl: pl["warnings"].append(
            {"code": "PIN_RELEASED", "case": "C8", "message": "m"}
        ),
        ("C8", "no pinned meeting"),
    ),
    (
        "NO_CONSENT for a consenting case",
        lambda pr, pl: _reasons(pl, "C4", "NO_CONSENT"),
        ("C4", "NO_CONSENT", "does not hold"),
    ),
    (
        "NOT_ELIGIBLE_DIRECT for an eligible case",
        lambda pr, pl: _reasons(pl, "C4", "NOT_ELIGIBLE_DIRECT"),
        ("C4", "NOT_ELIGIBLE_DIRECT"),
    ),
    (
        "MISSING_APPROPRIATE_ADULT with no child",
        lambda pr, pl: _reasons(pl, "C9", "MISSING_APPROPRIATE_ADULT"),
        ("C9",),
    ),
    (
        "NO_QUALIFIED_FACILITATOR when a team exists",
        lambda pr, pl: _reasons(pl, "C4", "NO_QUALIFIED_FACILITATOR"),
        ("C4", "NO_QUALIFIED_FACILITATOR"),
    ),
    (
        "NO_SAFE_VENUE when a venue is safe",
        lambda pr, pl: _reasons(pl, "C9", "NO_SAFE_VENUE"),
        ("C9", "NO_SAFE_VENUE"),
    ),
    (
        "single cause NO_SAFE_VENUE not named",
        lambda pr, pl: _reasons(pl, "C5", "NO_COMMON_TIME"),
        ("C5", "only static cause is NO_SAFE_VENUE"),
    ),
    (
        "single cause NO_QUALIFIED_FACILITATOR not named",
        lambda pr, pl: _reasons(pl, "C11", "NO_COMMON_TIME"),
        ("C11", "NO_QUALIFIED_FACILITATOR"),
    ),
    (
        "CAPACITY for a case that cannot run alone",
        lambda pr, pl: _reasons(pl, "C11", "NO_QUALIFIED_FACILITATOR", "CAPACITY"),
        ("C11", "CAPACITY"),
    ),
    (
        "single cause NO_CONSENT not named",
        lambda pr, pl: [
            party(pr, "P8").update(consent=False),
            _reasons(pl, "C4", "NO_COMMON_TIME"),
        ],
        ("C4", "NO_CONSENT"),
    ),
]


@pytest.mark.parametrize(("what", "edit", "mentions"), PLAN_BREAKS, ids=[b[0] for b in PLAN_BREAKS])
def test_document_problem_is_caught(what, edit, mentions):
    pr, pl = example()
    edit(pr, pl)
    found = [v for v in check(pr, pl) if v.rule == "plan"]
    assert found, f"nothing reported for: {what}"
    text = " | ".join(str(v) for v in found)
    for word in mentions:
        assert word in text, f"{word!r} not in {text}"


def test_true_static_reasons_are_accepted():
    pr, pl = example()
    party(pr, "P8")["consent"] = False
    case(pr, "C9")["offence"] = "sexual_harm"  # no facilitator has sexual_harm
    case(pr, "C9")["victim_initiated"] = False
    _reasons(pl, "C4", "NO_CONSENT")
    _reasons(pl, "C9", "NOT_ELIGIBLE_DIRECT", "NO_QUALIFIED_FACILITATOR")
    assert check(pr, pl) == []


def test_under_16_without_carer_is_missing_appropriate_adult():
    pr, pl = example()
    party(pr, "P7")["age"] = 12
    _reasons(pl, "C4", "NO_COMMON_TIME")
    text = " | ".join(str(v) for v in check(pr, pl))
    assert "MISSING_APPROPRIATE_ADULT" in text
    _reasons(pl, "C4", "MISSING_APPROPRIATE_ADULT")
    assert check(pr, pl) == []


def test_objective_mismatch_is_reported():
    pr, pl = example()
    pl["objective"]["soft_cost"] = 338
    pl["solver"]["bound"]["soft_cost"] = 338  # keep the bound consistent with the claim
    (v,) = check(pr, pl)
    assert v.rule == "objective"
    assert "soft cost 338" in v.message
    assert "soft cost 339" in v.message


def _bound_report(pl: dict) -> str:
    pr, _ = example()
    return " | ".join(str(v) for v in check(pr, pl) if v.rule == "plan")


def test_optimal_plan_with_a_gap_to_its_bound_is_reported():
    _, pl = example()
    pl["solver"]["bound"]["soft_cost"] = 300
    assert "OPTIMAL" in _bound_report(pl)


def test_feasible_plan_with_a_lower_bound_is_accepted():
    pr, pl = example()
    pl["solver"]["status"] = "FEASIBLE"
    pl["solver"]["bound"]["soft_cost"] = 300
    assert check(pr, pl) == []


@pytest.mark.parametrize(
    ("level", "value"),
    [("disruption", 1), ("scheduled_priority", 20), ("soft_cost", 340)],
)
def test_bound_worse_than_the_plan_is_reported(level, value):
    _, pl = example()
    pl["solver"]["status"] = "FEASIBLE"
    pl["solver"]["bound"][level] = value
    assert "worse than the plan" in _bound_report(pl)


def test_supporters_have_their_sides_window_when_the_victim_arrives_first():
    pr, pl = example()
    case(pr, "C6")["first_to_arrive"] = "victim"  # C6: victim P13 with supporter P15
    text = " | ".join(str(v) for v in check(pr, pl, fix_objective=True) if v.rule == "plan")
    for pid in ("P13", "P15", "P14", "P16"):
        assert pid in text
    retime(pr, pl, "C6", meeting(pl, "C6")["start"])
    rows = {r["party"]: (r["arrive"], r["leave"]) for r in meeting(pl, "C6")["attendance"]}
    assert rows["P15"] == rows["P13"]
    assert rows["P16"] == rows["P14"]
    assert rows["P13"][0] < rows["P14"][0]  # the victim side arrives first
    assert rows["P13"][1] > rows["P14"][1]  # and leaves last
    assert not [v for v in check(pr, pl, fix_objective=True) if v.rule == "plan"]
