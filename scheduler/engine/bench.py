"""`rjsched bench`: the CP-SAT engine against the greedy baseline on generated problems.

Every solve runs in its own spawned process, so `ru_maxrss` there is that run's peak
memory (a forked child would count pages inherited from the parent). Children get
and return plain JSON-safe dicts. Not part of the default test run.
"""

from __future__ import annotations

import copy
import datetime as dt
import multiprocessing as mp
import random
import resource
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from queue import Empty
from typing import Any

Row = dict[str, Any]
# The generator's tiers: "tight" cuts hours; "scarce" has few facilitators and venues
# (at most 2 conferences a week each, at most 2 rooms) and half the cases due early.
TIERS = ("loose", "tight", "scarce")


@dataclass(frozen=True)
class BenchConfig:
    sizes: list[str]
    seeds: list[int]
    tiers: list[str]  # of TIERS: "loose" (the default generator), "tight", "scarce"
    limits: dict[str, list[float]]  # seconds per size; area gets two runs by default
    workers: int = 2
    replan: bool = True
    replan_time_limit: float = 10.0
    replan_first_limit: float = 60.0
    extra: dict[str, Any] = field(default_factory=dict)
    journeys: list[bool] = field(default_factory=lambda: [False, True])  # case journeys too


# --------------------------------------------------------------------------- children


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def _verified(problem, plan) -> tuple[bool, str]:  # type: ignore[no-untyped-def]
    from scheduler.verify import verify

    bad = verify(problem, plan)
    return (not bad, "; ".join(str(v) for v in bad[:3]))


def _summary(problem, plan, wall: float) -> Row:  # type: ignore[no-untyped-def]
    ok, why = _verified(problem, plan)
    o, b = plan.objective, plan.solver.bound
    return {
        "meetings": len(plan.meetings),
        "unscheduled": len(plan.unscheduled),
        "status": plan.solver.status,
        "disruption": o.disruption,
        "priority": o.scheduled_priority,
        "soft_cost": o.soft_cost,
        "bound_disruption": b.disruption,
        "bound_priority": b.scheduled_priority,
        "bound_soft_cost": b.soft_cost,
        "wall": round(wall, 2),
        "verified": ok,
        "violations": why,
        "reasons": dict(Counter(r.code for u in plan.unscheduled for r in u.reasons)),
    }


def child_engine(doc: dict, time_limit: float, workers: int) -> Row:
    from scheduler.engine import solve
    from scheduler.formats import load_problem

    problem = load_problem(doc)
    t0 = time.monotonic()
    plan = solve(problem, time_limit=time_limit, workers=workers)
    row = _summary(problem, plan, time.monotonic() - t0)
    row["peak_mb"] = _peak_mb()
    return row


def child_greedy(doc: dict) -> Row:
    from scheduler.engine.greedy import greedy
    from scheduler.engine.journeys import greedy_plan
    from scheduler.formats import load_problem

    problem = load_problem(doc)
    t0 = time.monotonic()
    # Journeys: whole cases in the coordinator's order (journeys.greedy_journeys).
    plan = greedy_plan(problem) if problem.has_journeys else greedy(problem)
    row = _summary(problem, plan, time.monotonic() - t0)
    row["peak_mb"] = _peak_mb()
    return row


def child_replan(doc: dict, first_limit: float, limit: float, workers: int, seed: int) -> Row:
    """Plan, time suggest on the unscheduled, then disrupt and re-plan with the plan confirmed."""
    from scheduler.engine import solve
    from scheduler.engine.suggest import Suggester
    from scheduler.formats import load_problem

    problem = load_problem(doc)
    plan = solve(problem, time_limit=first_limit, workers=workers)
    t0 = time.monotonic()
    suggester = Suggester(problem)  # once per problem, as the web app keeps it
    setup = time.monotonic() - t0
    timings = []
    for u in plan.unscheduled:
        t0 = time.monotonic()
        suggester.suggest(plan, u.case, 5)
        timings.append(time.monotonic() - t0)
    disrupted, what = disrupt(doc, [m.to_doc() for m in plan.meetings], seed)
    p2 = load_problem(disrupted)
    t0 = time.monotonic()
    try:
        plan2 = solve(p2, time_limit=limit, workers=workers)
    except RuntimeError as exc:  # the engine found no plan in time: report, with what we have
        plan2 = None
        row = {"error": f"re-plan: {exc}", "wall": round(time.monotonic() - t0, 2)}
    if plan2 is not None:
        row = _summary(p2, plan2, time.monotonic() - t0)
        row["level1_proven"] = plan2.solver.bound.disruption == plan2.objective.disruption
    row.update(
        scenario=what,
        first_meetings=len(plan.meetings),
        first_priority=plan.objective.scheduled_priority,
        suggest_setup=round(setup, 3),
        suggest_cases=len(timings),
        suggest_mean=round(statistics.mean(timings), 3) if timings else None,
        suggest_max=round(max(timings), 3) if timings else None,
        peak_mb=_peak_mb(),
    )
    return row


