"""Where each id of a problem lives, over the records that parsed in phase one."""

from __future__ import annotations

from dataclasses import dataclass, field

from scheduler.domain import Case, Venue
from scheduler.formats.parsed_records import Parts


@dataclass
class Index:
    """Where each id lives, over the records that parsed (and raw ids of those that did not)."""

    parts: Parts
    facilitators: dict[str, int] = field(default_factory=dict)
    venues: dict[str, tuple[int, Venue]] = field(default_factory=dict)
    cases: dict[str, tuple[int, Case]] = field(default_factory=dict)
    party_case: dict[str, tuple[int, Case]] = field(default_factory=dict)
    prisons: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, parts: Parts) -> Index:
        ix = cls(parts)
        for i, f in parts.facilitators:
            ix.facilitators.setdefault(f.id, i)
        for i, v in parts.venues:
            ix.venues.setdefault(v.id, (i, v))
            if v.kind == "prison" and v.prison:
                ix.prisons.add(v.prison)
        for i, c in parts.cases:
            ix.cases.setdefault(c.id, (i, c))
            for p in c.parties:
                ix.party_case.setdefault(p.id, (i, c))
        return ix

    def unparsed(self, kind: str, ident: str) -> bool:
        """`ident` may exist in a record of `kind` that failed to parse."""
        whole_list = "venues" if kind == "prisons" else kind
        if whole_list in self.parts.unreadable:
            return True
        return ident in self.parts.unparsed_ids.get(kind, set())

    def facilitator_known(self, ident: str) -> bool:
        return ident in self.facilitators or self.unparsed("facilitators", ident)

    def party_known(self, ident: str) -> bool:
        return (
            ident in self.party_case
            or ident in self.parts.unparsed_party_case
            or "cases" in self.parts.unreadable
        )

    def case_id_of_party(self, ident: str) -> str | None:
        if ident in self.party_case:
            return self.party_case[ident][1].id
        return self.parts.unparsed_party_case.get(ident)
