"""The job services without Celery: backoff, the re-plan problem, claims, requests."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from scheduler.formats import load_plan, load_problem
from scheduler.jobs import requests
from scheduler.jobs.replan_lease import LeaseTerms, claim_run, renew
from scheduler.jobs.replan_problem import complete_plan, describe_changes, replan_problem
from scheduler.jobs.sending import retry_delay
from tests.jobs.conftest import example_docs

NOW = dt.datetime(2027, 3, 1, 3, 30, tzinfo=dt.UTC)


def confirmed(plan):  # type: ignore[no-untyped-def]
    return [m.model_copy(update={"status": "confirmed"}) for m in plan.meetings]


@pytest.mark.parametrize("attempt", [0, 1, 2, 5, 20, 100])
def test_retry_delay_grows_with_jitter_and_cap(attempt: int) -> None:
    low = retry_delay(attempt, base=30, cap=3600, rand=lambda: 0.0)
    high = retry_delay(attempt, base=30, cap=3600, rand=lambda: 0.999999)
    ceiling = min(3600, 30 * 2**attempt)
    assert low == pytest.approx(ceiling / 2)
    assert ceiling / 2 <= high <= ceiling <= 3600


def test_retry_delay_never_falls_as_attempts_rise() -> None:
    lows = [retry_delay(a, base=1, cap=60, rand=lambda: 0.0) for a in range(12)]
    assert lows == sorted(lows)
    assert lows[-1] == 30


def test_replan_pins_meetings_up_to_the_run_date_and_moves_nothing_earlier() -> None:
    problem_doc, plan_doc = example_docs()
    problem, plan = load_problem(problem_doc), load_plan(plan_doc)
    prepared = replan_problem(problem, confirmed(plan), dt.date(2027, 3, 9))
    status = {m.case: m.status for m in prepared.problem.existing}
    assert status["C7"] == "pinned"  # 8 March: took place
    assert status["C6"] == "pinned"  # 9 March: the run day itself
    assert status["C12"] == "confirmed"  # 11 March: may still move
    assert prepared.pinned == ["C7", "C6"]
    for case in prepared.problem.cases:
        if case.id not in prepared.pinned:
            assert prepared.problem.case_earliest(case) >= dt.date(2027, 3, 10)


def test_replan_keeps_a_coordinators_pin() -> None:
    problem_doc, plan_doc = example_docs()
    problem_doc["existing"] = [
        dict(m, status="pinned") for m in plan_doc["meetings"] if m["case"] == "C10"
    ]
    problem = load_problem(problem_doc)
    prepared = replan_problem(problem, confirmed(load_plan(plan_doc)), dt.date(2027, 3, 1))
    assert {m.case: m.status for m in prepared.problem.existing}["C10"] == "pinned"


def test_replan_leaves_out_a_meeting_whose_case_is_gone_and_cases_whose_dates_ended() -> None:
    problem_doc, plan_doc = example_docs()
    problem_doc["cases"] = [c for c in problem_doc["cases"] if c["id"] != "C12"]
    problem_doc["keep_apart"] = []
    ended = "C4"  # not in the plan; its dates end on the run day
    case = next(c for c in problem_doc["cases"] if c["id"] == ended)
    case.pop("earliest", None)
    case["latest"] = "2027-03-09"
    problem = load_problem(problem_doc)
    plan = load_plan(plan_doc)
    prepared = replan_problem(problem, confirmed(plan), dt.date(2027, 3, 9))
    assert "C12" in prepared.left_out
    if ended not in prepared.pinned:
        assert prepared.expired == [ended]
        assert ended not in prepared.problem.case_by_id
        done = complete_plan(
            plan.model_copy(update={"meetings": []}), prepared.expired, dt.date(2027, 3, 9)
        )
        assert done.unscheduled[-1].case == ended
        assert done.unscheduled[-1].reasons[0].code == "NO_COMMON_TIME"


def test_describe_changes() -> None:
    plan = load_plan(example_docs()[1])
    before = confirmed(plan)
    doc = plan.to_doc()
    doc["meetings"] = [m for m in doc["meetings"] if m["case"] != "C2"]
    doc["meetings"][0]["venue"] = "V9"
    lead, co = doc["meetings"][1]["lead"], doc["meetings"][1]["co_facilitators"]
    if co:
        doc["meetings"][1]["lead"], doc["meetings"][1]["co_facilitators"] = co[0], [lead]
    changes = describe_changes(before, load_plan(doc))
    assert changes.dropped == ["C2"]
    assert doc["meetings"][0]["case"] in changes.moved
    assert changes.any
    same = describe_changes(before, plan)
    assert not same.any
    assert len(same.unchanged) == len(before)


TERMS = LeaseTerms(seconds=60, heartbeat_seconds=10)


def test_a_date_is_claimed_once_even_by_racing_claimers(engine) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2027, 3, 9)
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def claim(n: int) -> None:
        barrier.wait()
        results.append(claim_run(engine, day, owner=f"p{n}", now=NOW, terms=TERMS).claimed)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    later = NOW + dt.timedelta(seconds=30)
    held = claim_run(engine, day, owner="late", now=later, terms=TERMS)
    assert (held.claimed, held.status) == (False, "held")
    assert held.held_until == NOW + dt.timedelta(seconds=60)


def test_a_live_lease_holds_and_a_dead_one_is_taken_over(engine) -> None:  # type: ignore[no-untyped-def]
    day = dt.date(2027, 3, 9)
    assert claim_run(engine, day, owner="first", now=NOW, terms=TERMS).claimed
    # The heartbeat renews the lease: half an hour later it still holds.
    for minutes in range(1, 31):
        at = NOW + dt.timedelta(minutes=minutes)
        assert renew(engine, day, owner="first", now=at, terms=TERMS)
        assert claim_run(engine, day, owner="second", now=at, terms=TERMS).status == "held"
    # The first process dies: one lease later the date is taken over, and the first's
    # heartbeat (were it alive after all) finds the run no longer its own.
    dead = NOW + dt.timedelta(minutes=31, seconds=1)
    taken = claim_run(engine, day, owner="second", now=dead, terms=TERMS)
    assert (taken.claimed, taken.previous_owner) == (True, "first")
    assert not renew(engine, day, owner="first", now=dead, terms=TERMS)
    # --force takes over even a live lease.
    forced = claim_run(engine, day, owner="third", now=dead, terms=TERMS, force=True)
    assert (forced.claimed, forced.previous_owner) == (True, "second")


def test_request_progress_only_rises_and_failure_is_recorded(engine) -> None:  # type: ignore[no-untyped-def]
    rid = requests.create_request(engine, params={"time_limit": 3}, now=NOW)
    requests.mark_running(engine, rid, now=NOW, message="go")
    requests.set_progress(engine, rid, 40)
    requests.set_progress(engine, rid, 20)
    requests.add_progress(engine, rid, 45, 90)
    requests.add_progress(engine, rid, 45, 90)
    assert requests.get_request(engine, rid).progress == 90
    requests.fail(engine, rid, error="boom", now=NOW)
    row = requests.get_request(engine, rid)
    assert (row.status, row.error) == ("failed", "boom")
    with pytest.raises(requests.RequestNotFoundError):
        requests.get_request(engine, rid + 100)


def test_the_heartbeat_keeps_a_live_run_and_stops_with_it(engine) -> None:  # type: ignore[no-untyped-def]
    import time

    from scheduler.jobs.replan_lease import Heartbeat

    day, terms = dt.date(2027, 3, 9), LeaseTerms(seconds=2, heartbeat_seconds=0.2)

    def clock() -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    assert claim_run(engine, day, owner="live", now=clock(), terms=terms).claimed
    with Heartbeat(engine, day, owner="live", terms=terms, clock=clock) as beat:
        deadline = time.monotonic() + 3  # well past the lease: only the heartbeat holds it
        while time.monotonic() < deadline:
            assert claim_run(engine, day, owner="other", now=clock(), terms=terms).status == "held"
            time.sleep(0.05)
    assert not beat.lost.is_set()
    time.sleep(2.2)  # stopped: the lease runs out
    assert claim_run(engine, day, owner="other", now=clock(), terms=terms).claimed
