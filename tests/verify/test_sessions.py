"""The checker on case journeys (spec journeys.md): the example is valid, and each rule
S1–S8 and each objective addition is caught when a plan breaks it (a mutation of the
example plan or problem)."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.cli import cli
from scheduler.formats import DocumentError
from scheduler.timeutil import Clock
from scheduler.verify import Violation, compute_objective, verify
from tests.verify.helpers import check, load, rules_of

DATA = Path(__file__).parent.parent / "data"
FMT = "%Y-%m-%dT%H:%M"


def example() -> tuple[dict, dict]:
    return (
        json.loads((DATA / "journeys.problem.json").read_text(encoding="utf-8")),
        json.loads((DATA / "journeys.plan.json").read_text(encoding="utf-8")),
    )


def row(pl: dict, sid: str) -> dict:
    return next(s for s in pl["sessions"] if s["session"] == sid)


def spec_session(pr: dict, sid: str) -> dict:
    return next(s for c in pr["cases"] for s in c.get("sessions", []) if s["id"] == sid)


def party(pr: dict, pid: str) -> dict:
    return next(p for c in pr["cases"] for p in c["parties"] if p["id"] == pid)


def facilitator(pr: dict, fid: str) -> dict:
    return next(f for f in pr["facilitators"] if f["id"] == fid)


def place(pr: dict, pl: dict, sid: str, start: str, mode: str | None = None) -> dict:
    """Move a session to `start` (and `mode`), with end and on_site derived as the spec says."""
    r = row(pl, sid)
    if mode is not None:
        r["mode"] = mode
        if mode != "venue":
            r.pop("venue", None)
            r.pop("room", None)
    clock = Clock(pr.get("timezone", "Europe/London"))
    s = clock.instant(dt.datetime.strptime(start, FMT))
    e = s + spec_session(pr, sid)["duration_minutes"]
    m = 0 if r["mode"] == "video" else pr.get("policy", {}).get("session_margin_minutes", 15)
    r["start"], r["end"] = clock.local_str(s), clock.local_str(e)
    r["on_site"] = {"start": clock.local_str(s - m), "end": clock.local_str(e + m)}
    return r


def session_rules(pr: dict, pl: dict) -> list[Violation]:
    return check(pr, pl, fix_objective=True)


def messages(vs: list[Violation], rule: str) -> str:
    return "\n".join(str(v) for v in vs if v.rule == rule)


# --------------------------------------------------------------------------- the example


def test_example_plan_verifies_with_its_objective():
    pr, pl = example()
    problem, plan = load(pr, pl)
    assert check(pr, pl) == []
    o = compute_objective(problem, plan)
    assert (o.disruption, o.scheduled_priority, o.soft_cost) == (0, 31, 1155)


def test_cli_verify_accepts_the_example():
    result = CliRunner().invoke(
        cli, ["verify", str(DATA / "journeys.problem.json"), str(DATA / "journeys.plan.json")]
    )
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output
    assert "26 sessions" in result.output
    assert "soft cost 1155" in result.output


def test_plans_without_sessions_verify_as_before():
    from tests.verify.helpers import example as small

    pr, pl = small()
    assert check(pr, pl) == []
    problem, plan = load(pr, pl)
    assert compute_objective(problem, plan).soft_cost == 339


# --------------------------------------------------------------------------- S1


def test_s1_a_session_of_an_ineligible_case_is_caught():
    pr, pl = example()
    party(pr, "P6")["consent"] = False  # C3 has no conference: only its sessions are scheduled
    vs = session_rules(pr, pl)
    assert "P6 has not consented" in messages(vs, "S1")


def test_s1_a_case_scheduled_in_part_is_caught():
    pr, pl = example()
    pl["sessions"] = [s for s in pl["sessions"] if s["session"] != "C1-P1-2"]
    vs = session_rules(pr, pl)
    assert "C1-P1-2 are missing" in messages(vs, "S1")


def test_s1_sessions_of_an_unscheduled_case_are_caught():
    pr, pl = example()
    pl["meetings"] = [m for m in pl["meetings"] if m["case"] != "C8"]
    pl["unscheduled"].append({"case": "C8", "reasons": [{"code": "CAPACITY", "message": "taken"}]})
    vs = session_rules(pr, pl)
    assert "unscheduled, but its session(s) C8-P20-1, C8-P21-1" in messages(vs, "S1")


def test_s1_a_meeting_for_a_case_without_conference_is_caught():
    pr, pl = example()
    extra = copy.deepcopy(next(m for m in pl["meetings"] if m["case"] == "C2"))
    extra["case"] = "C4"
    pl["meetings"].append(extra)
    assert "has no conference" in messages(session_rules(pr, pl), "S1")


# --------------------------------------------------------------------------- S2


def test_s2_a_session_led_by_another_facilitator_is_caught():
    pr, pl = example()
    row(pl, "C1-P2-1")["facilitators"] = ["F2"]
    assert "led by F2, the case's lead is F1" in messages(session_rules(pr, pl), "S2")


def test_s2_a_non_team_session_with_the_co_facilitator_is_caught():
    pr, pl = example()
    row(pl, "C1-P2-1")["facilitators"] = ["F1", "F2"]
    assert "the lead alone attends" in messages(session_rules(pr, pl), "S2")


def test_s2_a_team_session_without_the_whole_team_is_caught():
    pr, pl = example()
    row(pl, "C5-P13-1")["facilitators"] = ["F1"]
    assert "the whole team (F1, F2)" in messages(session_rules(pr, pl), "S2")


def test_s2_a_case_without_conference_needs_a_qualified_team():
    pr, pl = example()
    for sid in ("C4-P9-1", "C4-P10-1"):
        row(pl, sid)["facilitators"] = ["F3"]  # foundation: can never lead
    assert "no co-facilitator can complete a team" in messages(session_rules(pr, pl), "S2")


def test_s2_a_team_session_of_a_case_without_conference_needs_the_whole_team():
    pr, pl = example()
    case = next(c for c in pr["cases"] if c["id"] == "C4")
    case["sessions"][1]["team"] = True  # C4-P10-1, held by F1 alone; C4 needs two
    assert "has 1 facilitator(s) (F1), needs exactly 2" in messages(session_rules(pr, pl), "S2")
    row(pl, "C4-P10-1")["facilitators"] = ["F1", "F2"]
    assert "S2" not in rules_of(session_rules(pr, pl))


# --------------------------------------------------------------------------- S3


def test_s3_the_preparation_gap_is_caught():
    pr, pl = example()
    place(pr, pl, "C1-P1-2", "2027-03-21T15:15")  # the conference is on 2027-03-22
    assert "1 local date(s) before the conference" in messages(session_rules(pr, pl), "S3")


def test_s3_a_gap_of_zero_allows_the_same_date_only_before_the_facilitators_arrive():
    pr, pl = example()
    pr["policy"]["preparation_gap_days"] = 0
    for c in pr["cases"]:
        c.pop("latest", None)
    for p in party(pr, "P1"), facilitator(pr, "F1"):
        p.pop("availability", None)
    place(pr, pl, "C1-P1-2", "2027-03-22T15:15")  # ends 16:15, facilitators arrive 17:30
    assert "S3" not in rules_of(session_rules(pr, pl))
    place(pr, pl, "C1-P1-2", "2027-03-22T16:45")  # ends 17:45
    assert "ending before the facilitators arrive" in messages(session_rules(pr, pl), "S3")


def test_s3_off_grid_start_is_caught():
    pr, pl = example()
    place(pr, pl, "C1-P1-2", "2027-03-20T15:20")
    assert "not on the 15-minute grid" in messages(session_rules(pr, pl), "S3")


def test_s3_after_order_is_caught():
    pr, pl = example()
    place(pr, pl, "C1-P1-1", "2027-03-20T10:00")  # C1-P1-2 (after it) is on 2027-03-20 too
    assert "must come after session C1-P1-1" in messages(session_rules(pr, pl), "S3")


def test_s3_latest_binds_sessions_of_a_case_without_conference():
    pr, pl = example()
    place(pr, pl, "C3-P6-2", "2027-03-27T12:00")  # C3's latest is 2027-03-25
    assert "outside the case's dates" in messages(session_rules(pr, pl), "S3")


def test_s3_latest_does_not_bind_sessions_of_a_case_with_conference():
    pr, pl = example()
    case = next(c for c in pr["cases"] if c["id"] == "C1")
    case["earliest"] = "2027-03-21"  # the conference is on 03-22; its sessions earlier
    assert "S3" not in rules_of(session_rules(pr, pl))


def test_s3_availability_is_caught():
    pr, pl = example()
    facilitator(pr, "F8")["availability"].setdefault("unavailable", []).append(
        {"start": "2027-03-08T11:00", "end": "2027-03-08T12:00"}
    )
    assert "F8 is not available" in messages(session_rules(pr, pl), "S3")


def test_s3_the_margin_window_must_be_available():
    pr, pl = example()
    # C3-P7-1 runs 10:15–11:15 at V2: facilitators on site 10:00–11:30.
    facilitator(pr, "F8")["availability"].setdefault("unavailable", []).append(
        {"start": "2027-03-08T11:15", "end": "2027-03-08T12:00"}
    )
    assert "F8 is not available" in messages(session_rules(pr, pl), "S3")


def test_s3_horizon_and_clock_change_are_caught():
    pr, pl = example()
    place(pr, pl, "C3-P7-1", "2027-03-07T10:15")
    assert "outside the horizon" in messages(session_rules(pr, pl), "S3")
    pr, pl = example()
    place(pr, pl, "C2-P3-1", "2027-03-28T00:30")  # on site until 01:45: the clocks go forward
    assert "crosses the clock change" in messages(session_rules(pr, pl), "S3")


# --------------------------------------------------------------------------- S4


def test_s4_a_mode_the_session_does_not_allow_is_caught():
    pr, pl = example()
    place(pr, pl, "C2-P3-1", "2027-03-28T11:00", mode="video")  # modes: venue only
    assert "which its modes (venue) do not allow" in messages(session_rules(pr, pl), "S4")


def test_s4_a_lone_home_visit_to_an_offender_is_caught():
    pr, pl = example()
    spec_session(pr, "C1-P2-1")["modes"].append("home")
    place(pr, pl, "C1-P2-1", "2027-03-15T20:15", mode="home")
    vs = session_rules(pr, pl)
    assert "home visit to an offender: it needs at least two facilitators" in messages(vs, "S4")
    assert "is a team session" in messages(vs, "S2")


def test_s4_a_team_home_visit_to_an_offender_of_a_one_facilitator_case_is_caught():
    pr, pl = example()
    spec_session(pr, "C12-P33-1")["modes"].append("home")
    place(pr, pl, "C12-P33-1", "2027-03-08T09:15", mode="home")
    assert "at least two facilitators" in messages(session_rules(pr, pl), "S4")


def test_s4_home_visit_without_a_home_or_in_custody_is_caught():
    pr, pl = example()
    party(pr, "P6").pop("home")
    assert "P6 has no home" in messages(session_rules(pr, pl), "S4")
    pr, pl = example()
    party(pr, "P6")["in_custody"] = "HMP-Birmingham"
    assert "in custody at HMP-Birmingham" in messages(session_rules(pr, pl), "S4")


def test_s4_a_home_beyond_the_facilitators_reach_is_caught():
    pr, pl = example()
    facilitator(pr, "F8")["max_travel_km"] = 0.5
    assert "from facilitator F8's home, beyond their 0.5 km" in messages(
        session_rules(pr, pl), "S4"
    )


def test_s4_room_capacity_and_access_are_caught():
    pr, pl = example()
    pr["venues"][1]["rooms"][0]["capacity"] = 1  # V2 R1
    assert "holds 1, the session needs 2" in messages(session_rules(pr, pl), "S4")
    pr, pl = example()
    party(pr, "P7")["needs"] = {"step_free": True}
    pr["venues"][1]["step_free"] = False
    assert "P7 needs step-free access" in messages(session_rules(pr, pl), "S4")


def test_s4_a_room_used_twice_is_caught():
    pr, pl = example()
    r = place(pr, pl, "C3-P7-1", "2027-03-08T09:30")
    r["venue"], r["room"] = "V3", "R2"  # C12-P33-1 holds V3/R2 09:00–10:30
    assert "room V3/R2 is used by session C12-P33-1" in messages(session_rules(pr, pl), "S4")


def test_s4_a_room_held_by_a_conference_is_caught():
    pr, pl = example()
    r = place(pr, pl, "C11-P30-2", "2027-03-20T11:00")  # the C6 conference holds V3/R1
    assert r["room"] == "R1"
    assert "the conference of C6" in messages(session_rules(pr, pl), "S4")


def test_s4_custody_rules_are_caught():
    pr, pl = example()
    party(pr, "P7")["in_custody"] = "HMP-Birmingham"
    assert "must be at its prison venue or by video" in messages(session_rules(pr, pl), "S4")
    pr, pl = example()
    r = row(pl, "C3-P7-1")
    r["venue"], r["room"] = "V1", "R1"
    assert "prison venue V1" in messages(session_rules(pr, pl), "S4")


# --------------------------------------------------------------------------- S5


def test_s5_travel_limits_at_a_venue_are_caught():
    pr, pl = example()
    party(pr, "P7")["max_travel_km"] = 0.01
    assert "from P7's home, beyond their 0.01 km" in messages(session_rules(pr, pl), "S5")
    pr, pl = example()
    facilitator(pr, "F8")["max_travel_km"] = 0.01
    assert "from facilitator F8's home" in messages(session_rules(pr, pl), "S5")


def test_s5_an_offenders_exclusion_zone_is_caught():
    pr, pl = example()
    v2 = pr["venues"][1]["location"]
    party(pr, "P7")["exclusion_zones"] = [{"center": v2, "radius_km": 1.0}]
    assert "exclusion zone of offender P7" in messages(session_rules(pr, pl), "S5")


def test_s5_keep_apart_counts_session_presence():
    pr, pl = example()
    pr["keep_apart"].append(["P33", "P7"])
    r = place(pr, pl, "C3-P7-1", "2027-03-08T09:30")
    r["venue"], r["room"] = "V3", "R1"  # P33 is at V3 09:15–10:15 (C12-P33-1)
    assert "P33 (session C12-P33-1)" in messages(session_rules(pr, pl), "S5")


def test_s5_keep_apart_ignores_a_video_session():
    pr, pl = example()
    pr["keep_apart"].append(["P12", "P9"])
    # P9 at V3 18:00–18:45 while P12 is on the video call C5-P12-1 (17:45–19:15).
    place(pr, pl, "C4-P9-1", "2027-03-29T18:00")
    vs = session_rules(pr, pl)
    assert "S5" not in rules_of(vs)
    assert "S6" in rules_of(vs)  # F1 cannot be on the call and at V3, though


# --------------------------------------------------------------------------- S6


def test_s6_a_facilitator_in_two_sessions_at_once_is_caught():
    pr, pl = example()
    place(pr, pl, "C4-P10-1", "2027-03-08T18:00")
    assert "facilitator F1 is booked for session C4-P9-1" in messages(session_rules(pr, pl), "S6")


def test_s6_a_session_overlapping_a_conference_is_caught():
    pr, pl = example()
    place(pr, pl, "C8-P20-1", "2027-03-27T12:00")  # F1 leads C11's conference 11:15–14:00
    assert "the conference of C11" in messages(session_rules(pr, pl), "S6")


def test_s6_a_party_in_two_sessions_at_once_is_caught():
    pr, pl = example()
    place(pr, pl, "C3-P6-2", "2027-03-13T11:00")  # P6 is visited 10:00–11:30
    assert "party P6 is booked" in messages(session_rules(pr, pl), "S6")


def test_s6_travel_between_homes_is_caught():
    pr, pl = example()
    # F8 leaves P6's home (C3-P6-2) at 13:00; C6-P14-1 at P14's home would start on site at 13:00.
    place(pr, pl, "C6-P14-1", "2027-03-13T13:15")
    assert "travel takes" in messages(session_rules(pr, pl), "S6")


def test_s6_no_travel_is_needed_around_a_video_session():
    pr, pl = example()
    # C5-P12-1 (video 17:45–19:15) then C5-P13-1 at V3 (on site from 19:30): move the call
    # to end exactly when the facilitators must be on site at V3.
    place(pr, pl, "C5-P12-1", "2027-03-29T18:00")
    assert "S6" not in rules_of(session_rules(pr, pl))


# --------------------------------------------------------------------------- S7


def test_s7_max_sessions_per_week_is_caught():
    pr, pl = example()
    facilitator(pr, "F8")["max_sessions_per_week"] = 5  # the example's cap is 6
    assert "facilitator F8 has 6 sessions in ISO week 2027-W10" in messages(
        session_rules(pr, pl), "S7"
    )


def test_s7_conferences_do_not_count_against_the_session_cap():
    pr, pl = example()
    # F1 (cap 4) has 4 sessions in ISO week 2027-W12 and leads two conferences there.
    assert facilitator(pr, "F1")["max_sessions_per_week"] == 4
    week = [
        s
        for s in pl["sessions"]
        if "F1" in s["facilitators"] and "03-22" <= s["start"][5:10] <= "03-28"
    ]
    assert len(week) == 4
    assert "S7" not in rules_of(session_rules(pr, pl))
    facilitator(pr, "F1")["max_sessions_per_week"] = 3
    assert "facilitator F1 has 4 sessions in ISO week 2027-W12" in messages(
        session_rules(pr, pl), "S7"
    )


# --------------------------------------------------------------------------- S8


def _pin(pr: dict, pl: dict, sid: str, status: str = "pinned") -> None:
    kept = copy.deepcopy(row(pl, sid))
    kept["status"] = status
    pr["existing_sessions"] = [kept]
    row(pl, sid)["status"] = status


def test_s8_a_pinned_session_kept_is_valid():
    pr, pl = example()
    _pin(pr, pl, "C3-P7-1")
    assert session_rules(pr, pl) == []


def test_s8_a_pinned_session_moved_without_warning_is_caught():
    pr, pl = example()
    _pin(pr, pl, "C3-P7-1")
    place(pr, pl, "C3-P7-1", "2027-03-08T12:15")
    row(pl, "C3-P7-1")["status"] = "proposed"
    assert "pinned session C3-P7-1 changed" in messages(session_rules(pr, pl), "S8")


def test_s8_a_pin_released_for_no_reason_is_caught():
    pr, pl = example()
    _pin(pr, pl, "C3-P7-1")
    row(pl, "C3-P7-1")["status"] = "confirmed"
    pl["warnings"] = [
        {"code": "PIN_RELEASED", "case": "C3", "session": "C3-P7-1", "message": "released"}
    ]
    assert "breaks no rule under today's data" in messages(session_rules(pr, pl), "S8")


def test_s8_a_pin_broken_by_sickness_is_released_with_a_warning():
    pr, pl = example()
    _pin(pr, pl, "C3-P7-1")
    # F8 is off sick on the pinned date: the release is justified (S8 holds), and a plan
    # that keeps the session there anyway breaks S3.
    facilitator(pr, "F8")["availability"].setdefault("unavailable", []).append(
        {"start": "2027-03-08T00:00", "end": "2027-03-09T00:00"}
    )
    pl["warnings"] = [
        {"code": "PIN_RELEASED", "case": "C3", "session": "C3-P7-1", "message": "F8 is off sick"}
    ]
    assert "S8" not in rules_of(session_rules(pr, pl))
    pl["warnings"] = []
    assert "without a PIN_RELEASED warning" not in messages(session_rules(pr, pl), "S8")
    assert "F8 is not available" in messages(session_rules(pr, pl), "S3")


def test_s8_a_pin_warning_must_name_a_pinned_session():
    pr, pl = example()
    pl["warnings"] = [
        {"code": "PIN_RELEASED", "case": "C3", "session": "C3-P7-1", "message": "released"}
    ]
    assert "which was not pinned" in messages(session_rules(pr, pl), "plan")


def test_s8_a_session_pin_warning_does_not_release_the_conference():
    from tests.verify.helpers import meeting

    pr, pl = example()
    kept = copy.deepcopy(meeting(pl, "C1"))
    kept["status"] = "pinned"
    pr["existing"] = [kept]
    meeting(pl, "C1")["status"] = "pinned"
    _pin(pr, pl, "C1-P2-1")
    assert session_rules(pr, pl) == []
    pl["warnings"] = [
        {"code": "PIN_RELEASED", "case": "C1", "session": "C1-P2-1", "message": "released"}
    ]
    vs = session_rules(pr, pl)
    assert "S8" in rules_of(vs)
    assert 10 not in rules_of(vs)


def test_s8_status_of_a_kept_pin_must_be_pinned():
    pr, pl = example()
    _pin(pr, pl, "C3-P7-1")
    row(pl, "C3-P7-1")["status"] = "proposed"
    assert "status is proposed, should be pinned" in messages(session_rules(pr, pl), "plan")


# --------------------------------------------------------------------------- objective


def _objective(pr: dict, pl: dict):
    problem, plan = load(pr, pl)
    return compute_objective(problem, plan)


def test_level_1_counts_confirmed_existing_sessions():
    pr, pl = example()
    _pin(pr, pl, "C3-P7-1", status="confirmed")
    assert _objective(pr, pl).disruption == 0
    assert check(pr, pl) == []
    place(pr, pl, "C3-P7-1", "2027-03-08T12:15")
    row(pl, "C3-P7-1")["status"] = "proposed"
    assert _objective(pr, pl).disruption == 10
    assert "objective" in rules_of(check(pr, pl))  # the plan still says 0
    pr, pl = example()
    _pin(pr, pl, "C5-P13-1", status="confirmed")
    row(pl, "C5-P13-1")["facilitators"] = ["F1"]  # same start, mode and venue; F2 lost
    assert _objective(pr, pl).disruption == 1
    pr, pl = example()
    _pin(pr, pl, "C3-P7-1", status="confirmed")
    pl["sessions"] = [s for s in pl["sessions"] if s["case"] != "C3"]
    assert _objective(pr, pl).disruption == 10


def test_level_2_counts_whole_cases_only():
    pr, pl = example()
    pl["sessions"] = [s for s in pl["sessions"] if s["session"] != "C3-P6-2"]
    assert _objective(pr, pl).scheduled_priority == 31 - 3
    assert "objective" in rules_of(check(pr, pl))
    pr, pl = example()
    pl["sessions"] = [s for s in pl["sessions"] if s["session"] != "C1-P2-1"]
    assert _objective(pr, pl).scheduled_priority == 31 - 4  # C1's conference alone is not C1


def _with_weights(pr: dict, **weights: int) -> dict:
    pr = copy.deepcopy(pr)
    pr["policy"].setdefault("weights", {}).update(weights)
    return pr


def test_level_3_remote_session_is_counted_per_video_session():
    pr, pl = example()
    without = _objective(_with_weights(pr, remote_session=0), pl).soft_cost
    assert 1155 - without == 20  # one video session (C5-P12-1)
    assert _objective(_with_weights(pr, remote_session=7), pl).soft_cost == without + 7


def test_level_3_interpreter_and_gender_count_per_session_attended():
    pr, pl = example()
    party(pr, "P1")["needs"] = {"language": "pl"}  # nobody speaks Polish
    # P1 attends the C1 conference and two sessions: 3 × 10.
    assert _objective(pr, pl).soft_cost == 1155 + 30
    pr, pl = example()
    party(pr, "P6")["facilitator_gender"] = {"value": "male", "required": False}
    # P6 is seen twice by F8 (female) in C3, which has no conference: 2 × 10.
    assert _objective(pr, pl).soft_cost == 1155 + 20


def test_level_3_session_travel_is_counted():
    pr, pl = example()
    zero = _objective(_with_weights(pr, travel_per_km=0), pl).soft_cost
    pl2 = copy.deepcopy(pl)
    pl2["sessions"] = []  # travel of conferences only (the plan is not valid, the sum is)
    conference_km = (
        _objective(pr, pl2).soft_cost
        - _objective(_with_weights(pr, travel_per_km=0), pl2).soft_cost
    )
    assert 1155 - zero > conference_km  # sessions add their own kilometres
    # A video session has no travel: make C1-P2-1 a call and its kilometres go.
    place(pr, pl, "C1-P2-1", "2027-03-15T20:15", mode="video")
    with_call = _objective(_with_weights(pr, remote_session=0), pl).soft_cost
    assert with_call < 1155 - 20  # lost the venue trip of F1 and P2


def test_level_3_waiting_counts_the_last_session_of_a_case_without_conference():
    pr, pl = example()
    zero = _objective(_with_weights(pr, wait_per_day=0), pl).soft_cost
    problem, plan = load(pr, pl)
    start = problem.horizon.start
    conferences = sum(
        (m.start.date() - start).days * problem.case_by_id[m.case].priority for m in plan.meetings
    )
    # C3 (priority 3): last session 2027-03-13, 5 days in; C4: 2027-03-08, 0 days.
    assert 1155 - zero == conferences + 5 * 3 + 0


def test_level_3_continuity_counts_once_per_case():
    pr, pl = example()
    zero = _objective(_with_weights(pr, continuity=0), pl).soft_cost
    # Leads not preferred: the conferences of C1, C7, C8 and C12, and C4 (two sessions).
    assert 1155 - zero == 5 * 20


def test_level_3_max_load_counts_conferences_only():
    pr, pl = example()
    zero = _objective(_with_weights(pr, max_load=0), pl).soft_cost
    # F1 is on six conferences (C1, C2, C5, C6, C8, C11), and on many more sessions.
    assert 1155 - zero == 5 * 6


@pytest.mark.parametrize("field", ["disruption", "scheduled_priority", "soft_cost"])
def test_a_wrong_objective_is_caught(field):
    pr, pl = example()
    pl["objective"][field] += 1
    assert "objective" in rules_of(check(pr, pl))


# --------------------------------------------------------------------------- coverage, document


def test_every_case_exactly_once():
    pr, pl = example()
    pl["sessions"] = [s for s in pl["sessions"] if s["case"] != "C4"]
    vs = session_rules(pr, pl)
    assert any(v.rule == "plan" and v.case == "C4" and "neither" in v.message for v in vs)
    pr, pl = example()
    pl["unscheduled"].append({"case": "C3", "reasons": [{"code": "CAPACITY", "message": "x"}]})
    vs = session_rules(pr, pl)
    assert any(v.rule == "plan" and v.case == "C3" and "2 times" in v.message for v in vs)


def test_session_end_and_on_site_are_derived():
    pr, pl = example()
    row(pl, "C3-P7-1")["end"] = "2027-03-08T11:30"
    assert "should be 2027-03-08T11:15" in messages(session_rules(pr, pl), "plan")
    pr, pl = example()
    row(pl, "C5-P12-1")["on_site"] = {"start": "2027-03-29T17:30", "end": "2027-03-29T19:30"}
    assert "on_site should be [2027-03-29T17:45, 2027-03-29T19:15)" in messages(
        session_rules(pr, pl), "plan"
    )


def test_unknown_session_and_duplicates_are_reported_not_crashed():
    pr, pl = example()
    pl["sessions"].append(copy.deepcopy(row(pl, "C3-P7-1")))
    pl["sessions"].append({**copy.deepcopy(row(pl, "C3-P6-1")), "session": "C3-NOPE"})
    vs = session_rules(pr, pl)
    text = messages(vs, "plan")
    assert "session C3-P7-1 appears 2 times" in text
    assert "case C3 has no session C3-NOPE" in text


def test_no_preparation_time_is_a_known_reason():
    pr, pl = example()
    u = next(u for u in pl["unscheduled"] if u["case"] == "C10")
    u["reasons"] = [{"code": "NO_PREPARATION_TIME", "message": "no time for its sessions"}]
    assert check(pr, pl) == []
    u = next(u for u in pl["unscheduled"] if u["case"] == "C9")
    u["reasons"].append({"code": "NO_PREPARATION_TIME", "message": "no sessions at all"})
    assert "NO_PREPARATION_TIME" in messages(check(pr, pl), "plan")


# --------------------------------------------------------------------------- property


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_session_plans_never_crash_the_checker(data):
    """Random edits of the example's sessions: the checker reports, never crashes, and a
    plan it accepts has the objective it recomputes."""
    pr, pl = example()
    ids = [f["id"] for f in pr["facilitators"]] + ["F404"]
    for r in data.draw(st.lists(st.sampled_from(pl["sessions"]), max_size=4, unique_by=id)):
        day = data.draw(st.integers(0, 41))
        minute = data.draw(st.integers(0, 24 * 4 - 1)) * 15
        start = dt.datetime(2027, 3, 8) + dt.timedelta(days=day, minutes=minute)
        mode = data.draw(st.sampled_from(["venue", "home", "video"]))
        try:
            place(pr, pl, r["session"], start.strftime(FMT), mode=mode)
        except ValueError:
            continue  # a local time that does not exist: the document checks' business
        if mode == "venue":
            v = data.draw(st.sampled_from(pr["venues"]))
            r["venue"], r["room"] = v["id"], data.draw(st.sampled_from(["R1", "R2", "R9"]))
        r["facilitators"] = data.draw(
            st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)
        )
    try:
        problem, plan = load(pr, pl)
    except DocumentError:
        return
    vs = verify(problem, plan)
    assert all(str(v) for v in vs)
    if not vs:
        assert compute_objective(problem, plan) == plan.objective
