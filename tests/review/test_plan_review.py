"""Reviewing a draft: what it changes against the confirmed plan, and what confirming sends.

The confirmed plan is the spec's example plan; the draft moves C6 a week later and drops
C7 (both still pass the checker). The message counts of the review are a dry run of the
outbox, so they must equal what the real confirmation then queues, on both databases.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from scheduler.domain import Plan
from scheduler.invites.outbox import PlanRejected, confirm_plan
from scheduler.plan_review import ChangesNotAcknowledged, confirm_reviewed, review, shown_status
from scheduler.storage.db import transaction
from scheduler.storage.mail_models import OutboxMessage
from scheduler.storage.models import PlanRow
from scheduler.storage.plans import save_plan
from scheduler.storage.problems import import_problem
from tests.invites.helpers import NOW, SENDER, example_plan, example_problem, shift_days


def moved_and_dropped() -> Plan:
    def edit(doc: dict[str, Any]) -> None:
        doc["meetings"] = [
            shift_days(m, 7) if m["case"] == "C6" else m
            for m in doc["meetings"]
            if m["case"] != "C7"
        ]
        doc["unscheduled"].append(
            {"case": "C7", "reasons": [{"code": "CAPACITY", "message": "taken by others"}]}
        )

    return example_plan(edit)


def broken() -> Plan:
    def edit(doc: dict[str, Any]) -> None:
        doc["meetings"] = [shift_days(m, -1) if m["case"] == "C8" else m for m in doc["meetings"]]

    return example_plan(edit)


def store(engine: Engine, *plans: Plan) -> list[int]:
    with transaction(engine) as session:
        import_problem(session, example_problem(), now=NOW)
        return [save_plan(session, p, kind="import", created_at=NOW) for p in plans]


def outbox(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_a_first_plan_is_all_new_and_needs_no_acknowledgement(engine: Engine) -> None:
    (first,) = store(engine, example_plan())
    with transaction(engine) as session:
        r = review(session, first, SENDER)
        assert r.confirmed_plan_id is None
        assert len(r.changes["new"]) == len(r.meetings) == 8
        assert r.disrupted == []
        assert r.acknowledgement is None
        assert r.messages.action_total("request") == r.messages.total
        expected = r.messages.total
        done = confirm_reviewed(session, first, now=NOW, sender=SENDER)
    assert done.queued.requests == expected == outbox(engine)


def test_names_not_ids_and_true_statuses(engine: Engine) -> None:
    (first,) = store(engine, example_plan())
    problem = example_problem()
    with transaction(engine) as session:
        r = review(session, first, SENDER)
        m = next(v for v in r.meetings if v.case_id == "C7")
        assert m.lead == problem.facilitator_by_id["F4"].name
        assert m.venue == problem.venue_by_id["V3"].name
        assert m.reference == problem.case_by_id["C7"].reference
        assert r.unscheduled
        assert all(u.reasons[0].words for u in r.unscheduled)
    assert shown_status("confirmed", "proposed") == "confirmed"
    assert shown_status("draft", "proposed") == "proposed"
    assert shown_status("confirmed", "pinned") == "pinned"


def test_moved_and_dropped_confirmed_meetings_need_the_acknowledgement(engine: Engine) -> None:
    first, second = store(engine, example_plan(), moved_and_dropped())
    with transaction(engine) as session:
        confirm_plan(session, plan_id=first, now=NOW, sender=SENDER)
    before = outbox(engine)
    with transaction(engine) as session:
        r = review(session, second, SENDER)
        assert [c.case_id for c in r.changes["moved"]] == ["C6"]
        assert [c.case_id for c in r.changes["dropped"]] == ["C7"]
        assert len(r.changes["unchanged"]) == 6
        moved = r.changes["moved"][0]
        assert moved.before
        assert moved.after
        assert moved.after.start > moved.before.start
        assert {c.case_id for c in r.disrupted} == {"C6", "C7"}
        token = r.acknowledgement
        assert token
    for given in (None, False, "", "0123456789abcdef"):
        with pytest.raises(ChangesNotAcknowledged) as caught, transaction(engine) as session:
            confirm_reviewed(session, second, now=NOW, sender=SENDER, acknowledged=given)
        text = str(caught.value)
        for case_id in ("C6", "C7"):  # named by reference
            assert example_problem().case_by_id[case_id].reference in text
        assert "nothing was queued" in text
        assert caught.value.stale == bool(given)
    assert outbox(engine) == before
    with transaction(engine) as session:
        statuses = dict(session.execute(select(PlanRow.id, PlanRow.status)).all())  # type: ignore[arg-type]
    assert statuses == {first: "confirmed", second: "draft"}


@pytest.mark.parametrize("ack", ["token", True])
def test_the_preview_counts_equal_what_confirming_queues(engine: Engine, ack: object) -> None:
    first, second = store(engine, example_plan(), moved_and_dropped())
    with transaction(engine) as session:
        confirm_plan(session, plan_id=first, now=NOW, sender=SENDER)
    before = outbox(engine)
    with transaction(engine) as session:
        r = review(session, second, SENDER)
        m = r.messages
        assert m.action_total("cancel") > 0
        assert m.action_total("update") > 0
        # The dropped meeting's facilitators and parties are told; so are the moved one's.
        assert m.of("facilitator", "cancel") >= 1
        assert m.of("victim", "update") >= 1
        done = confirm_reviewed(
            session, second, now=NOW, sender=SENDER,
            acknowledged=r.acknowledgement if ack == "token" else True,
        )  # fmt: skip
    q = done.queued
    assert (q.requests, q.updates, q.cancels) == (
        m.action_total("request"),
        m.action_total("update"),
        m.action_total("cancel"),
    )
    assert outbox(engine) - before == m.total == q.queued
    assert done.acknowledged == ["moved:C6", "dropped:C7"]
    assert done.audit_details()["acknowledged"] == ["moved:C6", "dropped:C7"]


def test_the_checker_still_refuses_first(engine: Engine) -> None:
    first, bad = store(engine, example_plan(), broken())
    with transaction(engine) as session:
        confirm_plan(session, plan_id=first, now=NOW, sender=SENDER)
    before = outbox(engine)
    with pytest.raises(PlanRejected), transaction(engine) as session:
        confirm_reviewed(session, bad, now=NOW, sender=SENDER, acknowledged=True)
    assert outbox(engine) == before


def test_cli_confirm_names_the_moved_meetings_and_needs_accept_changes(
    cli_env: str, engine: Engine
) -> None:
    from click.testing import CliRunner

    from scheduler.cli import cli

    first, second = store(engine, example_plan(), moved_and_dropped())
    assert CliRunner().invoke(cli, ["confirm", "--plan", str(first)]).exit_code == 0
    before = outbox(engine)
    refused = CliRunner().invoke(cli, ["confirm", "--plan", str(second)])
    assert refused.exit_code == 1, refused.output
    problem = example_problem()
    assert f"{problem.case_by_id['C6'].reference} moved from" in refused.output
    assert f"{problem.case_by_id['C7'].reference} on" in refused.output
    assert "--accept-changes" in refused.output
    assert "Traceback" not in refused.output
    assert outbox(engine) == before
    done = CliRunner().invoke(cli, ["confirm", "--plan", str(second), "--accept-changes"])
    assert done.exit_code == 0, done.output
    assert f"plan {second} confirmed" in done.output
    assert outbox(engine) > before
