"""The outbox against a real database: what is queued for each change of plan."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select

from scheduler.domain import Plan, Problem
from scheduler.invites.outbox import QueueSummary, queue_invites
from scheduler.storage.db import transaction
from scheduler.storage.mail_models import InviteState, OutboxMessage
from tests.invites.helpers import (
    NOW,
    SENDER,
    calendar_of,
    example_plan,
    example_problem,
    meeting_doc,
    parse_message,
    party_doc,
    shift_days,
    the_event,
)


def queue(engine: Engine, problem: Problem, plan: Plan) -> QueueSummary:
    with transaction(engine) as session:
        return queue_invites(session, problem=problem, plan=plan, now=NOW, sender=SENDER)


def messages(engine: Engine, case_id: str | None = None) -> list[OutboxMessage]:
    with transaction(engine) as session:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if case_id is not None:
            query = query.where(OutboxMessage.case_id == case_id)
        return list(session.scalars(query))


def states(engine: Engine) -> dict[tuple[str, str], InviteState]:
    with transaction(engine) as session:
        return {(s.case_id, s.recipient_id): s for s in session.scalars(select(InviteState))}


def last_for(engine: Engine, recipient_id: str) -> OutboxMessage:
    return [m for m in messages(engine) if m.recipient_id == recipient_id][-1]


def without(case_id: str):  # type: ignore[no-untyped-def]
    def edit(doc: dict[str, Any]) -> None:
        doc["meetings"] = [m for m in doc["meetings"] if m["case"] != case_id]

    return edit


def test_first_plan_queues_one_request_per_recipient(engine: Engine) -> None:
    summary = queue(engine, example_problem(), example_plan())
    rows = messages(engine)
    assert summary.requests == len(rows) == 33
    assert summary.outbox_ids == [m.id for m in rows]
    assert {(m.method, m.sequence) for m in rows} == {("REQUEST", 0)}
    assert len({m.uid for m in rows}) == len(rows)
    for m in rows:
        cal = calendar_of(parse_message(m.message))
        assert str(the_event(cal)["UID"]) == m.uid


def test_same_plan_twice_queues_nothing(engine: Engine) -> None:
    problem, plan = example_problem(), example_plan()
    queue(engine, problem, plan)
    again = queue(engine, problem, plan)
    assert again.queued == 0
    assert again.unchanged == 33
    assert len(messages(engine)) == 33


def test_moved_meeting_updates_only_its_recipients_same_uid_next_sequence(engine: Engine) -> None:
    problem = example_problem()
    queue(engine, problem, example_plan())
    uids = {k: s.uid for k, s in states(engine).items()}

    def move(doc: dict[str, Any]) -> None:
        c7 = meeting_doc(doc, "C7")
        doc["meetings"] = [shift_days(c7, 1) if m is c7 else m for m in doc["meetings"]]

    summary = queue(engine, problem, example_plan(move))
    assert (summary.updates, summary.requests, summary.cancels) == (4, 0, 0)
    new = messages(engine)[33:]
    assert {m.case_id for m in new} == {"C7"}
    assert {m.recipient_id for m in new} == {"F4", "F3", "P17", "P18"}
    for m in new:
        assert (m.method, m.sequence) == ("REQUEST", 1)
        assert m.uid == uids[("C7", m.recipient_id)]
        ev = the_event(calendar_of(parse_message(m.message)))
        assert int(ev["SEQUENCE"]) == 1
        assert ev.decoded("DTSTART").day == 9  # moved from the 8th


def test_dropped_meeting_cancels_both_sides_with_next_sequence(engine: Engine) -> None:
    problem = example_problem()
    queue(engine, problem, example_plan())
    summary = queue(engine, problem, example_plan(without("C7")))
    assert (summary.cancels, summary.requests, summary.updates) == (4, 0, 0)
    cancels = messages(engine, "C7")[-4:]
    assert {m.recipient_id for m in cancels} == {"F4", "F3", "P17", "P18"}
    for m in cancels:
        assert (m.method, m.sequence) == ("CANCEL", 1)
        msg = parse_message(m.message)
        cal = calendar_of(msg)
        assert str(cal["METHOD"]) == "CANCEL"
        ev = the_event(cal)
        assert str(ev["STATUS"]) == "CANCELLED"
        assert int(ev["SEQUENCE"]) == 1
        assert str(ev["UID"]) == m.uid
        assert ev.decoded("DTSTART").day == 8  # the event being cancelled
    # The victim's cancellation gives no reason and says nothing of the offender.
    victim_text = parse_message(last_for(engine, "P17").message).as_string()
    assert "Hassan" not in victim_text
    # Nothing more the second time; a meeting back again is a new event (new UID, 0).
    assert queue(engine, problem, example_plan(without("C7"))).queued == 0
    old_uid = last_for(engine, "P17").uid
    back = queue(engine, problem, example_plan())
    assert back.requests == 4
    m = last_for(engine, "P17")
    assert (m.method, m.sequence) == ("REQUEST", 0)
    assert m.uid != old_uid


def test_swapped_out_facilitator_is_cancelled_newcomer_invited(engine: Engine) -> None:
    problem = example_problem()
    queue(engine, problem, example_plan())
    f3_uid = states(engine)[("C7", "F3")].uid

    def swap(doc: dict[str, Any]) -> None:
        meeting_doc(doc, "C7")["co_facilitators"] = ["F5"]

    summary = queue(engine, problem, example_plan(swap))
    new = {m.recipient_id: m for m in messages(engine)[33:]}
    assert (new["F3"].method, new["F3"].sequence, new["F3"].uid) == ("CANCEL", 1, f3_uid)
    assert (new["F5"].method, new["F5"].sequence) == ("REQUEST", 0)
    # The parties' facilitators changed, so they are updated; the lead is not.
    assert (new["P17"].method, new["P17"].sequence) == ("REQUEST", 1)
    assert (new["P18"].method, new["P18"].sequence) == ("REQUEST", 1)
    assert "F4" not in new
    assert (summary.cancels, summary.requests, summary.updates) == (1, 1, 2)


def test_withdrawn_supporter_is_cancelled_others_untouched(engine: Engine) -> None:
    queue(engine, example_problem(), example_plan())

    def withdraw(doc: dict[str, Any]) -> None:
        party_doc(doc, "P28")["consent"] = False

    summary = queue(engine, example_problem(withdraw), example_plan())
    assert (summary.cancels, summary.requests, summary.updates) == (1, 0, 0)
    m = messages(engine)[-1]
    assert (m.recipient_id, m.method, m.sequence) == ("P28", "CANCEL", 1)


def test_changed_email_cancels_at_the_old_address_and_invites_at_the_new(engine: Engine) -> None:
    queue(engine, example_problem(), example_plan())

    def move_address(doc: dict[str, Any]) -> None:
        party_doc(doc, "P17")["email"] = "amina.new@example.net"

    queue(engine, example_problem(move_address), example_plan())
    cancel, request = messages(engine)[-2:]
    assert (cancel.method, cancel.recipient_email) == ("CANCEL", "amina.osman.p17@example.net")
    assert (request.method, request.recipient_email, request.sequence) == (
        "REQUEST",
        "amina.new@example.net",
        0,
    )
    assert request.uid != cancel.uid


def test_sequence_never_falls(engine: Engine) -> None:
    problem = example_problem()

    def moved(days: int):  # type: ignore[no-untyped-def]
        def edit(doc: dict[str, Any]) -> None:
            c7 = meeting_doc(doc, "C7")
            doc["meetings"] = [shift_days(c7, days) if m is c7 else m for m in doc["meetings"]]

        return edit

    for plan in (
        example_plan(),
        example_plan(moved(1)),
        example_plan(),
        example_plan(without("C7")),
    ):
        queue(engine, problem, plan)
    seqs = [(m.method, m.sequence) for m in messages(engine) if m.recipient_id == "P18"]
    assert seqs == [("REQUEST", 0), ("REQUEST", 1), ("REQUEST", 2), ("CANCEL", 3)]
    assert len({m.uid for m in messages(engine) if m.recipient_id == "P18"}) == 1


def test_confirm_plan_confirms_supersedes_and_queues_once(engine: Engine) -> None:
    from scheduler.invites.outbox import confirm_plan
    from scheduler.storage.plans import get_plan_or_raise, save_plan
    from scheduler.storage.problems import import_problem

    with transaction(engine) as session:
        import_problem(session, example_problem(), now=NOW)
        first = save_plan(session, example_plan(), kind="import", created_at=NOW)
        second = save_plan(session, example_plan(without("C7")), kind="import", created_at=NOW)
    with transaction(engine) as session:
        summary = confirm_plan(session, plan_id=first, now=NOW, sender=SENDER)
        assert summary.requests == 33
        assert get_plan_or_raise(session, first).status == "confirmed"
    with transaction(engine) as session:
        assert confirm_plan(session, plan_id=first, now=NOW, sender=SENDER).queued == 0
    with transaction(engine) as session:
        summary = confirm_plan(session, plan_id=second, now=NOW, sender=SENDER)
        assert (summary.cancels, summary.queued) == (4, 4)
        assert get_plan_or_raise(session, first).status == "superseded"
        assert get_plan_or_raise(session, second).status == "confirmed"


def test_failed_confirmation_queues_nothing(engine: Engine) -> None:
    from scheduler.invites.outbox import confirm_plan
    from scheduler.storage.plans import PlanNotFoundError

    with pytest.raises(PlanNotFoundError), transaction(engine) as session:
        confirm_plan(session, plan_id=12345, now=NOW, sender=SENDER)
    assert messages(engine) == []