def disrupt(doc: dict, meetings: list[dict], seed: int) -> tuple[dict, str]:
    """The plan's meetings as confirmed, then: three facilitators and the busiest venue out
    for the second week, one scheduled case withdrawn, two new urgent priority-5 cases."""
    rng = random.Random(seed)
    out = copy.deepcopy(doc)
    out["existing"] = [{**m, "status": "confirmed"} for m in meetings]
    first = dt.date.fromisoformat(out["horizon"]["start"])
    monday = first + dt.timedelta(days=7 - first.weekday())
    week = {"start": f"{monday}T00:00", "end": f"{monday + dt.timedelta(days=7)}T00:00"}
    used = sorted({f for m in meetings for f in [m["lead"], *m["co_facilitators"]]}) or [
        f["id"] for f in out["facilitators"]
    ]
    sick = rng.sample(used, min(3, len(used)))
    busiest = Counter(m["venue"] for m in meetings).most_common(1)
    closed = [busiest[0][0]] if busiest else []
    for rec in out["facilitators"] + out["venues"]:
        if rec["id"] in sick or rec["id"] in closed:
            avail = rec.setdefault("availability", {})
            avail["unavailable"] = [*avail.get("unavailable", []), week]
    withdrawn = rng.choice(meetings)["case"] if meetings else None
    for c in out["cases"]:
        if c["id"] == withdrawn:
            for p in c["parties"]:
                if p["role"] == "victim":
                    p["consent"] = False
    scheduled = {m["case"] for m in meetings} - {withdrawn}
    templates = [c for c in out["cases"] if c["id"] in scheduled] or out["cases"]
    for n, c in enumerate(rng.sample(templates, min(2, len(templates))), start=1):
        new = copy.deepcopy(c)
        new["id"] = f"URGENT{n}"
        new["reference"] = f"RJ-URGENT-{n}"
        new["priority"] = 5
        new["preferred_facilitators"] = []
        for p in new["parties"]:
            p["id"] = f"U{n}-{p['id']}"
            if "supports" in p:
                p["supports"] = f"U{n}-{p['supports']}"
        out["cases"].append(new)
    what = (
        f"sick {', '.join(sick)}; venue {', '.join(closed)} closed week of {monday}; "
        f"{withdrawn} withdrawn; 2 urgent cases"
    )
    return out, what


def _wrap(fn: Callable[..., Row], args: tuple, queue: Any) -> None:
    try:
        queue.put(fn(*args))
    except Exception as exc:  # report, don't hang the parent
        queue.put({"error": f"{type(exc).__name__}: {exc}"})


