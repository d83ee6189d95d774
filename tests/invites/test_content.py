"""Who gets an invite, and what it may say (privacy), built through the real pipeline."""

from __future__ import annotations

from typing import Any

from scheduler.invites.content import recipients
from scheduler.invites.ical import build_calendar, calendar_bytes
from scheduler.invites.mime import build_message, from_text, to_text
from scheduler.invites.outbox import new_uid
from tests.invites.helpers import (
    NOW,
    SENDER,
    example_plan,
    example_problem,
    meeting_of,
    parse_message,
    party_doc,
    readable_text,
)


def _messages(problem: Any, meeting: Any, method: str = "REQUEST") -> dict[str, str]:
    """recipient id → everything readable in the email that recipient would get.

    The message as `outbox.send_one` hands it to a transport: stored, then read back.
    """
    out = {}
    for event in recipients(problem, meeting, SENDER):
        uid = new_uid(SENDER)
        cal = build_calendar(event, uid=uid, sequence=0, method=method, dtstamp=NOW, sender=SENDER)  # type: ignore[arg-type]
        msg = build_message(
            event,
            calendar_bytes(cal),
            uid=uid,
            sequence=0,
            method=method,  # type: ignore[arg-type]
            dtstamp=NOW,
            sender=SENDER,
        )
        handed_over = from_text(to_text(msg))
        out[event.recipient_id] = readable_text(parse_message(handed_over.as_bytes()))
    return out


def test_recipients_are_facilitators_and_attending_parties() -> None:
    problem, plan = example_problem(), example_plan()
    events = recipients(problem, meeting_of(plan, "C6"), SENDER)
    assert [(e.recipient_kind, e.recipient_id) for e in events] == [
        ("facilitator", "F4"),
        ("facilitator", "F3"),
        ("party", "P13"),
        ("party", "P14"),
        ("party", "P15"),
        ("party", "P16"),
    ]


def test_victim_invite_holds_nothing_of_the_offender_side() -> None:
    problem, plan = example_problem(), example_plan()
    meeting = meeting_of(plan, "C6")  # victim P13 + supporter P15; offender P14 + supporter P16
    text = _messages(problem, meeting)["P13"]
    offender_side = [problem.party_by_id["P14"], problem.party_by_id["P16"]]
    for party in offender_side:
        assert party.name not in text
        assert party.name.split()[0] not in text  # not even a first name
        assert party.email is not None
        assert party.email not in text
    # The offender side arrives 09:45 and leaves 13:00 (local; GMT that day), in W2.
    for forbidden in ("09:45", "13:00", "T094500Z", "T130000Z", "W2", "Side door"):
        assert forbidden not in text, forbidden
    case = problem.case_by_id["C6"]
    for forbidden in (case.reference, case.offence, case.risk, "C6", "P14", "P16", "P13"):
        assert forbidden not in text, forbidden
    # The victim's own supporter is not named in the victim's invite either.
    assert problem.party_by_id["P15"].name not in text
    # What the victim needs is there: own times, own waiting room and entrance, first names.
    for needed in ("10:00", "12:45", "W1", "Front counter", "Helen", "Jaspal"):
        assert needed in text, needed
    assert "Clarke" not in text  # facilitators by first name only


def test_offender_invite_holds_nothing_of_the_victim_side() -> None:
    problem, plan = example_problem(), example_plan()
    text = _messages(problem, meeting_of(plan, "C7"))["P18"]
    victim = problem.party_by_id["P17"]
    assert victim.name not in text
    assert victim.email is not None
    assert victim.email not in text
    for forbidden in ("10:15", "T101500Z", "W1", "Front counter", "RJ-2027-0007", "burglary"):
        assert forbidden not in text, forbidden


def test_facilitator_invite_names_no_party() -> None:
    problem, plan = example_problem(), example_plan()
    meeting = meeting_of(plan, "C6")
    messages = _messages(problem, meeting)
    for fid in meeting.facilitators:
        text = messages[fid]
        for party in problem.case_by_id["C6"].parties:
            assert party.name not in text
            assert party.email is not None
            assert party.email not in text
        assert "theft" not in text
        assert "RJ-2027-0006" in text
        assert "https://rj.example.org/cases/C6" in text
        assert "Room: R1" in text
    assert "lead facilitator" in messages["F4"]
    assert "co-facilitator" in messages["F3"]


def test_party_in_custody_gets_nothing() -> None:
    def custody(doc: dict[str, Any]) -> None:
        party_doc(doc, "P18")["in_custody"] = "HMP-Birmingham"

    problem, plan = example_problem(custody), example_plan()
    ids = [e.recipient_id for e in recipients(problem, meeting_of(plan, "C7"), SENDER)]
    assert "P18" not in ids
    assert "P17" in ids


