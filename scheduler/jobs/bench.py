"""How an allocation's wall time falls with more workers: ``python -m scheduler.jobs.bench``.

Runs the same orchestration as the Celery jobs (prepare: options, localised parts and
greedy plan; one solve per unit with its share of the time limit and its greedy hint;
merge with bounded reasons) with the units spread over a pool of N worker processes,
for each N asked for, and prints the wall times. Each worker process loads the problem
and builds its options once, like a Celery worker on its first part of a request.

A generated problem is one service area; ``--regions K`` puts K copies of it side by
side, far apart (a national service of K regions that share no facilitator or venue),
which is what makes it split into parts. Choice: the copies' travel limits are capped
(facilitators 60 km, parties 40 km) so that no one crosses to another region.
"""

from __future__ import annotations

import argparse
import copy
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from scheduler.domain import Plan, Problem
from scheduler.engine.budget import Budget
from scheduler.formats import load_problem
from scheduler.jobs import engine_adapter as solver

REGION_SPACING_LAT = 2.0  # about 220 km between neighbouring regions


def regions(doc: dict[str, Any], k: int) -> dict[str, Any]:
    """`k` far-apart copies of a problem document in one (ids suffixed R2, R3, ...)."""
    out = _capped(copy.deepcopy(doc))
    for i in range(2, k + 1):
        twin = _capped(region_copy(doc, f"R{i}", (i - 1) * REGION_SPACING_LAT))
        for key in ("facilitators", "venues", "cases", "keep_apart"):
            out[key] = out.get(key, []) + twin.get(key, [])
    if k > 1:
        out["name"] = f"{doc['name']}-x{k}"
        out.pop("existing", None)
    return out


def _capped(doc: dict[str, Any]) -> dict[str, Any]:
    for f in doc["facilitators"]:
        f["max_travel_km"] = min(f.get("max_travel_km", 60), 60)
    for case in doc["cases"]:
        for party in case["parties"]:
            party["max_travel_km"] = min(party.get("max_travel_km", 40), 40)
    return doc


def region_copy(doc: dict[str, Any], suffix: str, shift_lat: float) -> dict[str, Any]:
    """The same service again, `shift_lat` degrees north, with its own ids and addresses."""
    twin = copy.deepcopy(doc)

    def rid(value: str) -> str:
        return f"{value}{suffix}"

    def move(loc: dict[str, float] | None) -> None:
        if loc is not None:
            loc["lat"] = min(89.0, loc["lat"] + shift_lat)

    def mail(address: str) -> str:
        return address.replace("@", f".{suffix.lower()}@")

    for f in twin["facilitators"]:
        f["id"], f["email"] = rid(f["id"]), mail(f["email"])
        f["conflicts"] = [rid(p) for p in f.get("conflicts", [])]
        move(f["home"])
    for v in twin["venues"]:
        v["id"] = rid(v["id"])
        if v.get("prison"):
            v["prison"] = rid(v["prison"])
        move(v["location"])
    for c in twin["cases"]:
        c["id"], c["reference"] = rid(c["id"]), rid(c["reference"])
        c["preferred_facilitators"] = [rid(f) for f in c.get("preferred_facilitators", [])]
        for p in c["parties"]:
            p["id"] = rid(p["id"])
            for key in ("supports", "in_custody"):
                if p.get(key):
                    p[key] = rid(p[key])
            if p.get("email"):
                p["email"] = mail(p["email"])
            move(p.get("home"))
            for zone in p.get("exclusion_zones", []):
                move(zone["center"])
    twin["keep_apart"] = [[rid(a), rid(b)] for a, b in twin.get("keep_apart", [])]
    twin.pop("existing", None)
    return twin


# --------------------------------------------------------------------------- the pool

_problem: Problem | None = None


def _load(doc: dict[str, Any]) -> None:
    """A worker process: load the problem and build its options once (as a Celery worker
    does on its first part of a request)."""
    global _problem
    _problem = load_problem(doc)
    solver.options_for(_problem)


def _solve(unit: dict[str, Any], workers: int) -> dict[str, Any]:
    assert _problem is not None
    result = solver.solve_unit(_problem, solver.unit_from_json(unit), workers=workers)
    return solver.part_to_json(result)


@dataclass(frozen=True)
class Run:
    prepare: float  # options, localised parts, greedy plan (in the allocating process)
    solve: float  # the pool: worker start-up (options per process) and the units
    merge: float  # merge with the bounded reasons
    plan: Plan


def run(
    doc: dict[str, Any], problem: Problem, *, pool: int, time_limit: float, solver_workers: int
) -> Run:
    """One allocation the way the jobs run it, with the units over `pool` processes."""
    budget = Budget.start(time_limit)
    t0 = budget.started
    prepared = solver.prepare(problem)
    units = solver.units(prepared, budget)
    t1 = time.monotonic()
    with ProcessPoolExecutor(max_workers=pool, initializer=_load, initargs=(doc,)) as ex:
        futures = [ex.submit(_solve, solver.unit_to_json(u), solver_workers) for u in units]
        results = [f.result() for f in futures]
    t2 = time.monotonic()
    plan = solver.merge(
        problem,
        [solver.part_from_json(r) for r in results],
        budget,
        floor=solver.floor_of(prepared),
    )
    return Run(t1 - t0, t2 - t1, time.monotonic() - t2, plan)


def main(argv: list[str] | None = None) -> None:
    from scheduler.generate import generate_problem

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="area", help="generated size (small, area, region, national)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--regions", type=int, default=1, help="far-apart copies side by side")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="pool sizes to compare")
    ap.add_argument(
        "--time-limit", type=float, default=30.0, help="solver seconds, shared by parts"
    )
    ap.add_argument("--solver-workers", type=int, default=1, help="CP-SAT threads per part")
    ap.add_argument("--verify", action="store_true", help="check each plan with scheduler.verify")
    args = ap.parse_args(argv)

    doc = regions(generate_problem(args.size, args.seed), args.regions)
    problem = load_problem(doc)
    t0 = time.monotonic()
    parts = solver.localised_options(problem, solver.options_for(problem)[0])[1]
    print(
        f"{problem.name}: {len(problem.cases)} cases, {len(problem.facilitators)} facilitators, "
        f"{len(problem.venues)} venues; options and split in {time.monotonic() - t0:.1f}s into "
        f"{len(parts)} unit(s) of {', '.join(str(len(p)) for p in parts[:12])}"
        f"{' …' if len(parts) > 12 else ''} cases"
    )
    print(
        f"{'workers':>7} {'prep s':>7} {'solve s':>8} {'merge s':>8} {'total s':>8} "
        f"{'meetings':>8} {'priority':>8} {'soft':>7}  valid"
    )
    base = None
    for n in args.workers:
        r = run(
            doc, problem, pool=n, time_limit=args.time_limit, solver_workers=args.solver_workers
        )
        plan = r.plan
        valid = "-"
        if args.verify:
            from scheduler.verify import verify

            valid = "yes" if not verify(problem, plan) else "NO"
        total = r.prepare + r.solve + r.merge
        base = base or total
        print(
            f"{n:>7} {r.prepare:>7.1f} {r.solve:>8.1f} {r.merge:>8.1f} {total:>8.1f} "
            f"{len(plan.meetings):>8} {plan.objective.scheduled_priority:>8} "
            f"{plan.objective.soft_cost:>7}  {valid}   ({base / total:.2f}x)"
        )


if __name__ == "__main__":
    main()