def in_child(fn: Callable[..., Row], *args: Any) -> Row:
    """Run `fn(*args)` in a fresh spawned process and return its row."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_wrap, args=(fn, args, queue))
    proc.start()
    while True:
        try:
            row = queue.get(timeout=5)
            break
        except Empty:
            if not proc.is_alive():  # killed (out of memory?) before it could answer
                row = {"error": f"child exited with code {proc.exitcode}"}
                break
    proc.join()
    return row


# --------------------------------------------------------------------------- driver


def run_bench(config: BenchConfig, echo: Callable[[str], None] = print) -> dict[str, Any]:
    from scheduler.generate import generate_problem

    rows: list[Row] = []
    for size in config.sizes:
        for seed in config.seeds:
            for tier in config.tiers:
                if tier not in TIERS:
                    raise ValueError(f"unknown tier {tier!r}: expected one of {', '.join(TIERS)}")
                for journeys in config.journeys:
                    rows += _instance(config, size, seed, tier, journeys, echo)
    replan = None
    if config.replan and "area" in config.sizes:
        seed = config.seeds[0]
        echo(f"area seed {seed}: re-plan scenario")
        replan = in_child(
            child_replan,
            generate_problem("area", seed),
            config.replan_first_limit,
            config.replan_time_limit,
            config.workers,
            seed,
        )
    return {"rows": rows, "replan": replan}


def _instance(
    config: BenchConfig,
    size: str,
    seed: int,
    tier: str,
    journeys: bool,
    echo: Callable[[str], None],
) -> list[Row]:
    """Greedy, then the engine at each time limit, on one generated instance."""
    from scheduler.generate import generate_problem

    doc = generate_problem(
        size, seed, tight=tier == "tight", scarce=tier == "scarce", journeys=journeys
    )
    name = f"{size} seed {seed}{'' if tier == 'loose' else ' ' + tier}"
    name += " journeys" if journeys else ""
    echo(f"{name}: greedy")
    g = in_child(child_greedy, doc)
    rows = []
    for limit in config.limits.get(size, [60.0]):
        echo(f"{name}: engine {limit:g} s")
        e = in_child(child_engine, doc, limit, config.workers)
        rows.append(
            {
                "size": size,
                "seed": seed,
                "tier": tier,
                "tight": tier == "tight",
                "journeys": journeys,
                "limit": limit,
                "engine": e,
                "greedy": g,
            }
        )
    return rows


def print_report(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="engine vs greedy")
    cols = (
        "size", "seed", "tier", "journeys", "limit s", "priority / bound", "%", "L1 opt", "L2 opt",
        "soft", "soft bound", "greedy prio", "greedy soft", "soft ratio", "bound ratio", "wall s",
        "peak MB", "greedy s",
        "verify e/g",
    )  # fmt: skip
    for c in cols:
        table.add_column(c, justify="right")
    for r in report["rows"]:
        e, g = r["engine"], r["greedy"]
        if "error" in e or "error" in g:
            table.add_row(r["size"], str(r["seed"]), _tier(r),
                          _yn(r.get("journeys", False)), f"{r['limit']:g}",
                          e.get("error", "") or g.get("error", ""))  # fmt: skip
            continue
        pct = 100 * e["priority"] / e["bound_priority"] if e["bound_priority"] else 100.0
        # A "bound" below what greedy reached is no bound: say so rather than print 100 %.
        pct_text = "bound<greedy!" if g["priority"] > e["bound_priority"] else f"{pct:.1f}"
        ratio = e["soft_cost"] / g["soft_cost"] if g["soft_cost"] else float("nan")
        # The soft bound over greedy's soft cost: no plan of the engine's priority can
        # have a lower ratio than this, whatever the time limit.
        floor = e["bound_soft_cost"] / g["soft_cost"] if g["soft_cost"] else float("nan")
        table.add_row(
            r["size"], str(r["seed"]), _tier(r), _yn(r.get("journeys", False)),
            f"{r['limit']:g}", f"{e['priority']} / {e['bound_priority']}", pct_text,
            _yn(e["bound_disruption"] == e["disruption"]),
            _yn(e["bound_priority"] == e["priority"] and g["priority"] <= e["bound_priority"]),
            str(e["soft_cost"]), str(e["bound_soft_cost"]), str(g["priority"]),
            str(g["soft_cost"]), f"{ratio:.2f}", f"{floor:.2f}",
            f"{e['wall']:.1f}", f"{e['peak_mb']:.0f}", f"{g['wall']:.1f}",
            f"{_yn(e['verified'])}/{_yn(g['verified'])}",
        )  # fmt: skip
    console = Console()
    if not console.is_terminal:  # piped or captured: do not squeeze the table to 80 columns
        console = Console(width=200)
    if report["rows"]:
        console.print(table)
    rp = report.get("replan")
    if rp:
        if "error" in rp and "scenario" not in rp:
            console.print(f"re-plan scenario failed: {rp['error']}")
            return
        console.print(
            f"re-plan (area): first plan {rp['first_meetings']} meetings, priority "
            f"{rp['first_priority']}; then {rp['scenario']}"
        )
        if "error" in rp:
            console.print(f"  {rp['error']} (after {rp['wall']:.1f} s)")
        else:
            console.print(
                f"  disruption {rp['disruption']} (bound {rp['bound_disruption']}, level 1 proven "
                f"minimal: {_yn(rp['level1_proven'])}), priority {rp['priority']}/{rp['bound_priority']}, "
                f"wall {rp['wall']:.1f} s, verified {_yn(rp['verified'])}"
            )
        console.print(
            f"  suggest on {rp['suggest_cases']} unscheduled cases: mean {rp['suggest_mean']} s, "
            f"max {rp['suggest_max']} s per case (after a one-off {rp['suggest_setup']} s "
            "to expand availability)"
        )


def _tier(row: Row) -> str:
    return str(row.get("tier") or ("tight" if row.get("tight") else "loose"))


def _yn(flag: bool) -> str:
    return "yes" if flag else "no"
