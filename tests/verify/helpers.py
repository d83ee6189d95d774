"""Factories for verifier tests: the spec example as dicts, and small plan edits."""

from __future__ import annotations

import copy
import datetime as dt
import json
from functools import cache

from scheduler.domain import Plan, Problem
from scheduler.formats import load_plan, load_problem
from scheduler.timeutil import Clock
from scheduler.verify import Violation, compute_objective, verify
from tests.paths import DATA

FMT = "%Y-%m-%dT%H:%M"


@cache
def _raw(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def example() -> tuple[dict, dict]:
    """Fresh, editable copies of the example problem and plan documents."""
    return json.loads(_raw("small.problem.json")), json.loads(_raw("small.plan.json"))


def load(pr: dict, pl: dict) -> tuple[Problem, Plan]:
    return load_problem(copy.deepcopy(pr)), load_plan(copy.deepcopy(pl))


def check(pr: dict, pl: dict, fix_objective: bool = False) -> list[Violation]:
    problem, plan = load(pr, pl)
    if fix_objective:
        pl["objective"] = compute_objective(problem, plan).to_doc()
        pl["solver"]["bound"] = dict(pl["objective"])  # an OPTIMAL plan's bound is its objective
        plan = load_plan(copy.deepcopy(pl))
    return verify(problem, plan)


def rules_of(violations: list[Violation]) -> set[int | str]:
    return {v.rule for v in violations}


def meeting(pl: dict, case: str) -> dict:
    return next(m for m in pl["meetings"] if m["case"] == case)


def case(pr: dict, case_id: str) -> dict:
    return next(c for c in pr["cases"] if c["id"] == case_id)


def party(pr: dict, party_id: str) -> dict:
    return next(p for c in pr["cases"] for p in c["parties"] if p["id"] == party_id)


def facilitator(pr: dict, fid: str) -> dict:
    return next(f for f in pr["facilitators"] if f["id"] == fid)


def venue(pr: dict, vid: str) -> dict:
    return next(v for v in pr["venues"] if v["id"] == vid)


def retime(pr: dict, pl: dict, case_id: str, start: str) -> dict:
    """Move a meeting to `start`, with end, on-site and arrive/leave derived as the spec says."""
    m = meeting(pl, case_id)
    c = case(pr, case_id)
    pol = {
        "settle_minutes": 15,
        "stagger_minutes": 15,
        "facilitator_before_minutes": 45,
        "facilitator_after_minutes": 30,
        **pr.get("policy", {}),
    }
    clock = Clock(pr.get("timezone", "Europe/London"))
    s = clock.instant(dt.datetime.strptime(start, FMT))
    e = s + c["duration_minutes"]
    a, g = pol["settle_minutes"], pol["stagger_minutes"]
    first = c.get("first_to_arrive", "offender")
    m["start"], m["end"] = clock.local_str(s), clock.local_str(e)
    m["facilitators_on_site"] = {
        "start": clock.local_str(s - pol["facilitator_before_minutes"]),
        "end": clock.local_str(e + pol["facilitator_after_minutes"]),
    }
    for row in m["attendance"]:
        lo, hi = (s - a - g, e + g) if row["side"] == first else (s - a, e)
        row["arrive"], row["leave"] = clock.local_str(lo), clock.local_str(hi)
    return m


def relocate(
    pr: dict,
    pl: dict,
    case_id: str,
    venue_id: str,
    room: str,
    waiting: tuple[str, str] = ("W1", "W2"),
) -> dict:
    """Move a meeting to another venue, with waiting rooms and entrances that exist there."""
    m = meeting(pl, case_id)
    v = venue(pr, venue_id)
    doors = v.get("entrances") or []
    m["venue"], m["room"] = venue_id, room
    for row in m["attendance"]:
        i = 0 if row["side"] == "victim" else 1
        row["waiting_room"] = waiting[i]
        row.pop("entrance", None)
        if doors:
            row["entrance"] = doors[min(i, len(doors) - 1)]
    return m


def always_available(pr: dict) -> None:
    """Drop every availability pattern, so tests of other rules are not muddied by rule 3."""
    for f in pr["facilitators"]:
        f.pop("availability", None)
    for v in pr["venues"]:
        v.pop("availability", None)
    for c in pr["cases"]:
        for p in c["parties"]:
            p.pop("availability", None)
