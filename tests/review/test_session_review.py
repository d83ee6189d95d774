"""Reviewing a draft with sessions (journeys): its session changes by name, the
acknowledgement a moved or dropped confirmed session needs, and message counts that
equal what confirming queues (session invites included), on both databases.

The confirmed plan is the journeys test plan; the draft holds C12's venue session a day
later and drops case C7 (its two sessions and its conference). Both pass the checker.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from scheduler.domain import Plan
from scheduler.invites.outbox import confirm_plan
from scheduler.plan_review import ChangesNotAcknowledged, confirm_reviewed, review
from scheduler.storage.db import transaction
from scheduler.storage.mail_models import OutboxMessage
from scheduler.storage.plans import save_plan
from scheduler.storage.problems import import_problem
from tests.invites.helpers import NOW, SENDER
from tests.invites.journeys_helpers import (
    journeys_plan,
    journeys_problem,
    session_doc,
    shift_session,
)

MOVED = "C12-P33-1"


def draft() -> Plan:
    def edit(doc: dict[str, Any]) -> None:
        shift_session(session_doc(doc, MOVED), 1)
        doc["sessions"] = [s for s in doc["sessions"] if s["case"] != "C7"]
        doc["meetings"] = [m for m in doc["meetings"] if m["case"] != "C7"]
        doc["unscheduled"].append(
            {"case": "C7", "reasons": [{"code": "CAPACITY", "message": "taken by others"}]}
        )

    return journeys_plan(edit)


def store(engine: Engine, *plans: Plan) -> list[int]:
    with transaction(engine) as session:
        import_problem(session, journeys_problem(), now=NOW)
        return [save_plan(session, p, kind="import", created_at=NOW) for p in plans]


def outbox(engine: Engine) -> int:
    with transaction(engine) as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def test_a_first_plan_lists_every_session_as_new_by_name(engine: Engine) -> None:
    (first,) = store(engine, journeys_plan())
    problem, plan = journeys_problem(), journeys_plan()
    with transaction(engine) as session:
        r = review(session, first, SENDER)
        assert len(r.sessions) == len(plan.sessions)
        assert len(r.session_changes["new"]) == len(plan.sessions)
        assert r.session_counts()["new"] == len(plan.sessions)
        assert r.disrupted == []
        assert r.acknowledgement is None
        by_id = {s.session_id: s for s in r.sessions}
        venue = by_id[MOVED]
        assert venue.reference == problem.case_by_id["C12"].reference
        assert venue.lead == problem.facilitator_by_id["F7"].name
        assert problem.venue_by_id["V3"].name in venue.place
        assert venue.label.startswith(f"Session {MOVED} with the ")
        assert {s.mode_words for s in r.sessions} == {
            "session at a venue", "home visit", "video call",
        }  # fmt: skip
        assert all(s.place == "the party's home" for s in r.sessions if s.mode == "home")
        # The review names no party and gives no address.
        text = json.dumps(r.to_json())
        for case in problem.cases:
            for party in case.parties:
                assert party.name not in text
                if party.address:
                    assert party.address not in text
        expected = r.messages.total
        done = confirm_reviewed(session, first, now=NOW, sender=SENDER)
    assert done.queued.requests == expected == outbox(engine)
    # Session invites are counted: more messages than the conferences alone send.
    assert expected > sum(1 for _ in plan.meetings) * 2


def test_moved_and_dropped_confirmed_sessions_need_the_acknowledgement(engine: Engine) -> None:
    first, second = store(engine, journeys_plan(), draft())
    with transaction(engine) as session:
        confirm_plan(session, plan_id=first, now=NOW, sender=SENDER)
    before = outbox(engine)
    problem = journeys_problem()
    with transaction(engine) as session:
        r = review(session, second, SENDER)
        sc = r.session_changes
        assert [c.session_id for c in sc["moved"]] == [MOVED]
        assert sorted(c.session_id for c in sc["dropped"]) == ["C7-P17-1", "C7-P18-1"]
        assert sc["new"] == []
        assert sc["restaffed"] == []
        moved = sc["moved"][0]
        assert moved.before
        assert moved.after
        assert moved.after.start > moved.before.start
        assert any(d.startswith("Time: was ") for d in moved.details)
        keys = {c.key for c in r.disrupted}
        assert keys == {
            "dropped:C7", f"moved:C12:{MOVED}", "dropped:C7:C7-P17-1", "dropped:C7:C7-P18-1",
        }  # fmt: skip
        assert r.disrupted_noun == "meetings and sessions"
        token = r.acknowledgement
        assert token
    for given in (None, "", "0123456789abcdef"):
        with pytest.raises(ChangesNotAcknowledged) as caught, transaction(engine) as session:
            confirm_reviewed(session, second, now=NOW, sender=SENDER, acknowledged=given)
        text = str(caught.value)
        assert problem.case_by_id["C12"].reference in text
        assert f"Session {MOVED} with the " in text
        assert "nothing was queued" in text
    assert outbox(engine) == before


def test_only_a_moved_session_still_needs_the_acknowledgement(engine: Engine) -> None:
    def edit(doc: dict[str, Any]) -> None:
        shift_session(session_doc(doc, MOVED), 1)

    first, second = store(engine, journeys_plan(), journeys_plan(edit))
    with transaction(engine) as session:
        confirm_plan(session, plan_id=first, now=NOW, sender=SENDER)
    with transaction(engine) as session:
        r = review(session, second, SENDER)
        assert all(not v for k, v in r.changes.items() if k != "unchanged")
        assert [c.key for c in r.disrupted] == [f"moved:C12:{MOVED}"]
        assert r.disrupted_noun == "session"
    with pytest.raises(ChangesNotAcknowledged), transaction(engine) as session:
        confirm_reviewed(session, second, now=NOW, sender=SENDER)


@pytest.mark.parametrize("ack", ["token", True])
def test_the_preview_counts_equal_what_confirming_queues_with_sessions(
    engine: Engine, ack: object
) -> None:
    first, second = store(engine, journeys_plan(), draft())
    with transaction(engine) as session:
        confirm_plan(session, plan_id=first, now=NOW, sender=SENDER)
    before = outbox(engine)
    with transaction(engine) as session:
        r = review(session, second, SENDER)
        m = r.messages
        # C7's conference and sessions are cancelled for their facilitator and parties;
        # C12's moved session is an update for its lead and party.
        assert m.of("facilitator", "cancel") >= 3
        assert m.action_total("update") >= 2
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
    assert f"moved:C12:{MOVED}" in done.acknowledged
    assert done.audit_details()["session_changes"] == {"moved": 1, "dropped": 2, "unchanged": 23}


def test_the_whole_plan_timeline_draws_sessions_by_kind_and_names_nobody() -> None:
    from scheduler.plan_timeline import build_timeline, render_timeline
    from scheduler.report import render_report

    problem, plan = journeys_problem(), journeys_plan()
    by_venue = build_timeline(problem, plan, by="venue")
    blocks = [b for r in by_venue.rows for c in r.cells for b in c]
    kinds = {b.kind for b in blocks}
    assert kinds == {"conference", "venue", "home", "video"}
    assert sum(b.kind != "conference" for b in blocks) == len(plan.sessions)
    names = [r.name for r in by_venue.rows]
    assert names[-2:] == ["Home visits", "Video calls"]
    assert all(problem.venue_by_id[r.key].name == r.name for r in by_venue.rows[:-2])
    by_fac = build_timeline(problem, plan, by="facilitator")
    attended = sum(len(s.facilitators) for s in plan.sessions)
    assert sum(r.sessions for r in by_fac.rows) == attended
    html = render_timeline(by_venue)
    for k in ("venue", "home", "video"):
        assert f"k-{k}" in html
    assert "home visit, session C3-P6-1" in html
    report = render_report(problem, plan)
    for text in (html, report):
        for case in problem.cases:
            for party in case.parties:
                assert party.name not in text
    assert "k-home" in report


def test_cli_confirm_names_the_moved_session_and_needs_accept_changes(
    cli_env: str, engine: Engine
) -> None:
    from click.testing import CliRunner

    from scheduler.cli import cli

    first, second = store(engine, journeys_plan(), draft())
    assert CliRunner().invoke(cli, ["confirm", "--plan", str(first)]).exit_code == 0
    before = outbox(engine)
    refused = CliRunner().invoke(cli, ["confirm", "--plan", str(second)])
    assert refused.exit_code == 1, refused.output
    reference = journeys_problem().case_by_id["C12"].reference
    assert f"{reference}, Session {MOVED} with the " in refused.output
    assert "moved from" in refused.output
    assert outbox(engine) == before
    done = CliRunner().invoke(cli, ["confirm", "--plan", str(second), "--accept-changes"])
    assert done.exit_code == 0, done.output
    assert f"accepted: {reference}, Session {MOVED}" in done.output
    assert f"plan {second} confirmed" in done.output
    assert outbox(engine) > before
