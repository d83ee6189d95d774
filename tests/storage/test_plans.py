"""Plans: save, read back, confirm, and the confirmed meetings a re-plan starts from."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.formats import load_plan
from scheduler.storage.db import transaction
from scheduler.storage.plans import (
    PlanNotFoundError,
    confirm_plan,
    confirmed_meetings,
    current_plan,
    get_plan,
    latest_plan,
    plan_document,
    save_plan,
)

T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_save_then_read_back_the_same_document(engine, plan, plan_doc):
    with transaction(engine) as session:
        plan_id = save_plan(session, plan, kind="allocate", created_at=T0)
    with transaction(engine) as session:
        row = get_plan(session, plan_id)
        assert row is not None
        assert (row.status, row.kind, row.problem_name) == ("draft", "allocate", plan.problem)
        assert (row.disruption, row.scheduled_priority, row.soft_cost) == (0, 21, 339)
        assert len(row.meetings) == 8
        assert plan_document(session, plan_id).to_doc() == plan_doc


def test_latest_plan_by_time_and_status(engine, plan):
    with transaction(engine) as session:
        first = save_plan(session, plan, kind="allocate", created_at=T0)
        second = save_plan(session, plan, kind="replan", created_at=T0 + dt.timedelta(hours=1))
    with transaction(engine) as session:
        assert latest_plan(session).id == second
        assert latest_plan(session, "confirmed") is None
        assert current_plan(session).id == second  # no confirmed plan: the latest draft
        confirm_plan(session, first, at=T0 + dt.timedelta(hours=2))
    with transaction(engine) as session:
        assert latest_plan(session, "confirmed").id == first
        assert current_plan(session).id == first  # the confirmed plan wins over newer drafts


def test_confirming_supersedes_the_previous_confirmed_plan(engine, plan):
    with transaction(engine) as session:
        a = save_plan(session, plan, kind="allocate", created_at=T0)
        b = save_plan(session, plan, kind="replan", created_at=T0 + dt.timedelta(days=1))
        confirm_plan(session, a, at=T0)
        confirm_plan(session, b, at=T0 + dt.timedelta(days=1))
    with transaction(engine) as session:
        assert get_plan(session, a).status == "superseded"
        assert get_plan(session, b).status == "confirmed"


def test_confirmed_meetings_are_the_next_existing(engine, plan):
    with transaction(engine) as session:
        assert confirmed_meetings(session) == []
        plan_id = save_plan(session, plan, kind="allocate", created_at=T0)
        assert confirmed_meetings(session) == []  # a draft is not in force
        confirm_plan(session, plan_id, at=T0)
    with transaction(engine) as session:
        meetings = confirmed_meetings(session)
    assert [m.case for m in meetings] == [m.case for m in plan.meetings]
    assert {m.status for m in meetings} <= {"confirmed", "pinned"}
    assert [m.start for m in meetings] == [m.start for m in plan.meetings]


def test_an_empty_plan_round_trips(engine, plan_doc):
    plan_doc["meetings"] = []
    plan_doc["unscheduled"] = []
    empty = load_plan(plan_doc)
    with transaction(engine) as session:
        plan_id = save_plan(session, empty, kind="allocate", created_at=T0)
        assert plan_document(session, plan_id).to_doc() == plan_doc


def test_missing_plan_and_naive_time_are_refused(engine, plan):
    with transaction(engine) as session:
        with pytest.raises(PlanNotFoundError):
            plan_document(session, 999)
        with pytest.raises(ValueError, match="timezone-aware"):
            save_plan(session, plan, kind="allocate", created_at=dt.datetime(2027, 3, 1))
