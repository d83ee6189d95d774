"""The bench's pure parts: the re-plan disruption builds a valid problem (no solving here)."""

from __future__ import annotations

import pytest

from scheduler.engine.bench import disrupt
from scheduler.engine.greedy import greedy
from scheduler.formats import load_problem
from scheduler.generate import generate_problem
from scheduler.verify import verify


def test_disruption_scenario_is_a_valid_problem_and_greedy_copes():
    doc = generate_problem("small", 1)
    plan = greedy(load_problem(doc))
    out, what = disrupt(doc, [m.to_doc() for m in plan.meetings], seed=1)
    p = load_problem(out)
    assert {"URGENT1", "URGENT2"} <= {c.id for c in p.cases}
    assert all(c.priority == 5 for c in p.cases if c.id.startswith("URGENT"))
    assert len(p.existing) == len(plan.meetings)
    assert all(m.status == "confirmed" for m in p.existing)
    assert "withdrawn" in what
    assert doc == generate_problem("small", 1)  # the original is untouched
    replanned = greedy(p)
    assert verify(p, replanned) == []


@pytest.mark.slow
def test_bench_runs_end_to_end(tmp_path):
    from scheduler.engine.bench import BenchConfig, run_bench

    config = BenchConfig(
        sizes=["small"], seeds=[1], tiers=["loose"], limits={"small": [2.0]}, replan=False
    )
    report = run_bench(config, echo=lambda _: None)
    rows = report["rows"]
    assert sorted(r["journeys"] for r in rows) == [False, True]  # journeys beside the others
    for row in rows:
        assert row["engine"]["verified"]
        assert row["greedy"]["verified"]
