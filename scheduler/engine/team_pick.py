"""Choosing the team of one meeting at one venue among the facilitators free at a slot.

Rule 2 comes from the options (`TeamRequirements`); the soft cost of a team is the
meeting's continuity, facilitators' travel, interpreter and gender-preference terms.

Best team, exactly and fast: the cost of a pair (lead, co) depends on each member
only through their kilometres, whether the lead is preferred, and a small *class*
(which attendees' languages and gender wishes they cover, and which 'at least one'
needs they meet). Within a class the cheaper free member is always as good, so only
the two cheapest free members of each class can be in a best team (two, because
the lead and the co may share a class). The pairs among those few are enumerated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from scheduler.domain import Case
from scheduler.engine.options import CaseOptions, Options
from scheduler.geo import km_rounded_up


@dataclass(frozen=True)
class Team:
    lead: str
    cos: tuple[str, ...]
    cost: int


@dataclass(frozen=True)
class CaseTeamFacts:
    """What a facilitator brings to one case, venue aside (computed once per case)."""

    required: int
    index: dict[str, int]  # document order
    members: tuple[str, ...]  # may sit and have some free start, in document order
    leads: frozenset[str]
    full_needs: int
    need: dict[str, int]  # bit j: meets 'at least one' need j
    cover: dict[str, int]  # bit 2i: speaks attendee i's language; 2i+1: meets i's wish
    lead_extra: dict[str, int]  # continuity cost when leading
    penalties: tuple[tuple[int, int], ...]  # (cover bit, cost when no member has it)

    @classmethod
    def of(cls, options: Options, case: Case, o: CaseOptions) -> CaseTeamFacts:
        problem = options.problem
        w = problem.policy.weights
        index = {f.id: i for i, f in enumerate(problem.facilitators)}
        members = tuple(
            sorted((f for f in o.team.cos if f in o.facilitator_starts), key=index.__getitem__)
        )
        leads = frozenset(o.team.leads) & set(members)
        needs = o.team.at_least_one
        attendees = case.attendees
        penalties: list[tuple[int, int]] = []
        for i, p in enumerate(attendees):
            penalties.append((1 << (2 * i), w.interpreter))
            wish = p.facilitator_gender
            if wish is not None and not wish.required:
                penalties.append((1 << (2 * i + 1), w.gender_preference))
        cover: dict[str, int] = {}
        need: dict[str, int] = {}
        for f in members:
            fac = problem.facilitator_by_id[f]
            bits = 0
            for i, p in enumerate(attendees):
                if p.needs.language in fac.languages:
                    bits |= 1 << (2 * i)
                wish = p.facilitator_gender
                if wish is not None and not wish.required and fac.gender == wish.value:
                    bits |= 1 << (2 * i + 1)
            cover[f] = bits
            need[f] = sum(1 << j for j, n in enumerate(needs) if f in n.members)
        preferred = set(case.preferred_facilitators)
        lead_extra = {f: (w.continuity if preferred and f not in preferred else 0) for f in leads}
        return cls(
            required=o.team.required,
            index=index,
            members=members,
            leads=leads,
            full_needs=(1 << len(needs)) - 1,
            need=need,
            cover=cover,
            lead_extra=lead_extra,
            penalties=tuple(penalties),
        )


class TeamPicker:
    """The qualified facilitators of one case who can reach venue v, ready to pick a team."""

    def __init__(self, options: Options, facts: CaseTeamFacts, o: CaseOptions, v: str) -> None:
        w = options.problem.policy.weights
        km = options.facilitator_km
        self.required = facts.required
        self.index = index = facts.index
        self.pool = [f for f in facts.members if v in o.reach.get(f, ())]
        self.leads = [f for f in self.pool if f in facts.leads]
        self.full_needs = facts.full_needs
        self._penalties = facts.penalties
        self.cover, self.need, self.lead_extra = facts.cover, facts.need, facts.lead_extra
        self.km = {f: w.travel_per_km * km_rounded_up(km[(f, v)]) for f in self.pool}
        classes: dict[tuple[int, int], list[str]] = defaultdict(list)
        lead_classes: dict[tuple[int, int, int], list[str]] = defaultdict(list)
        for f in self.pool:
            classes[(self.cover[f], self.need[f])].append(f)
        for f in self.leads:
            lead_classes[(self.cover[f], self.need[f], self.lead_extra[f])].append(f)
        self.classes = [sorted(c, key=lambda f: (self.km[f], index[f])) for c in classes.values()]
        self.lead_classes = [
            sorted(c, key=lambda f: (self.km[f], index[f])) for c in lead_classes.values()
        ]
        self.cheapest = self.best(lambda f: True)

    def penalty(self, cover: int) -> int:
        return sum(cost for bit, cost in self._penalties if not cover & bit)

    def cost(self, lead: str, cos: tuple[str, ...]) -> int:
        members = (lead, *cos)
        cover = 0
        for f in members:
            cover |= self.cover[f]
        return self.lead_extra[lead] + sum(self.km[f] for f in members) + self.penalty(cover)

    def _ok(self, lead: str, cos: tuple[str, ...]) -> bool:
        got = self.need[lead]
        for f in cos:
            got |= self.need[f]
        return got == self.full_needs and lead not in cos

    def best(self, free: Callable[[str], bool]) -> Team | None:
        """The cheapest team among the members for whom `free` holds (ties: document order)."""
        leads = [f for c in self.lead_classes for f in _first(c, free, 2)]
        if not leads:
            return None
        teams: list[tuple[str, tuple[str, ...]]]
        if self.required == 1:
            teams = [(lead, ()) for lead in leads if self._ok(lead, ())]
        else:
            cos = [f for c in self.classes for f in _first(c, free, 2)]
            teams = [
                (lead, combo)
                for lead in leads
                for combo in combinations([f for f in cos if f != lead], self.required - 1)
                if self._ok(lead, combo)
            ]
        if not teams:
            return None
        lead, combo = min(
            teams,
            key=lambda t: (self.cost(*t), self.index[t[0]], [self.index[f] for f in t[1]]),
        )
        return Team(lead, tuple(sorted(combo, key=self.index.__getitem__)), self.cost(lead, combo))

    def first(
        self, free: Callable[[str], bool], prefer: frozenset[str] = frozenset()
    ) -> Team | None:
        """The first team in document order (members of `prefer` first) among the free."""

        def key(f: str) -> tuple[bool, int]:
            return f not in prefer, self.index[f]

        leads = sorted((f for f in self.leads if free(f)), key=key)
        if self.required == 1:
            for lead in leads:
                if self._ok(lead, ()):
                    return Team(lead, (), self.cost(lead, ()))
            return None
        # Free co-facilitators grouped by the needs they meet: a few groups, each in order.
        groups: dict[int, list[str]] = defaultdict(list)
        for f in sorted((f for f in self.pool if free(f)), key=key):
            groups[self.need[f]].append(f)
        for lead in leads:
            missing = self.full_needs & ~self.need[lead]
            picks: list[str] = []
            for mask, members in groups.items():
                if mask & missing == missing:
                    picks += [f for f in members if f != lead][:1]
            if picks:
                co = min(picks, key=key)
                return Team(lead, (co,), self.cost(lead, (co,)))
        return None


def _first(items: list[str], pred: Callable[[str], bool], n: int) -> list[str]:
    out = []
    for f in items:
        if pred(f):
            out.append(f)
            if len(out) == n:
                break
    return out
