"""Each hard rule, clause by clause: a small edit of the spec example that breaks it is
caught under that rule's number, and the message names the case and what is involved.

The table reads as the rules: `BREAKS` lists (rule, edit, words the message must hold).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from scheduler.domain import Location
from scheduler.geo import haversine_km
from tests.verify.helpers import (
    always_available,
    case,
    check,
    example,
    facilitator,
    meeting,
    party,
    relocate,
    retime,
    rules_of,
    venue,
)

Edit = Callable[[dict, dict], None]
BREAKS: list[tuple[int, str, Edit, tuple[str, ...]]] = []
HOLDS: list[tuple[int, str, Edit]] = []


def breaks(rule: int, *mentions: str) -> Callable[[Edit], Edit]:
    def register(edit: Edit) -> Edit:
        BREAKS.append((rule, edit.__name__, edit, mentions))
        return edit

    return register


def holds(rule: int) -> Callable[[Edit], Edit]:
    def register(edit: Edit) -> Edit:
        HOLDS.append((rule, edit.__name__, edit))
        return edit

    return register


# --------------------------------------------------------------------------- 1 eligibility


@breaks(1, "C7", "P18")
def offender_withdraws_consent(pr, pl):
    party(pr, "P18")["consent"] = False


@breaks(1, "C6", "P13")
def victim_consent_absent(pr, pl):
    del party(pr, "P13")["consent"]


@breaks(1, "C6", "domestic_abuse")
def domestic_abuse_not_victim_initiated(pr, pl):
    case(pr, "C6").update(offence="domestic_abuse", victim_initiated=False)


@breaks(1, "C7", "P17")
def under_16_without_carer(pr, pl):
    party(pr, "P17")["age"] = 15


@breaks(1, "C7", "P17")
def under_16_whose_carer_has_not_consented(pr, pl):
    party(pr, "P17")["age"] = 15
    party(pr, "P19").update(relationship="parent_carer", consent=False, supports="P17")


@holds(1)
def under_16_with_consenting_carer_on_their_side(pr, pl):
    party(pr, "P17")["age"] = 15
    party(pr, "P19").update(relationship="parent_carer", consent=True, supports="P17")


# --------------------------------------------------------------------------- 2 facilitators


@breaks(2, "C8", "F2", "foundation")
def foundation_lead(pr, pl):
    meeting(pl, "C8")["lead"] = "F2"


@breaks(2, "C8", "exactly 1")
def too_many_facilitators(pr, pl):
    meeting(pl, "C8")["co_facilitators"] = ["F3"]


@breaks(2, "C7", "not distinct")
def same_facilitator_twice(pr, pl):
    meeting(pl, "C7")["co_facilitators"] = ["F4"]


@breaks(2, "C7", "F3", "advanced")
def sensitive_complex_lead_not_advanced(pr, pl):
    meeting(pl, "C7").update(lead="F3", co_facilitators=["F4"])


@breaks(2, "C7", "F7", "sensitive_complex")
def sensitive_complex_co_without_training(pr, pl):
    meeting(pl, "C7")["co_facilitators"] = ["F7"]


@breaks(2, "C8", "exactly 2")
def sensitive_complex_taken_as_two(pr, pl):
    case(pr, "C8")["risk"] = "high"  # says 1, but S&C always gets 2


@breaks(2, "C7", "domestic_abuse")
def domestic_abuse_lead_lacks_skill(pr, pl):
    case(pr, "C7").update(offence="domestic_abuse", victim_initiated=True)
    facilitator(pr, "F4")["skills"] = ["sensitive_complex", "prison"]


@breaks(2, "C6", "hate_crime")
def hate_crime_without_skill(pr, pl):
    case(pr, "C6").update(offence="hate_crime", risk="low")
    facilitator(pr, "F4")["skills"] = ["sensitive_complex", "domestic_abuse", "prison"]


@breaks(2, "C8", "P21", "youth")
def under_18_without_youth(pr, pl):
    party(pr, "P21")["age"] = 17


@breaks(2, "C7", "F3", "prison")
def custody_needs_prison_skill_for_every_facilitator(pr, pl):
    party(pr, "P18")["in_custody"] = "HMP-Birmingham"


@breaks(2, "C8", "P21", "female")
def required_gender_not_met(pr, pl):
    party(pr, "P21")["facilitator_gender"] = {"value": "female", "required": True}


@breaks(2, "C8", "F8", "P22")
def facilitator_conflict(pr, pl):
    facilitator(pr, "F8")["conflicts"] = ["P22"]


# --------------------------------------------------------------------------- 3 presence windows


@breaks(3, "C8", "2027-03-08..2027-03-11")
def after_latest(pr, pl):
    case(pr, "C8")["latest"] = "2027-03-11"


@breaks(3, "C8", "F8")
def facilitator_off_sick(pr, pl):
    facilitator(pr, "F8")["availability"] = {
        "unavailable": [{"start": "2027-03-12T12:30", "end": "2027-03-12T13:00"}]
    }


@breaks(3, "C8", "venue V3")
def venue_closes_early(pr, pl):
    venue(pr, "V3")["availability"] = {
        "weekly": [{"days": ["fri"], "from": "09:00", "to": "12:30"}]
    }


@breaks(3, "C8", "P22")
def offender_side_arrives_before_party_is_free(pr, pl):
    # The offender side arrives at 09:15; a party free from 09:30 is not free for it.
    party(pr, "P22")["availability"] = {
        "weekly": [{"days": ["fri"], "from": "09:30", "to": "17:00"}]
    }


@holds(3)
def party_free_exactly_for_the_window(pr, pl):
    party(pr, "P22")["availability"] = {
        "dates": [{"start": "2027-03-12T09:15", "end": "2027-03-12T12:30"}]
    }


@breaks(3, "C7", "horizon")
def before_horizon(pr, pl):
    always_available(pr)
    case(pr, "C7").pop("earliest")
    retime(pr, pl, "C7", "2027-03-08T00:30")  # the offender side arrives on 03-07


@breaks(3, "C1", "clock change")
def window_crosses_clock_change(pr, pl):
    always_available(pr)
    retime(pr, pl, "C1", "2027-03-28T00:15")  # 01:00 GMT → 02:00 BST lies inside


@breaks(3, "C1", "clock change")
def facilitators_window_reaches_clock_change(pr, pl):
    always_available(pr)
    retime(pr, pl, "C1", "2027-03-28T02:15")  # on site from 01:30 (a time that does not exist)


# --------------------------------------------------------------------------- 4 venue


@breaks(4, "C8", "room V3/R1", "C6")
def two_meetings_one_room(pr, pl):
    always_available(pr)
    retime(pr, pl, "C8", "2027-03-09T13:30")  # on site 12:45; C6 holds R1 until 13:15


@holds(4)
def room_reused_right_after(pr, pl):
    always_available(pr)
    retime(pr, pl, "C8", "2027-03-09T14:00")  # on site from 13:15, when C6 lets R1 go


@breaks(4, "waiting room V3/W1")
def waiting_room_held_by_two_meetings(pr, pl):
    always_available(pr)
    relocate(pr, pl, "C8", "V3", "R2")
    retime(pr, pl, "C8", "2027-03-09T13:30")


@breaks(4, "C7", "share waiting room W1")
def sides_share_waiting_room(pr, pl):
    for row in meeting(pl, "C7")["attendance"]:
        row["waiting_room"] = "W1"


@breaks(4, "C6", "victim side is split")
def one_side_in_two_waiting_rooms(pr, pl):
    venue(pr, "V3")["waiting_rooms"].append("W3")
    next(r for r in meeting(pl, "C6")["attendance"] if r["party"] == "P15")["waiting_room"] = "W3"


@breaks(4, "C6", "holds 5", "needs 6")
def head_count_over_capacity(pr, pl):
    venue(pr, "V3")["rooms"][0]["capacity"] = 5  # 4 attendees + 2 facilitators


@holds(4)
def non_consenting_supporters_not_counted(pr, pl):
    venue(pr, "V3")["rooms"][1]["capacity"] = 4  # C7: 2 attend (P19, P20 no consent) + 2
    relocate(pr, pl, "C7", "V3", "R2")  # R2 otherwise holds only C2: 2 parties + 2


@breaks(4, "C8", "hearing loop")
def hearing_loop_needed(pr, pl):
    party(pr, "P21")["needs"]["hearing_loop"] = True


@breaks(4, "C12", "step-free")
def step_free_needed(pr, pl):
    party(pr, "P32")["needs"]["step_free"] = True


@breaks(4, "C7", "separate entrances")
def separate_entrances_missing(pr, pl):
    venue(pr, "V3")["separate_entrances"] = False


@breaks(4, "C7", "both sides use entrance")
def sides_through_same_door(pr, pl):
    for row in meeting(pl, "C7")["attendance"]:
        row["entrance"] = "Front counter"


# --------------------------------------------------------------------------- 5 custody


@breaks(5, "C8", "HMP-Birmingham")
def custody_case_outside_prison(pr, pl):
    party(pr, "P22")["in_custody"] = "HMP-Birmingham"


@breaks(5, "C8", "V1")
def custody_case_at_wrong_prison(pr, pl):
    other = {**venue(pr, "V1"), "id": "V5", "prison": "HMP-Winson-Green"}
    pr["venues"].append(other)
    party(pr, "P22")["in_custody"] = "HMP-Winson-Green"
    relocate(pr, pl, "C8", "V1", "R1")


@breaks(5, "C8", "prison venue V1")
def prison_hosts_case_with_nobody_held_there(pr, pl):
    relocate(pr, pl, "C8", "V1", "R1")


# --------------------------------------------------------------------------- 6 safety distance


def _v3() -> Location:
    pr, _ = example()
    return Location(**venue(pr, "V3")["location"])


@breaks(6, "C8", "exclusion zone", "P22")
def venue_inside_exclusion_zone(pr, pl):
    party(pr, "P22")["exclusion_zones"] = [
        {"center": {"lat": 52.489, "lon": -1.892}, "radius_km": 0.5}
    ]


@breaks(6, "C8", "exclusion zone")
def venue_on_exclusion_zone_circle(pr, pl):
    centre = Location(lat=52.5, lon=-1.9)
    radius = haversine_km(centre, _v3())
    party(pr, "P22")["exclusion_zones"] = [{"center": centre.to_doc(), "radius_km": radius}]


@breaks(6, "C8", "victim P21", "less than")
def venue_near_victims_home(pr, pl):
    case(pr, "C8")["protect_victim_locality"] = True
    pr["policy"]["min_victim_home_distance_km"] = 50.0


@holds(6)
def venue_exactly_at_minimum_distance(pr, pl):
    home = Location(**party(pr, "P21")["home"])
    case(pr, "C8")["protect_victim_locality"] = True
    case(pr, "C7")["protect_victim_locality"] = False  # S&C: protected by default, and nearer
    pr["policy"]["min_victim_home_distance_km"] = haversine_km(home, _v3())


@breaks(6, "C8", "P21", "beyond")
def beyond_partys_travel_limit(pr, pl):
    party(pr, "P21")["max_travel_km"] = 1


@holds(6)
def party_exactly_at_travel_limit(pr, pl):
    party(pr, "P21")["max_travel_km"] = haversine_km(Location(**party(pr, "P21")["home"]), _v3())


@holds(6)
def party_in_custody_exempt_from_travel(pr, pl):
    party(pr, "P22").update(max_travel_km=0.1, in_custody="HMP-Birmingham")


@breaks(6, "C8", "facilitator F8", "beyond")
def beyond_facilitators_travel_limit(pr, pl):
    facilitator(pr, "F8")["max_travel_km"] = 1


# --------------------------------------------------------------------------- 7 keep apart


def _c3_beside_c8(pr, pl):
    always_available(pr)
    venue(pr, "V3")["waiting_rooms"] += ["W3", "W4"]
    relocate(pr, pl, "C3", "V3", "R2", ("W3", "W4"))
    retime(pr, pl, "C3", "2027-03-12T12:45")  # P5 (victim side) from 12:30, P22 until 12:30+


@breaks(7, "P22", "P5", "V3")
def keep_apart_parties_overlap_at_one_venue(pr, pl):
    _c3_beside_c8(pr, pl)
    pr["keep_apart"].append(["P22", "P5"])
    retime(pr, pl, "C3", "2027-03-12T12:15")


@holds(7)
def keep_apart_parties_back_to_back(pr, pl):
    _c3_beside_c8(pr, pl)  # P22 (offender, leaves last) until 12:30; P5 arrives 12:30
    pr["keep_apart"].append(["P22", "P5"])


@holds(7)
def keep_apart_parties_overlap_at_different_venues(pr, pl):
    always_available(pr)
    pr["keep_apart"].append(["P22", "P5"])
    relocate(pr, pl, "C3", "V4", "R1")
    retime(pr, pl, "C3", "2027-03-12T10:00")


# --------------------------------------------------------------------------- 8 double booking


@breaks(8, "F8", "C8", "C3")
def facilitator_double_booked(pr, pl):
    always_available(pr)
    facilitator(pr, "F8")["max_meetings_per_day"] = 2
    _c3_beside_c8(pr, pl)
    meeting(pl, "C3")["lead"] = "F8"


def _f3_after_c2_at_v2(pr, pl, start: str):
    always_available(pr)
    facilitator(pr, "F3")["max_travel_km"] = 100
    relocate(pr, pl, "C3", "V2", "R2")
    meeting(pl, "C3")["lead"] = "F3"
    retime(pr, pl, "C3", start)  # C2 at V3 keeps F3 on site until 11:45


@breaks(8, "F3", "travel takes")
def travel_gap_too_short(pr, pl):
    _f3_after_c2_at_v2(pr, pl, "2027-03-15T12:30")  # on site 11:45: gap 0 min


@holds(8)
def travel_gap_long_enough(pr, pl):
    _f3_after_c2_at_v2(pr, pl, "2027-03-15T12:45")  # gap 15 min; V3→V2 is about 7 min


# --------------------------------------------------------------------------- 9 workload


@breaks(9, "F3", "2027-W10")
def weekly_cap_exceeded(pr, pl):
    facilitator(pr, "F3")["max_meetings_per_week"] = 1  # C7 (Mon) and C6 (Tue)


@breaks(9, "F3", "2027-03-15")
def daily_cap_exceeded(pr, pl):
    _f3_after_c2_at_v2(pr, pl, "2027-03-15T13:00")
    facilitator(pr, "F3")["max_meetings_per_day"] = 1


@holds(9)
def weekly_cap_counts_iso_weeks(pr, pl):
    facilitator(pr, "F8")["max_meetings_per_week"] = 2  # C12, C8 (W10); C2 is Monday of W11


# --------------------------------------------------------------------------- supporters, dates
# "Ages and the under-16 and under-18 rules apply to supporters too."


@breaks(1, "C6", "P15")
def supporter_under_16_without_carer_on_their_side(pr, pl):
    party(pr, "P15")["age"] = 15  # supports victim P13; nobody on that side is a parent_carer


@holds(1)
def non_consenting_supporter_under_16_does_not_attend(pr, pl):
    party(pr, "P19")["age"] = 15  # C7's supporter has not consented: not there at all


@breaks(2, "C6", "P16", "youth")
def supporter_under_18_without_youth(pr, pl):
    facilitator(pr, "F3")["skills"] = ["sensitive_complex"]  # C6 is F4 + F3
    party(pr, "P16")["age"] = 17


@holds(2)
def non_consenting_supporter_under_18_needs_no_youth(pr, pl):
    facilitator(pr, "F3")["skills"] = ["sensitive_complex"]  # C7 is F4 + F3
    party(pr, "P19")["age"] = 17


@holds(8)
def no_travel_gap_between_different_local_dates(pr, pl):
    # C2 (F3, V3) on site until 00:00 on the 16th; C3 (F3, V2) on site from 00:00:
    # conferences start on different local dates, so no travel time is owed.
    _f3_after_c2_at_v2(pr, pl, "2027-03-16T00:45")
    retime(pr, pl, "C2", "2027-03-15T22:00")


@breaks(8, "F3", "travel takes")
def travel_gap_owed_on_the_same_local_date(pr, pl):
    _f3_after_c2_at_v2(pr, pl, "2027-03-15T23:45")
    retime(pr, pl, "C2", "2027-03-15T21:00")  # on site until 23:00, C3 from 23:00


# --------------------------------------------------------------------------- the table


@pytest.mark.parametrize(("rule", "name", "edit", "mentions"), BREAKS, ids=[b[1] for b in BREAKS])
def test_breaking_edit_is_caught_under_its_rule(rule, name, edit, mentions):
    pr, pl = example()
    edit(pr, pl)
    found = [v for v in check(pr, pl) if v.rule == rule]
    assert found, f"rule {rule} not reported for {name}"
    text = " | ".join(str(v) for v in found)
    for word in mentions:
        assert word in text, f"{word!r} not named in: {text}"


@pytest.mark.parametrize(("rule", "name", "edit"), HOLDS, ids=[h[1] for h in HOLDS])
def test_edit_on_the_boundary_keeps_the_rule(rule, name, edit):
    pr, pl = example()
    edit(pr, pl)
    violations = check(pr, pl)
    assert rule not in rules_of(violations), [str(v) for v in violations]


def test_every_hard_rule_but_pinned_has_a_breaking_case():
    assert {b[0] for b in BREAKS} >= set(range(1, 10))
