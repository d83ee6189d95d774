"""The soft objective, term by term: each edit of the spec example moves the recomputed
soft cost by exactly what the spec's term says (validity aside: the objective is pure).
"""

from __future__ import annotations

import math

import pytest

from scheduler.domain import Location
from scheduler.geo import haversine_km
from scheduler.verify import compute_objective as objective
from tests.verify.helpers import case, example, facilitator, load, meeting, party, retime, venue


def soft(pr: dict, pl: dict) -> int:
    return objective(*load(pr, pl)).soft_cost


def _near(pr: dict, venue_id: str, km_north: float) -> dict:
    """A point `km_north` kilometres due north of the venue (1° latitude ≈ 111.195 km)."""
    loc = venue(pr, venue_id)["location"]
    return {"lat": loc["lat"] + km_north / 111.19492664455873, "lon": loc["lon"]}


def test_waiting_counts_days_to_the_local_date_times_priority():
    pr, pl = example()
    before = soft(pr, pl)
    m = meeting(pl, "C3")  # priority 3
    retime(pr, pl, "C3", m["start"].replace("2027-03-13", "2027-03-15"))
    assert soft(pr, pl) - before == 2 * 3


def test_continuity_costs_only_when_the_list_is_not_empty():
    pr, pl = example()
    before = soft(pr, pl)
    case(pr, "C3")["preferred_facilitators"] = ["F1"]  # lead is F5
    assert soft(pr, pl) - before == 20
    case(pr, "C3")["preferred_facilitators"] = ["F5"]
    assert soft(pr, pl) == before


@pytest.mark.parametrize(("km", "counted"), [(0.2, 1), (1.0, 1), (2.4, 3)])
def test_travel_is_rounded_up_per_person(km, counted):
    pr, pl = example()
    party(pr, "P5")["home"] = _near(pr, "V3", 0.0)
    party(pr, "P6")["home"] = _near(pr, "V3", 0.0)
    before = soft(pr, pl)
    party(pr, "P5")["home"] = _near(pr, "V3", km)
    party(pr, "P6")["home"] = _near(pr, "V3", km)
    d = haversine_km(Location(**party(pr, "P5")["home"]), Location(**venue(pr, "V3")["location"]))
    assert d == pytest.approx(km, abs=1e-6)
    assert soft(pr, pl) - before == 2 * counted  # two people, each rounded up on their own


def test_party_in_custody_or_without_home_travels_0_km():
    pr, pl = example()
    party(pr, "P6")["home"] = _near(pr, "V3", 0.0)
    base = soft(pr, pl)
    party(pr, "P6")["home"] = _near(pr, "V3", 10.0)
    assert soft(pr, pl) - base == 10
    party(pr, "P6")["in_custody"] = "HMP-Birmingham"
    assert soft(pr, pl) == base
    del party(pr, "P6")["in_custody"]
    del party(pr, "P6")["home"]
    assert soft(pr, pl) == base


def test_interpreter_for_each_attendee_no_facilitator_speaks_to():
    pr, pl = example()
    before = soft(pr, pl)
    party(pr, "P5")["needs"] = {"language": "pl"}  # C3 is led by F5 alone (en)
    party(pr, "P6")["needs"] = {"language": "pl"}
    assert soft(pr, pl) - before == 2 * 10
    facilitator(pr, "F5")["languages"] = ["en", "pl"]
    assert soft(pr, pl) == before


def test_non_consenting_supporter_costs_nothing():
    pr, pl = example()
    before = soft(pr, pl)
    party(pr, "P19")["needs"] = {"language": "xx"}  # C7's supporter, consent false
    party(pr, "P19")["facilitator_gender"] = {"value": "nonbinary"}
    party(pr, "P19")["home"] = _near(pr, "V3", 50.0)
    assert soft(pr, pl) == before


def test_gender_preference_costs_only_when_not_required():
    pr, pl = example()
    before = soft(pr, pl)
    party(pr, "P5")["facilitator_gender"] = {"value": "male"}  # F5 is female
    assert soft(pr, pl) - before == 10
    party(pr, "P5")["facilitator_gender"] = {"value": "male", "required": True}
    assert soft(pr, pl) == before  # a hard rule (2) then, not a preference
    party(pr, "P5")["facilitator_gender"] = {"value": "female"}
    assert soft(pr, pl) == before


def test_max_load_counts_every_meeting_of_the_plan():
    pr, pl = example()
    before = soft(pr, pl)
    # F8 leads C12, C8, C2, C1 (4, the most); one more meeting for F8 raises the max by one.
    m = meeting(pl, "C3")
    m["lead"] = "F8"
    f5_km = haversine_km(
        Location(**facilitator(pr, "F5")["home"]), Location(**venue(pr, "V3")["location"])
    )
    f8_km = haversine_km(
        Location(**facilitator(pr, "F8")["home"]), Location(**venue(pr, "V3")["location"])
    )
    travel = _up(f8_km) - _up(f5_km)
    assert soft(pr, pl) - before == 5 + travel


def _up(km: float) -> int:
    return math.ceil(km - 1e-9)
