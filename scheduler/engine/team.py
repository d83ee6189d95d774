"""Rule 2 (who may sit on and lead a case) as data: the pre-filter's team requirements.

The CP-SAT model enforces them with linear constraints (`rules.facilitator_team`), the
single-case search picks teams from them (`team_pick.py`) and the reasons read them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from scheduler.domain import Case, Facilitator, Problem


def _conflicted(f: Facilitator, case: Case) -> bool:
    return any(p.id in f.conflicts for p in case.parties)


def _may_serve(f: Facilitator, case: Case) -> bool:
    """What every facilitator of the case needs: prison for custody, no declared conflict."""
    if case.in_custody and not f.has("prison"):
        return False
    return not _conflicted(f, case)


def _servers(problem: Problem, case: Case) -> list[Facilitator]:
    """`_may_serve` over every facilitator, with the case's facts looked up once (at
    national size it ran 2,000 times a case and recomputed `in_custody` each time)."""
    custody = case.in_custody
    ids = {p.id for p in case.parties}
    return [
        f
        for f in problem.facilitators
        if (not custody or f.has("prison")) and not ids.intersection(f.conflicts)
    ]


def qualified_cos(problem: Problem, case: Case) -> list[str]:
    """Rule 2: facilitators who may sit on the case at all (every lead is also one)."""
    out = []
    for f in _servers(problem, case):
        if case.sensitive_complex and not f.has("sensitive_complex"):
            continue
        out.append(f.id)
    return out


def qualified_leads(problem: Problem, case: Case) -> list[str]:
    """Rule 2: facilitators who may lead the case."""
    out = []
    for f in _servers(problem, case):
        if f.level == "foundation":
            continue
        if case.sensitive_complex and (f.level != "advanced" or not f.has("sensitive_complex")):
            continue
        if case.offence in ("domestic_abuse", "sexual_harm") and not f.has(case.offence):
            continue
        out.append(f.id)
    return out


@dataclass(frozen=True)
class AtLeastOne:
    """A team requirement "at least one facilitator of the team is in `members`"."""

    label: str  # e.g. "hate_crime", "youth", "gender female (P12)"
    members: frozenset[str]


@dataclass(frozen=True)
class TeamRequirements:
    """Rule 2 for one case: size, who may lead, who may sit, and the 'at least one' needs."""

    required: int
    leads: tuple[str, ...]
    cos: tuple[str, ...]  # everyone who may sit on the case, leads included
    at_least_one: tuple[AtLeastOne, ...]

    def team_ok(self, lead: str, others: Iterable[str]) -> bool:
        """Whether this exact team (lead + others) meets rule 2 (time aside)."""
        team = {lead, *others}
        if len(team) != self.required or lead not in self.leads:
            return False
        if not team <= set(self.cos):
            return False
        return all(team & need.members for need in self.at_least_one)

    def possible(self, pool: Iterable[str] | None = None) -> bool:
        """Some team drawn from `pool` (default: everyone qualified) meets rule 2."""
        members = [f for f in self.cos if pool is None or f in set(pool)]
        for lead in self.leads:
            if lead not in members:
                continue
            rest = [f for f in members if f != lead]
            for others in combinations(rest, self.required - 1):
                if self.team_ok(lead, others):
                    return True
        return False


def team_requirements(problem: Problem, case: Case) -> TeamRequirements:
    """Rule 2 as data: the model enforces it with linear constraints, reasons read it."""
    needs: list[AtLeastOne] = []

    def having(pred) -> frozenset[str]:  # type: ignore[no-untyped-def]
        return frozenset(f.id for f in problem.facilitators if pred(f))

    if case.offence == "hate_crime":
        needs.append(AtLeastOne("hate_crime", having(lambda f: f.has("hate_crime"))))
    if any(p.under_18 for p in case.attendees):
        needs.append(AtLeastOne("youth", having(lambda f: f.has("youth"))))
    for p in case.attendees:
        wish = p.facilitator_gender
        if wish is not None and wish.required:
            value = wish.value
            needs.append(
                AtLeastOne(f"gender {value} ({p.id})", having(lambda f, v=value: f.gender == v))
            )
    return TeamRequirements(
        required=case.effective_facilitators_required,
        leads=tuple(qualified_leads(problem, case)),
        cos=tuple(qualified_cos(problem, case)),
        at_least_one=tuple(needs),
    )
