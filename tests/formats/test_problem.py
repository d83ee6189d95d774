"""Loading problem documents: every problem at once, and the choices the spec leaves open."""

from __future__ import annotations

import json

import pytest

from scheduler.formats import DocumentError, dump_problem, load_problem, load_problem_file
from tests.formats.corpus import BASE_PATH, base_problem, mutated, with_existing


def issues_of(doc) -> list[str]:
    with pytest.raises(DocumentError) as info:
        load_problem(doc)
    return [str(i) for i in info.value.issues]


def paths_of(doc) -> set[str]:
    with pytest.raises(DocumentError) as info:
        load_problem(doc)
    return {i.path for i in info.value.issues}


def test_example_loads_and_round_trips():
    doc = base_problem()
    problem = load_problem(doc)
    assert len(problem.cases) == 12
    assert dump_problem(problem) == doc
    assert dump_problem(load_problem(json.dumps(dump_problem(problem)))) == doc


def test_load_from_file_and_text_agree():
    assert load_problem_file(BASE_PATH) == load_problem(BASE_PATH.read_text())


def test_missing_file_is_a_document_error(tmp_path):
    with pytest.raises(DocumentError, match="cannot read"):
        load_problem_file(tmp_path / "absent.json")


def test_errors_of_several_records_are_all_reported():
    doc = base_problem()
    doc["cases"][0]["parties"][1]["age"] = -1
    doc["cases"][3]["priority"] = 0
    doc["facilitators"][2]["level"] = "expert"
    doc["venues"][1]["rooms"][0]["capacity"] = 0
    assert {
        "cases[0].parties[1].age",
        "cases[3].priority",
        "facilitators[2].level",
        "venues[1].rooms[0].capacity",
    } <= paths_of(doc)


def test_negative_age_wording():
    doc = base_problem()
    doc["cases"][3]["parties"][1]["age"] = -5
    assert "cases[3].parties[1].age: must be a whole number ≥ 0" in issues_of(doc)


def test_bad_case_does_not_hide_dangling_id_elsewhere():
    doc = base_problem()
    doc["cases"][0]["risk"] = "extreme"  # case C1 no longer parses
    doc["facilitators"][0]["conflicts"] = ["P404"]
    doc["keep_apart"] = [["P3", "P3"]]
    assert {"cases[0].risk", "facilitators[0].conflicts[0]", "keep_apart[0]"} <= paths_of(doc)


def test_reference_to_a_record_that_failed_to_parse_is_not_called_dangling():
    doc = base_problem()
    doc["facilitators"][7]["level"] = "expert"  # F8 is broken but exists
    doc["cases"][0]["risk"] = "extreme"  # so are P1 and P2
    doc["facilitators"][0]["conflicts"] = ["P1"]
    assert paths_of(doc) == {"facilitators[7].level", "cases[0].risk"}


def test_broken_top_level_still_checks_records():
    doc = base_problem()
    doc["name"] = 7
    doc["cases"][1]["preferred_facilitators"] = ["F99"]
    assert {"name", "cases[1].preferred_facilitators[0]"} <= paths_of(doc)


def test_keep_apart_pair_in_one_unparsed_case_is_still_caught():
    doc = base_problem()
    doc["cases"][0]["risk"] = "extreme"
    doc["keep_apart"] = [["P1", "P2"]]
    assert "keep_apart[0]" in paths_of(doc)


def test_dst_messages_are_plain():
    gap = issues_of(mutated("existing_start_in_gap"))
    assert (
        "existing[0].start: 2027-03-28T01:30 does not exist in Europe/London (the clocks go forward)"
        in gap
    )
    twice = issues_of(mutated("existing_on_site_twice"))
    assert any(
        "2027-10-31T01:15 occurs twice in Europe/London (the clocks go back)" in s for s in twice
    )


def test_existing_meeting_valid_and_round_trips():
    doc = with_existing(base_problem())
    assert dump_problem(load_problem(doc)) == doc


def test_pinned_existing_meeting_is_accepted():
    doc = with_existing(base_problem())
    doc["existing"][0]["status"] = "pinned"
    load_problem(doc)


# ---- choices where the spec is silent -------------------------------------------------
def test_availability_outside_horizon_is_accepted():
    doc = base_problem()
    doc["facilitators"][0]["availability"]["dates"] = [
        {"start": "2026-12-01T09:00", "end": "2026-12-01T17:00"}
    ]
    load_problem(doc)


def test_room_and_waiting_room_may_share_an_id():
    doc = base_problem()
    doc["venues"][1]["waiting_rooms"] = ["R1", "W2"]
    load_problem(doc)


def test_referred_on_may_be_before_the_horizon():
    doc = base_problem()
    doc["cases"][0]["referred_on"] = "2020-01-01"
    load_problem(doc)


def test_availability_edge_in_dst_gap_is_accepted():
    """Availability edges in the gap are moved by the spec's rule, not refused."""
    doc = base_problem()
    doc["facilitators"][0]["availability"]["dates"] = [
        {"start": "2027-03-28T01:30", "end": "2027-03-28T05:00"}
    ]
    load_problem(doc)


def test_weekly_until_midnight_is_accepted():
    doc = base_problem()
    doc["venues"][2]["availability"]["weekly"][0]["to"] = "24:00"
    problem = load_problem(doc)
    assert dump_problem(problem) == doc


def test_offender_in_custody_of_known_prison_is_accepted():
    doc = base_problem()
    doc["cases"][4]["parties"][1]["in_custody"] = "HMP-Birmingham"
    load_problem(doc)


def test_offender_in_custody_of_a_prison_without_venue_is_accepted():
    """The spec lets in_custody name any prison; the case is then never scheduled."""
    doc = base_problem()
    doc["cases"][4]["parties"][1]["in_custody"] = "HMP-Nowhere"
    assert load_problem(doc).party_by_id[doc["cases"][4]["parties"][1]["id"]].in_custody


def test_slot_not_dividing_the_day_is_accepted():
    """The grid is "minute of the day a multiple of slot_minutes": defined for any slot."""
    doc = base_problem()
    doc["slot_minutes"] = 25
    assert load_problem(doc).slot_minutes == 25


def test_plain_text_and_bytes_input():
    text = json.dumps(base_problem())
    assert load_problem(text) == load_problem(text.encode())


def test_worked_example_in_docs_loads():
    """The two JSON blocks of the worked example in docs/formats.md are valid documents."""
    from pathlib import Path

    from scheduler.formats import load_plan

    text = (Path(__file__).parents[2] / "docs" / "formats.md").read_text(encoding="utf-8")
    example = text[text.index("## A short worked example") :]
    blocks = [b.split("```", 1)[0] for b in example.split("```json\n")[1:]]
    problem = load_problem(blocks[0])
    plan = load_plan(blocks[1], problem)
    assert plan.meetings[0].case == "C1"
