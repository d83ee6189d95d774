"""Level 3's relaxation bound: each case's cheapest placement alone (`Ideals`), and from
them a lower bound on the soft cost of any plan keeping levels 1 and 2."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.domain import Meeting, Problem
from scheduler.engine import objective as obj
from scheduler.engine.occupancy import Occupancy
from scheduler.engine.options import Options
from scheduler.engine.placement import Placement, search


@dataclass(frozen=True)
class Ideals:
    """Each case's cheapest placements with only the kept pins in place: its soft cost
    can never be lower (other meetings only take options away). Cases not reached
    before the deadline count as free, which only weakens the bound (costs are ≥ 0);
    cases placeable nowhere even alone cannot add priority at all (`never`)."""

    cost: dict[str, int]
    best: dict[str, list[Placement]]
    never: frozenset[str] = frozenset()  # examined and placeable nowhere, even alone

    @classmethod
    def of(
        cls,
        problem: Problem,
        options: Options,
        case_ids: list[str],
        pins: list[Meeting],
        deadline: float,
    ) -> Ideals:
        occ = Occupancy(options, pins)
        pinned = {x.case for x in pins}
        cost: dict[str, int] = {}
        best: dict[str, list[Placement]] = {}
        never: set[str] = set()
        for cid in case_ids:
            if cid in pinned:
                continue
            if not options.cases[cid].schedulable:
                never.add(cid)
                continue
            if time.monotonic() > deadline:
                continue
            got = search(occ, cid, order="best", k=3)
            if got:
                cost[cid], best[cid] = got[0].cost, got
            else:
                never.add(cid)
        return cls(cost, best, frozenset(never))

    def soft_bound(
        self, problem: Problem, case_ids: list[str], pins: list[Meeting], priority: int
    ) -> int:
        """A lower bound on the soft cost of any plan of `case_ids` keeping `pins` and
        scheduling at least `priority`: the pins' own costs plus the cheapest way, by the
        linear relaxation of the covering knapsack, to make up the priority with cases
        at their cheapest placements. The max-load term is left out (bounded below by 0)."""
        total = sum(obj.meeting_soft_cost(problem, problem.case_by_id[x.case], x) for x in pins)
        need = priority - obj.plan_priority(problem, pins)
        pinned = {x.case for x in pins}
        items = [
            (self.cost.get(c, 0), problem.case_by_id[c].priority)
            for c in case_ids
            if c not in pinned and c not in self.never
        ]
        return total + cover_cost(items, need)


def cover_cost(items: Iterable[tuple[int, int]], need: int) -> int:
    """The linear relaxation of the covering knapsack: the least total cost of (cost,
    priority) items, taken fractionally, cheapest per unit of priority first, that make
    up `need` priority (rounded down: a lower bound on any whole choice)."""
    frac = 0.0
    for c, p in sorted(items, key=lambda cp: cp[0] / max(cp[1], 1)):
        if need <= 0:
            break
        if p <= 0:
            continue  # adds no priority: never needed
        frac += min(1.0, need / p) * c
        need -= p
    return math.floor(frac)
