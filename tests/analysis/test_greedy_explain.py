"""Greedy baseline plans are valid; explain's counts add up and agree with the reasons."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from scheduler.cli import cli as main
from scheduler.engine.explain import explain
from scheduler.engine.greedy import greedy
from scheduler.engine.options import build_options
from scheduler.formats import load_problem
from scheduler.generate import generate_problem
from scheduler.verify import verify
from tests.analysis.helpers import DATA, example
from tests.engine.factories import with_existing


def test_greedy_on_the_example_is_valid_and_no_better_than_optimal():
    p, best = example()
    plan = greedy(p)
    assert verify(p, plan) == []
    assert plan.solver.status == "FEASIBLE"
    assert plan.solver.bound == plan.objective
    assert plan.objective.scheduled_priority <= best.objective.scheduled_priority
    codes = {u.case: {r.code for r in u.reasons} for u in plan.unscheduled}
    assert codes["C5"] == {"NO_SAFE_VENUE"}
    assert codes["C11"] == {"NO_QUALIFIED_FACILITATOR"}


@pytest.mark.parametrize(("seed", "tight"), [(1, False), (2, True), (3, False)])
def test_greedy_on_generated_small_problems_is_valid(seed, tight):
    p = load_problem(generate_problem("small", seed, tight=tight))
    assert verify(p, greedy(p)) == []


def test_greedy_keeps_pins_and_confirmed_meetings():
    p, best = example()
    pinned = [m.model_copy(update={"status": "pinned"}) for m in best.meetings[:3]]
    confirmed = [m.model_copy(update={"status": "confirmed"}) for m in best.meetings[3:]]
    q = with_existing(p, [m.to_doc() for m in pinned + confirmed])
    plan = greedy(q)
    assert verify(q, plan) == []
    statuses = {m.case: m.status for m in plan.meetings}
    assert all(statuses[m.case] == "pinned" for m in pinned)
    assert plan.objective.disruption <= 10 * len(confirmed)


def test_greedy_in_order_of_priority():
    p, _ = example()
    plan = greedy(p)
    # The highest-priority placeable case gets the earliest feasible slot it could have had alone.
    from scheduler.engine.occupancy import Occupancy
    from scheduler.engine.placement import search

    options = build_options(p)
    top = min(
        (c for c in p.cases if options.cases[c.id].schedulable),
        key=lambda c: (-c.priority, c.referred_on),
    )
    (alone,) = search(Occupancy(options), top.id, order="first")
    got = next(m for m in plan.meetings if m.case == top.id)
    assert got.start == alone.start
    assert got.venue == alone.venue


def test_explain_counts_add_up_on_every_case_of_the_example():
    p, plan = example()
    options = build_options(p)
    reasons = {u.case: {r.code for r in u.reasons} for u in plan.unscheduled}
    for c in p.cases:
        ex = explain(p, c.id, options)
        o = options.cases[c.id]
        for f in ex.funnels:
            assert all(n >= 0 for _, n in f.steps), (c.id, f)
            assert f.remaining == f.total - sum(n for _, n in f.steps) >= 0
        facs, leads, venues, starts = ex.funnels
        assert facs.total == len(p.facilitators)
        assert leads.total == len(o.team.cos)
        assert facs.total - sum(n for _, n in facs.steps[:-2]) == len(o.team.cos)
        assert leads.remaining == len(o.team.leads)
        assert venues.total == len(p.venues)
        assert venues.total - sum(n for label, n in venues.steps[:7]) == len(o.venues)
        assert dict(starts.steps)["are ruled out by the rest of the presence rules"] == 0
        assert len(f.rules) == len(f.steps)
        assert starts.remaining + starts.steps[-1][1] == len(o.starts)
        if c.id in reasons:
            assert {r.code for r in ex.reasons} == reasons[c.id], c.id
        else:
            assert ex.reasons == []
            assert ex.options > 0
            assert ex.verdict.startswith("can be scheduled")


def test_explain_and_suggest_cli():
    runner = CliRunner()
    problem = str(DATA / "small.problem.json")
    got = runner.invoke(main, ["explain", problem, "--case", "C11"])
    assert got.exit_code == 0, got.output
    assert "NO_QUALIFIED_FACILITATOR" in got.output
    first = got.output.splitlines()[0]
    assert first.startswith("Case RJ-")
    assert "cannot be scheduled" in first
    assert "rule 2" not in got.output.split("What narrows it down")[0]  # no rule numbers before it
    got = runner.invoke(main, ["explain", problem, "--case", "NOPE"])
    assert got.exit_code != 0
    assert "NOPE" in got.output
    plan = str(DATA / "small.plan.json")
    got = runner.invoke(main, ["suggest", problem, "--plan", plan, "--case", "C1", "-k", "2"])
    assert got.exit_code == 0, got.output
    assert "best" in got.output
