"""Who is invited to each session of a journey, and what each invite may say (journeys.md)."""

from __future__ import annotations

import dataclasses
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from scheduler.domain import Plan, Problem
from scheduler.invites.content import EventContent, plan_recipients, session_key
from scheduler.invites.session_content import session_recipients
from scheduler.settings import Settings
from tests.invites.helpers import SENDER, party_doc
from tests.invites.journeys_helpers import journeys_plan, journeys_problem

JOIN = "Join at https://video.example.org/rj and enter the code 4417."
VIDEO_SENDER = dataclasses.replace(SENDER, video_join=JOIN)


def _events(
    problem: Problem, plan: Plan, session_id: str, sender: Any = SENDER
) -> list[EventContent]:
    row = next(s for s in plan.sessions if s.session == session_id)
    return session_recipients(problem, row, sender)


def _text(event: EventContent) -> str:
    return "\n".join(
        [event.summary, event.subject, event.location, event.description, *event.facts.values()]
    )


def test_every_session_invites_its_facilitators_party_and_consenting_supporters() -> None:
    problem, plan = journeys_problem(), journeys_plan()
    for row in plan.sessions:
        case = problem.case_by_id[row.case]
        spec = case.session(row.session)
        assert spec is not None
        events = session_recipients(problem, row, SENDER)
        expected_parties = {
            p.id
            for p in case.session_attendees(spec)
            if p.email and not p.in_custody and (p.role != "supporter" or p.consented)
        }
        assert [
            e.recipient_id for e in events if e.recipient_kind == "facilitator"
        ] == row.facilitators
        assert {e.recipient_id for e in events if e.recipient_kind == "party"} == expected_parties
        assert all(e.session_id == row.session and e.case_id == row.case for e in events)


def test_session_events_have_their_own_keys_beside_the_conference() -> None:
    problem, plan = journeys_problem(), journeys_plan()
    wanted = plan_recipients(problem, plan.meetings, SENDER, plan.sessions)
    sessions = [e for e in wanted.values() if e.session_id]
    conferences = [e for e in wanted.values() if not e.session_id]
    expected = sum(len(session_recipients(problem, r, SENDER)) for r in plan.sessions)
    assert len(sessions) == expected
    assert conferences
    assert sessions
    # The lead of C1 has a conference event and three session events: four keys.
    f1_c1 = [k for k in wanted if k[2] == "F1" and (k[0] == "C1" or k[0].startswith("C1\x1f"))]
    assert len(f1_c1) == 4
    assert all(len(e.engagement) <= 64 for e in wanted.values())


def test_session_keys_never_equal_a_case_id_and_fit_the_column() -> None:
    assert session_key("C1", "C1-V1") != "C1"
    long = session_key("C" * 64, "S" * 64)
    assert len(long) <= 64
    assert long != session_key("C" * 64, "S" * 63 + "T")
    assert "\x1f" in session_key("C1", "C1-V1")


def test_home_visit_gives_the_facilitator_the_address_and_nothing_else() -> None:
    address = "14 Elm Row, Birmingham B7 4AA"

    def edit(doc: dict[str, Any]) -> None:
        party_doc(doc, "P6")["address"] = address

    problem, plan = journeys_problem(edit), journeys_plan()
    events = _events(problem, plan, "C3-P6-1")  # a home visit to P6 by F8
    facilitator = next(e for e in events if e.recipient_kind == "facilitator")
    assert facilitator.location == address
    assert address in facilitator.description
    assert "home visit" in facilitator.summary
    text = _text(facilitator)
    for person in problem.case_by_id["C3"].parties:
        assert person.name not in text
        assert person.email not in text
    party = next(e for e in events if e.recipient_id == "P6")
    assert party.location == "At your home"
    assert "come to you" in party.description
    # The address goes nowhere else: no other session's or conference's invite has it.
    wanted = plan_recipients(problem, plan.meetings, SENDER, plan.sessions)
    holders = {(e.session_id, e.recipient_id) for e in wanted.values() if address in _text(e)}
    assert holders == {("C3-P6-1", "F8"), ("C3-P6-2", "F8")}


def test_home_visit_without_an_address_gives_the_homes_coordinates() -> None:
    problem, plan = journeys_problem(), journeys_plan()
    facilitator = _events(problem, plan, "C3-P6-1")[0]
    home = problem.party_by_id["P6"].home
    assert home is not None
    assert f"{home.lat:.5f}, {home.lon:.5f}" in facilitator.location


def test_video_session_says_it_is_a_call_and_how_to_join() -> None:
    problem, plan = journeys_problem(), journeys_plan()
    events = _events(problem, plan, "C5-P12-1", VIDEO_SENDER)  # a team video call
    assert {e.recipient_id for e in events} == {"F1", "F2", "P12"}
    for event in events:
        assert JOIN in event.description
        assert "Video or phone call" in event.location
        assert "Handsworth" not in _text(event)  # no venue for a call
    facilitator = events[0]
    assert "video call" in facilitator.summary
    assert facilitator.facts["How to join"] == JOIN


