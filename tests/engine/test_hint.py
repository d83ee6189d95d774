"""The greedy plan as CP-SAT's hint: complete, consistent with the model, and the answer
when the solver finds nothing in time; the pre-filter's fast paths agree with the slow ones."""

from __future__ import annotations

import importlib

from ortools.sat.python import cp_model

from scheduler.engine import build_options, split
from scheduler.engine.greedy import greedy
from scheduler.engine.options import FreeStarts
from scheduler.engine.solution_meetings import chosen
from scheduler.formats import load_problem
from scheduler.generate import generate_problem
from tests.engine.factories import check

solve_mod = importlib.import_module("scheduler.engine.solve")
cpsat_run = importlib.import_module("scheduler.engine.cpsat_run")


def _small():  # type: ignore[no-untyped-def]
    return load_problem(generate_problem("small", 3))


def test_greedy_plan_is_a_complete_feasible_hint() -> None:
    p = _small()
    options = build_options(p)
    baseline = greedy(p, options).meetings
    for ids in split(p, options):
        m, _ = solve_mod.build_model(p, options, ids)
        mine = [x for x in baseline if x.case in m.cases]
        solve_mod.hint_meetings(m, mine)
        s = cp_model.CpSolver()
        s.parameters.fix_variables_to_their_hinted_value = True
        s.parameters.max_time_in_seconds = 10
        s.parameters.num_workers = 1
        assert s.solve(m.cp) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        got = {(c.case_id, c.start, c.venue, c.lead) for c in chosen(m, s)}
        clock = options.clock
        assert got == {(x.case, clock.instant(x.start), x.venue, x.lead) for x in mine}


def test_no_solution_in_time_falls_back_to_the_hint(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    p = _small()
    options = build_options(p)
    baseline = list(greedy(p, options).meetings)

    class Nothing(cp_model.CpSolver):
        def solve(self, *_a, **_k):  # type: ignore[no-untyped-def]
            return cp_model.UNKNOWN

    monkeypatch.setattr(cpsat_run, "new_solver", lambda seconds, workers: Nothing())
    monkeypatch.setattr(solve_mod, "new_solver", lambda seconds, workers: Nothing())
    ids = [c.id for c in p.cases if options.cases[c.id].schedulable]
    res = solve_mod.solve_part(p, ids, time_limit=1, options=options, hint=baseline)
    assert not res.optimal
    assert {x.case for x in res.meetings} == {x.case for x in baseline if x.case in set(ids)}
    assert res.bounds["soft_cost"] == 0
    assert res.bounds["scheduled_priority"] >= res.values["scheduled_priority"]


def test_free_starts_worked_out_on_demand_match_the_eager_ones() -> None:
    p = _small()
    options = build_options(p)
    for o in options.cases.values():
        fs = o.facilitator_starts
        assert isinstance(fs, FreeStarts)
        near = {f: fs[f] for f in fs.near}
        everyone = dict(fs.items())  # works out the far ones too
        assert {f: everyone[f] for f in near} == near
        assert set(everyone) <= set(o.team.cos)
        assert set(o.usable_facilitators) <= set(near)


def test_solve_on_a_generated_problem_verifies() -> None:
    p = _small()
    from scheduler.engine import solve

    check(p, solve(p, time_limit=5))


def test_a_spent_time_limit_returns_the_greedy_plan() -> None:
    p = _small()
    from scheduler.engine import solve

    plan = solve(p, time_limit=0.1)
    check(p, plan)
    assert plan.solver.status == "FEASIBLE"
    base = greedy(p, build_options(p))
    assert {m.case for m in plan.meetings} == {m.case for m in base.meetings}
