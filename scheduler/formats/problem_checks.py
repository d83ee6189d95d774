"""Phase two of loading a problem: the rules that tie records together.

Every check runs on whatever parsed in phase one (`Parts`), so a broken case does
not hide a dangling id in a facilitator. A reference to a record that exists but
failed to parse is not reported again: its own shape errors already are.

Choices where the spec is silent (also in docs/formats.md):
- availability windows outside the horizon are harmless and accepted;
- room ids and waiting-room ids are unique within their kind in a venue (a room and
  a waiting room may share a name); entrance names must be unique within a venue;
- `in_custody` may be set on any party (a victim can be in prison too) and may name a
  prison that no venue holds: the spec allows it, and such a case is simply never
  scheduled (NO_SAFE_VENUE names the prison), rather than the whole document refused;
- the horizon spans at most two years (731 days), and every date is in a year from
  1900 to 2999;
- `slot_minutes` need not divide the day: the spec's grid is "the wall-clock minute of
  the day is a multiple of `slot_minutes`", which is well defined for any value ≥ 1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from scheduler.domain import Availability, Case, Party, format_clock, format_local
from scheduler.formats.errors import Issue
from scheduler.formats.existing_checks import check_existing
from scheduler.formats.id_index import Index
from scheduler.formats.parsed_records import Parts
from scheduler.formats.session_checks import check_case_sessions, check_existing_sessions
from scheduler.timeutil import Clock

# Choice (the spec is silent): the engine's work grows with the days of the horizon.
MAX_HORIZON_DAYS = 731


def check_problem(parts: Parts) -> list[Issue]:
    """Every semantic problem found in the parsed parts, in document order."""
    ix = Index.of(parts)
    clock = _clock(parts)
    out: list[Issue] = []
    out += _check_top(parts, clock)
    out += _check_unique_ids(parts)
    out += _check_facilitators(parts, ix)
    out += _check_venues(parts)
    out += _check_cases(parts, ix)
    out += _check_keep_apart(parts, ix)
    out += check_existing(parts, ix, clock)
    out += check_case_sessions(parts, ix)
    out += check_existing_sessions(parts, ix, clock)
    return out


def _clock(parts: Parts) -> Clock | None:
    if parts.timezone is None:
        return None
    try:
        return Clock(parts.timezone)
    except ValueError:
        return None


def _check_top(parts: Parts, clock: Clock | None) -> Iterator[Issue]:
    if parts.timezone is not None and clock is None:
        yield Issue(
            "timezone",
            f"{parts.timezone[:64]!r}{'…' if len(parts.timezone) > 64 else ''} is not a "
            "known IANA time zone (e.g. Europe/London)",
        )
    h = parts.horizon
    if h is not None and h.start > h.end:
        yield Issue("horizon.end", f"must not be before horizon.start ({h.start.isoformat()})")
    elif h is not None and (h.end - h.start).days >= MAX_HORIZON_DAYS:
        yield Issue(
            "horizon.end",
            f"must be less than {MAX_HORIZON_DAYS} days after horizon.start "
            f"({h.start.isoformat()}): plan at most two years at a time",
        )
    pol = parts.policy
    if pol is not None:
        need = pol.settle_minutes + pol.stagger_minutes
        if pol.facilitator_before_minutes < need:
            yield Issue(
                "policy.facilitator_before_minutes",
                f"must be ≥ settle_minutes + stagger_minutes ({need}): facilitators arrive before either side",
            )
        if pol.facilitator_after_minutes < pol.stagger_minutes:
            yield Issue(
                "policy.facilitator_after_minutes",
                f"must be ≥ stagger_minutes ({pol.stagger_minutes}): facilitators leave after both sides",
            )


def _duplicates(items: list[tuple[str, str]]) -> Iterator[Issue]:
    """(path, id) pairs → an issue for each id seen before."""
    seen: dict[str, str] = {}
    for path, ident in items:
        if ident in seen:
            yield Issue(path, f"duplicate id {ident!r} (also at {seen[ident]})")
        else:
            seen[ident] = path


def _check_unique_ids(parts: Parts) -> Iterator[Issue]:
    yield from _duplicates([(f"facilitators[{i}].id", f.id) for i, f in parts.facilitators])
    yield from _duplicates([(f"venues[{i}].id", v.id) for i, v in parts.venues])
    yield from _duplicates([(f"cases[{i}].id", c.id) for i, c in parts.cases])
    yield from _duplicates(
        [
            (f"cases[{i}].parties[{j}].id", p.id)
            for i, c in parts.cases
            for j, p in enumerate(c.parties)
        ]
    )
    for i, v in parts.venues:
        yield from _duplicates(
            [(f"venues[{i}].rooms[{j}].id", r.id) for j, r in enumerate(v.rooms)]
        )
        yield from _duplicates(
            [(f"venues[{i}].waiting_rooms[{j}]", w) for j, w in enumerate(v.waiting_rooms)]
        )


def check_availability(path: str, a: Availability) -> Iterator[Issue]:
    """Windows run forwards; weekly patterns do not wrap past midnight."""
    for j, w in enumerate(a.weekly or []):
        if w.from_ >= w.to:
            yield Issue(
                f"{path}.weekly[{j}].to",
                f"must be after from ({format_clock(w.from_)}); overnight patterns are not allowed",
            )
    for key in ("dates", "unavailable"):
        for j, win in enumerate(getattr(a, key) or []):
            if win.start >= win.end:
                yield Issue(
                    f"{path}.{key}[{j}].end", f"must be after start ({format_local(win.start)})"
                )


def _check_facilitators(parts: Parts, ix: Index) -> Iterator[Issue]:
    for i, f in parts.facilitators:
        for j, pid in enumerate(f.conflicts):
            if not ix.party_known(pid):
                yield Issue(f"facilitators[{i}].conflicts[{j}]", f"no party has id {pid!r}")
        yield from check_availability(f"facilitators[{i}].availability", f.availability)


def _check_venues(parts: Parts) -> Iterator[Issue]:
    for i, v in parts.venues:
        at = f"venues[{i}]"
        if v.kind == "prison" and not v.prison:
            yield Issue(
                f"{at}.prison", "is required on a venue of kind prison (the establishment's name)"
            )
        if v.kind != "prison" and v.prison is not None:
            yield Issue(f"{at}.prison", f"is allowed only on a venue of kind prison, not {v.kind}")
        names = v.entrances or []
        if v.separate_entrances and len(set(names)) < 2:
            yield Issue(
                f"{at}.entrances",
                "must name at least two different entrances when separate_entrances is true",
            )
        seen: set[str] = set()
        for j, name in enumerate(names):
            if not name.strip():
                yield Issue(f"{at}.entrances[{j}]", "must not be blank")
            elif name in seen:
                yield Issue(f"{at}.entrances[{j}]", f"duplicate entrance {name!r}")
            seen.add(name)
        yield from check_availability(f"{at}.availability", v.availability)


def _check_cases(parts: Parts, ix: Index) -> Iterator[Issue]:
    h = parts.horizon
    for i, c in parts.cases:
        at = f"cases[{i}]"
        if not c.victims:
            yield Issue(f"{at}.parties", "must include at least one victim")
        if not c.offenders:
            yield Issue(f"{at}.parties", "must include at least one offender")
        if h is not None and h.start <= h.end:
            for key in ("earliest", "latest"):
                d: dt.date | None = getattr(c, key)
                if d is not None and not h.start <= d <= h.end:
                    yield Issue(
                        f"{at}.{key}",
                        f"{d.isoformat()} is outside the horizon ({h.start.isoformat()} to {h.end.isoformat()})",
                    )
        if c.earliest and c.latest and c.earliest > c.latest:
            yield Issue(f"{at}.latest", f"must not be before earliest ({c.earliest.isoformat()})")
        for j, fid in enumerate(c.preferred_facilitators):
            if not ix.facilitator_known(fid):
                yield Issue(f"{at}.preferred_facilitators[{j}]", f"no facilitator has id {fid!r}")
        for j, p in enumerate(c.parties):
            yield from _check_party(f"{at}.parties[{j}]", c, p, ix)


def _check_party(at: str, case: Case, p: Party, ix: Index) -> Iterator[Issue]:
    if p.role == "supporter":
        if p.supports is None:
            yield Issue(
                f"{at}.supports", "is required on a supporter (the victim or offender supported)"
            )
        else:
            target = case.party(p.supports)
            if target is None:
                other = ix.case_id_of_party(p.supports)
                where = f" (that party is in case {other!r})" if other else ""
                yield Issue(
                    f"{at}.supports",
                    f"must name a victim or offender of this case; {p.supports!r} is not in case {case.id!r}{where}",
                )
            elif target.role == "supporter":
                yield Issue(
                    f"{at}.supports",
                    f"must name a victim or offender, not the supporter {p.supports!r}",
                )
    else:
        if p.supports is not None:
            yield Issue(f"{at}.supports", f"is allowed only on supporters, not on a {p.role}")
        if p.relationship is not None:
            yield Issue(f"{at}.relationship", f"is allowed only on supporters, not on a {p.role}")
    if p.exclusion_zones and p.role != "offender":
        yield Issue(f"{at}.exclusion_zones", f"are allowed on offenders only, not on a {p.role}")
    if p.in_custody is not None and not p.in_custody.strip():
        yield Issue(f"{at}.in_custody", "must name a prison, not be blank")
    yield from check_availability(f"{at}.availability", p.availability)


def _check_keep_apart(parts: Parts, ix: Index) -> Iterator[Issue]:
    seen: dict[frozenset[str], int] = {}
    for i, (a, b) in parts.keep_apart:
        at = f"keep_apart[{i}]"
        unknown = False
        for j, pid in enumerate((a, b)):
            if not ix.party_known(pid):
                yield Issue(f"{at}[{j}]", f"no party has id {pid!r}")
                unknown = True
        if a == b:
            yield Issue(at, f"names {a!r} twice; a pair needs two different parties")
            continue
        ca, cb = ix.case_id_of_party(a), ix.case_id_of_party(b)
        if not unknown and ca is not None and ca == cb:
            yield Issue(
                at,
                f"{a!r} and {b!r} are both in case {ca!r}; keep_apart is for parties of different cases",
            )
        key = frozenset((a, b))
        if key in seen:
            yield Issue(at, f"repeats the pair at keep_apart[{seen[key]}]")
        else:
            seen[key] = i