def test_the_join_text_comes_from_the_settings() -> None:
    settings = Settings(video_join_text=JOIN)
    assert dataclasses.replace(SENDER).video_join != JOIN
    from scheduler.invites.content import Sender

    assert Sender.from_settings(settings).video_join == JOIN
    assert Sender.from_settings(Settings()).video_join  # a default is always there


def test_a_party_in_custody_gets_nothing_and_a_prison_session_says_the_prison() -> None:
    def edit(doc: dict[str, Any]) -> None:
        party_doc(doc, "P13")["in_custody"] = "HMP-Birmingham"

    def at_prison(doc: dict[str, Any]) -> None:
        row = next(s for s in doc["sessions"] if s["session"] == "C5-P13-2")
        row.update(venue="V1", room="R1")

    problem, plan = journeys_problem(edit), journeys_plan(at_prison)
    events = _events(problem, plan, "C5-P13-2")
    assert [e.recipient_kind for e in events] == ["facilitator"]
    assert events[0].location.startswith("HMP Birmingham")


def test_a_changed_session_changes_only_its_own_fingerprints() -> None:
    problem = journeys_problem()

    def move(doc: dict[str, Any]) -> None:
        row = next(s for s in doc["sessions"] if s["session"] == "C1-P2-1")
        row["room"] = "R1"

    before = plan_recipients(problem, [], SENDER, journeys_plan().sessions)
    after = plan_recipients(problem, [], SENDER, journeys_plan(move).sessions)
    changed = {k for k in before if before[k].fingerprint != after[k].fingerprint}
    assert changed == {
        (session_key("C1", "C1-P2-1"), "facilitator", "F1")
    }  # P2's room is not in theirs


# --------------------------------------------------------------------------- privacy

_word = st.from_regex(r"[A-Z][a-z]{6,10}", fullmatch=True)


def _tag(pid: str) -> str:
    """Letters unique to a party id (P12 → 'qbc'), put first so that no drawn name is
    part of another (a 'q' starts every tag and appears nowhere else)."""
    return "q" + "".join(chr(ord("a") + int(d)) for d in pid if d.isdigit())


@st.composite
def _renamed(draw: st.DrawFn) -> tuple[Problem, dict[str, tuple[str, str | None]]]:
    """The journeys problem with every party given a drawn name and maybe an address."""
    doc = journeys_problem().to_doc()
    who: dict[str, tuple[str, str | None]] = {}
    for case in doc["cases"]:
        for p in case["parties"]:
            tag = _tag(p["id"])
            p["name"] = f"{tag}{draw(_word)} {tag}{draw(_word)}"
            if draw(st.booleans()):
                number = draw(st.integers(1, 99))
                p["address"] = f"{number} {tag.upper()}{draw(_word)} Road, Birmingham"
            else:
                p.pop("address", None)
            who[p["id"]] = (p["name"], p.get("address"))
    return Problem.model_validate(doc), who


# No shrinking: a failing example is already readable, and shrinking 34 names is slow.
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)
@given(data=_renamed(), join=st.sampled_from([JOIN, "Phone 0121 496 0000 at the time."]))
def test_no_session_invite_names_or_describes_the_other_side(
    data: tuple[Problem, dict[str, tuple[str, str | None]]], join: str
) -> None:
    problem, who = data
    sender = dataclasses.replace(SENDER, video_join=join)
    plan = journeys_plan()
    for row in plan.sessions:
        case = problem.case_by_id[row.case]
        spec = case.session(row.session)
        assert spec is not None
        present = {p.id for p in case.session_attendees(spec)}
        for event in session_recipients(problem, row, sender):
            text = _text(event) + "\n" + event.email
            for pid, (name, address) in who.items():
                person = problem.party_by_id[pid]
                own = event.recipient_kind == "party" and pid == event.recipient_id
                # Names, emails, surnames: of nobody but the recipient themselves.
                if not own:
                    assert name not in text, (row.session, event.recipient_id, pid)
                    assert name.split()[1] not in text
                    if person.email:
                        assert person.email not in text
                # An address: only in the visiting facilitators' event of a home visit.
                if address and address in text:
                    assert row.mode == "home"
                    assert event.recipient_kind == "facilitator"
                    assert pid == spec.party
            if event.recipient_kind == "party":
                assert event.recipient_id in present
                assert case.reference not in text
                assert case.offence.replace("_", " ") not in text
                assert "victim" not in text.lower()
                assert "offender" not in text.lower()
                assert event.url is None