def test_party_without_email_or_consent_gets_nothing() -> None:
    def edit(doc: dict[str, Any]) -> None:
        party_doc(doc, "P17").pop("email")
        party_doc(doc, "P28")["consent"] = False  # a supporter who withdrew

    problem, plan = example_problem(edit), example_plan()
    assert "P17" not in [
        e.recipient_id for e in recipients(problem, meeting_of(plan, "C7"), SENDER)
    ]
    assert "P28" not in [
        e.recipient_id for e in recipients(problem, meeting_of(plan, "C10"), SENDER)
    ]


def test_shared_email_gets_one_message_each_about_that_person() -> None:
    def share(doc: dict[str, Any]) -> None:
        party_doc(doc, "P28")["email"] = party_doc(doc, "P26")["email"]

    problem, plan = example_problem(share), example_plan()
    events = [
        e
        for e in recipients(problem, meeting_of(plan, "C10"), SENDER)
        if e.recipient_kind == "party"
    ]
    shared = [e for e in events if e.email == "emma.green.p26@example.net"]
    assert sorted(e.recipient_id for e in shared) == ["P26", "P28"]
    messages = _messages(problem, meeting_of(plan, "C10"))
    assert "Dear Emma Green" in messages["P26"]
    assert "Claire Edwards" not in messages["P26"]
    assert "Dear Claire Edwards" in messages["P28"]
    assert "Emma Green" not in messages["P28"]


def test_fingerprint_ignores_role_swap_for_parties_but_not_for_facilitators() -> None:
    problem, plan = example_problem(), example_plan()
    meeting = meeting_of(plan, "C6")
    swapped = meeting.model_copy(update={"lead": "F3", "co_facilitators": ["F4"]})
    before = {e.recipient_id: e.fingerprint for e in recipients(problem, meeting, SENDER)}
    after = {e.recipient_id: e.fingerprint for e in recipients(problem, swapped, SENDER)}
    for pid in ("P13", "P14", "P15", "P16"):
        assert before[pid] == after[pid]
    assert before["F3"] != after["F3"]
    assert before["F4"] != after["F4"]


def test_fingerprint_changes_only_for_the_party_whose_time_moved() -> None:
    problem, plan = example_problem(), example_plan()
    meeting = meeting_of(plan, "C7")
    rows = [
        r.model_copy(update={"waiting_room": "W3"}) if r.party == "P18" else r
        for r in meeting.attendance
    ]
    moved = meeting.model_copy(update={"attendance": rows})
    before = {e.recipient_id: e.fingerprint for e in recipients(problem, meeting, SENDER)}
    after = {e.recipient_id: e.fingerprint for e in recipients(problem, moved, SENDER)}
    assert before["P18"] != after["P18"]
    assert {k for k in before if before[k] != after[k]} == {"P18"}


def _changed_by(edit: Any) -> set[str]:
    """Recipients of C6 (F4 lead, F3 co; P13+P15 victim side, P14+P16 offender side)
    whose event changes under `edit(meeting) -> meeting` (those in both versions)."""
    problem, plan = example_problem(), example_plan()
    meeting = meeting_of(plan, "C6")
    before = {e.recipient_id: e.fingerprint for e in recipients(problem, meeting, SENDER)}
    after = {e.recipient_id: e.fingerprint for e in recipients(problem, edit(meeting), SENDER)}
    return {k for k in before.keys() & after.keys() if before[k] != after[k]}


def _rows(meeting: Any, parties: set[str], **update: Any) -> Any:
    rows = [r.model_copy(update=update) if r.party in parties else r for r in meeting.attendance]
    return meeting.model_copy(update={"attendance": rows})


EVERYONE = {"F3", "F4", "P13", "P14", "P15", "P16"}


def test_change_triggers_follow_the_spec() -> None:
    """invites.md: a party's event changes with arrival, leaving, venue, entrance, waiting
    room or facilitators; a facilitator's with on-site window, venue, room or role."""
    import datetime as dt

    later = dt.timedelta(minutes=15)
    assert _changed_by(lambda m: _rows(m, {"P14"}, entrance="Side door")) == {"P14"}
    assert _changed_by(lambda m: _rows(m, {"P13", "P15"}, waiting_room="W3")) == {"P13", "P15"}
    assert _changed_by(lambda m: _rows(m, {"P16"}, leave=m.attendance[3].leave + later)) == {"P16"}
    assert _changed_by(lambda m: m.model_copy(update={"room": "R9"})) == {"F3", "F4"}
    assert _changed_by(lambda m: m.model_copy(update={"venue": "V2"})) == EVERYONE
    assert _changed_by(lambda m: m.model_copy(update={"co_facilitators": ["F8"]})) == {
        "P13",
        "P14",
        "P15",
        "P16",
    }  # F3 is gone (a cancel, not a change), F8 is new
    on_site = lambda m: m.model_copy(  # noqa: E731
        update={
            "facilitators_on_site": m.facilitators_on_site.model_copy(
                update={"end": m.facilitators_on_site.end + later}
            )
        }
    )
    assert _changed_by(on_site) == {"F3", "F4"}
